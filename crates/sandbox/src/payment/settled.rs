//! What VNPay says of a transaction once it is settled: its response and status codes, and the
//! signed parameters of the return URL and the IPN. The payment page, the delivery of IPNs and
//! the merchant API's `querydr` all answer with them.

use std::collections::BTreeMap;

use integrations::payment::vnpay::wire;

use super::sign;
use super::{CardOutcome, Payments, Status, Txn};

/// `vnp_ResponseCode`, `vnp_TransactionStatus` and bank of a settled transaction.
pub(crate) fn codes(txn: &Txn) -> (&'static str, &'static str, String, String) {
    match &txn.status {
        Status::Pending => ("", "01", String::new(), String::new()),
        Status::Paid { bank, at } => ("00", "00", bank.clone(), at.clone()),
        Status::Declined { bank, at, reason } => (
            match reason {
                CardOutcome::InsufficientFunds => "51",
                // VNPay has no code for an expired card: "other error".
                _ => "99",
            },
            "02",
            bank.clone(),
            at.clone(),
        ),
        Status::Cancelled { at } => ("24", "02", String::new(), at.clone()),
    }
}

/// The signed return and IPN parameters of a settled transaction, as a query string; with
/// `corrupt`, the hash is made wrong.
pub(crate) fn result_query(payments: &Payments, txn: &Txn, corrupt: bool) -> String {
    let (code, status, bank, at) = codes(txn);
    let paid = code == "00";
    let params: BTreeMap<String, String> = [
        ("vnp_TmnCode", payments.vnpay_tmn_code.clone()),
        ("vnp_Amount", (txn.amount * 100).to_string()),
        ("vnp_BankCode", bank),
        (
            "vnp_BankTranNo",
            if paid {
                format!("VNP{}", txn.no)
            } else {
                String::new()
            },
        ),
        (
            "vnp_CardType",
            if paid {
                "ATM".to_owned()
            } else {
                String::new()
            },
        ),
        ("vnp_OrderInfo", txn.description.clone()),
        ("vnp_PayDate", at),
        ("vnp_ResponseCode", code.to_owned()),
        (
            "vnp_TransactionNo",
            if status == "01" {
                "0".to_owned()
            } else {
                txn.no.to_string()
            },
        ),
        ("vnp_TransactionStatus", status.to_owned()),
        ("vnp_TxnRef", txn.reference.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let data = wire::hash_data(&params);
    let mut hash = wire::hmac_sha512(&payments.vnpay_hash_secret, &data);
    if corrupt {
        hash = sign::corrupt(&hash);
    }
    format!("{data}&vnp_SecureHash={hash}")
}
