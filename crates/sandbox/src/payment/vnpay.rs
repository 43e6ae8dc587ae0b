//! VNPay 2.1.0: the payment URL (`GET /vnpay/paymentv2/vpcpay.html`, where the transaction
//! comes into being when its hash is right) and the merchant web API (`POST
//! /vnpay/merchant_webapi/api/transaction`: `querydr` and `refund`). Codes as in
//! `integrations::payment::vnpay::wire`, whose field lists and hashes the sandbox signs and
//! checks with (see [`super::sign`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::page;
use super::settled::codes;
use super::{Gateway, Payments, Refund, Status, Txn, is_reference, is_stamp};
use integrations::payment::same_hex;
use integrations::payment::vnpay::wire::{
    self, QUERYDR_REQUEST, QUERYDR_RESPONSE, REFUND_REQUEST, REFUND_RESPONSE, field as text,
};

/// `GET /vnpay/paymentv2/vpcpay.html?vnp_…&vnp_SecureHash=…`: checks the request and shows the
/// payment page of its transaction (opened on the first visit).
pub(crate) async fn payment_url(
    State(payments): State<Arc<Payments>>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let mut params = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        params.insert(k.into_owned(), v.into_owned());
    }
    let given = params.get("vnp_SecureHash").cloned().unwrap_or_default();
    let expected = wire::secure_hash(&params, &payments.vnpay_hash_secret);
    let get = |name: &str| params.get(name).cloned().unwrap_or_default();
    if !same_hex(&expected, &given) {
        return page::problem(
            StatusCode::BAD_REQUEST,
            "Sai chữ ký",
            "Chữ ký của yêu cầu thanh toán không hợp lệ (mã 97).",
        );
    }
    if get("vnp_TmnCode") != payments.vnpay_tmn_code {
        return page::problem(
            StatusCode::BAD_REQUEST,
            "Website chưa được phê duyệt",
            "Mã website (vnp_TmnCode) không tồn tại.",
        );
    }
    let hundredths: i64 = get("vnp_Amount").parse().unwrap_or(0);
    let reference = get("vnp_TxnRef");
    let created = get("vnp_CreateDate");
    if get("vnp_Version") != "2.1.0"
        || get("vnp_Command") != "pay"
        || hundredths <= 0
        || hundredths % 100 != 0
        || !is_reference(&reference)
        || !is_stamp(&created)
        || get("vnp_ReturnUrl").is_empty()
    {
        return page::problem(
            StatusCode::BAD_REQUEST,
            "Yêu cầu không hợp lệ",
            "Thiếu hoặc sai tham số thanh toán.",
        );
    }
    let no = {
        let mut ledger = payments.ledger();
        match ledger.find(Gateway::VnPay, &reference) {
            // The same request again (the payer reloads): the same transaction.
            Some(txn) if txn.created == created && txn.amount * 100 == hundredths => txn.no,
            Some(_) => {
                return page::problem(
                    StatusCode::BAD_REQUEST,
                    "Giao dịch đã tồn tại",
                    "Mã giao dịch (vnp_TxnRef) đã được sử dụng.",
                );
            }
            None => {
                let no = ledger.number();
                ledger.txns.push(Txn {
                    gateway: Gateway::VnPay,
                    no,
                    reference,
                    amount: hundredths / 100,
                    description: get("vnp_OrderInfo"),
                    created,
                    payer_ip: get("vnp_IpAddr"),
                    return_url: get("vnp_ReturnUrl"),
                    callback_url: payments.vnpay_ipn_url.clone(),
                    status: Status::Pending,
                    refunds: Vec::new(),
                    deliveries: Vec::new(),
                });
                no
            }
        }
    };
    page::render(&payments, Gateway::VnPay, no, None)
}

fn signed(payments: &Payments, mut answer: Value, fields: &[&str]) -> Response {
    let hash = wire::api_hash(&answer, fields, &payments.vnpay_hash_secret);
    answer["vnp_SecureHash"] = json!(hash);
    axum::Json(answer).into_response()
}

/// An answer carrying only a code (an error, or nothing found), signed over the response list.
fn short(
    payments: &Payments,
    request: &Value,
    command: &str,
    code: &str,
    message: &str,
) -> Response {
    let fields: &[&str] = if command == "refund" {
        &REFUND_RESPONSE
    } else {
        &QUERYDR_RESPONSE
    };
    signed(
        payments,
        json!({
            "vnp_ResponseId": uuid::Uuid::new_v4().simple().to_string(),
            "vnp_Command": command,
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": payments.vnpay_tmn_code,
            "vnp_TxnRef": text(request, "vnp_TxnRef"),
        }),
        fields,
    )
}

/// `POST /vnpay/merchant_webapi/api/transaction`.
pub(crate) async fn api(
    State(payments): State<Arc<Payments>>,
    body: axum::body::Bytes,
) -> Response {
    if !payments.api_gate() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"vnp_ResponseCode": "99", "vnp_Message": "Service unavailable"})),
        )
            .into_response();
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return short(&payments, &Value::Null, "", "03", "Invalid data format");
    };
    let command = text(&request, "vnp_Command");
    let fields: &[&str] = match command.as_str() {
        "querydr" => &QUERYDR_REQUEST,
        "refund" => &REFUND_REQUEST,
        _ => return short(&payments, &request, &command, "03", "Invalid data format"),
    };
    if text(&request, "vnp_TmnCode") != payments.vnpay_tmn_code {
        return short(&payments, &request, &command, "02", "Merchant is not valid");
    }
    let expected = wire::api_hash(&request, fields, &payments.vnpay_hash_secret);
    if !same_hex(&expected, &text(&request, "vnp_SecureHash")) {
        return short(&payments, &request, &command, "97", "Invalid Checksum");
    }
    let request_id = text(&request, "vnp_RequestId");
    if request_id.is_empty() || !is_stamp(&text(&request, "vnp_CreateDate")) {
        return short(&payments, &request, &command, "03", "Invalid data format");
    }
    if !payments.ledger().request_ids.insert(request_id) {
        return short(&payments, &request, &command, "94", "Duplicate request");
    }
    if command == "querydr" {
        querydr(&payments, &request)
    } else {
        refund(&payments, &request)
    }
}

fn querydr(payments: &Payments, request: &Value) -> Response {
    let mut ledger = payments.ledger();
    let Some(txn) = ledger
        .find(Gateway::VnPay, &text(request, "vnp_TxnRef"))
        .filter(|t| t.created == text(request, "vnp_TransactionDate"))
        .map(|t| t.clone())
    else {
        drop(ledger);
        return short(payments, request, "querydr", "91", "Transaction not found");
    };
    drop(ledger);
    let (_, status, bank, at) = codes(&txn);
    signed(
        payments,
        json!({
            "vnp_ResponseId": uuid::Uuid::new_v4().simple().to_string(),
            "vnp_Command": "querydr",
            "vnp_ResponseCode": "00",
            "vnp_Message": "QueryDR Success",
            "vnp_TmnCode": payments.vnpay_tmn_code,
            "vnp_TxnRef": txn.reference,
            "vnp_Amount": (txn.amount * 100).to_string(),
            "vnp_BankCode": bank,
            "vnp_PayDate": at,
            "vnp_TransactionNo": if status == "01" { "0".to_owned() } else { txn.no.to_string() },
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": status,
            "vnp_OrderInfo": txn.description,
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        }),
        &QUERYDR_RESPONSE,
    )
}

fn refund(payments: &Payments, request: &Value) -> Response {
    let kind = text(request, "vnp_TransactionType");
    let hundredths: i64 = text(request, "vnp_Amount").parse().unwrap_or(0);
    if !matches!(kind.as_str(), "02" | "03") || hundredths <= 0 || hundredths % 100 != 0 {
        return short(payments, request, "refund", "03", "Invalid data format");
    }
    let amount = hundredths / 100;
    let full = kind == "02";
    let mut ledger = payments.ledger();
    let no = ledger.number();
    let reference = text(request, "vnp_TxnRef");
    let created = text(request, "vnp_TransactionDate");
    let Some(txn) = ledger
        .find(Gateway::VnPay, &reference)
        .filter(|t| t.created == created)
    else {
        drop(ledger);
        return short(payments, request, "refund", "91", "Transaction not found");
    };
    let given_no = text(request, "vnp_TransactionNo");
    let (code, message) =
        if given_no != "0" && !given_no.is_empty() && given_no != txn.no.to_string() {
            ("91", "Transaction not found")
        } else if !matches!(txn.status, Status::Paid { .. }) {
            ("95", "Transaction is not successful, cannot refund")
        } else if full && !txn.refunds.is_empty() {
            ("04", "Full refund not allowed after a partial refund")
        } else if amount > txn.amount - txn.refunded() || (full && amount != txn.amount) {
            ("93", "Invalid refund amount")
        } else {
            ("00", "Refund success")
        };
    if code != "00" {
        drop(ledger);
        return short(payments, request, "refund", code, message);
    }
    let bank = match &txn.status {
        Status::Paid { bank, .. } => bank.clone(),
        _ => String::new(),
    };
    let at = super::now_stamp();
    let answer = json!({
        "vnp_ResponseId": uuid::Uuid::new_v4().simple().to_string(),
        "vnp_Command": "refund",
        "vnp_ResponseCode": "00",
        "vnp_Message": message,
        "vnp_TmnCode": payments.vnpay_tmn_code,
        "vnp_TxnRef": txn.reference,
        "vnp_Amount": hundredths.to_string(),
        "vnp_BankCode": bank,
        "vnp_PayDate": at,
        "vnp_TransactionNo": no.to_string(),
        "vnp_TransactionType": kind,
        "vnp_TransactionStatus": "05",
        "vnp_OrderInfo": text(request, "vnp_OrderInfo"),
    });
    txn.refunds.push(Refund {
        reference: text(request, "vnp_RequestId"),
        no,
        amount,
        full,
        at,
        answer: answer.clone(),
    });
    drop(ledger);
    signed(payments, answer, &REFUND_RESPONSE)
}
