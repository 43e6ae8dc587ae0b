//! VNPay's IPN and the payer's return reach motcua as a query string anyone can forge, and
//! `VnPay::read_callback` decides from it whether a fee is paid. It must never panic on any
//! query; a query signed with the merchant's secret must verify (whatever its parameters) and
//! report exactly what the signed parameters say; the same query with its signature altered must
//! be refused as a bad signature.
//!
//! Each input is used twice: as it comes (almost never correctly signed, so this reaches the
//! parsing and the refusal), and re-signed with the test secret after reading its parameters
//! (which reaches everything past the signature check).
#![no_main]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use integrations::payment::vnpay::wire;
use integrations::payment::{CallbackError, GatewayOutcome, PaymentGateway, VnPay, VnPayConfig};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-vnpay-secret";
const TMN_CODE: &str = "MOTCUA01";

static VNPAY: LazyLock<VnPay> = LazyLock::new(|| {
    VnPay::new(VnPayConfig::new(
        "http://127.0.0.1:9/vnpay/paymentv2/vpcpay.html",
        "http://127.0.0.1:9/vnpay/merchant_webapi/api/transaction",
        TMN_CODE,
        SECRET,
    ))
    .expect("a valid configuration")
});

fn query_of(params: &BTreeMap<String, String>, hash: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .append_pair("vnp_SecureHash", hash)
        .finish()
}

fuzz_target!(|data: &[u8]| {
    let vnpay = &*VNPAY;
    let text = String::from_utf8_lossy(data);

    // As it comes, as the query string or (ignored by VNPay) the body.
    let _ = vnpay.read_callback(&text, data);

    // Re-signed: the parameters as VNPay's servers would send them, one value per name.
    let mut params: BTreeMap<String, String> =
        form_urlencoded::parse(text.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    params.remove("vnp_SecureHash");
    let hash = wire::secure_hash(&params, SECRET);
    let signed = query_of(&params, &hash);
    let read = vnpay.read_callback(&signed, b"");
    assert_ne!(read, Err(CallbackError::BadSignature), "{signed:?}");
    // The hash compares without regard to case.
    assert_eq!(
        vnpay.read_callback(&query_of(&params, &hash.to_uppercase()), b""),
        read
    );
    // Any other hash is refused before anything is read.
    let mut altered = hash.clone().into_bytes();
    altered[0] = if altered[0] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).expect("hex");
    assert_eq!(
        vnpay.read_callback(&query_of(&params, &altered), b""),
        Err(CallbackError::BadSignature)
    );
    assert_eq!(
        vnpay.read_callback(&query_of(&params, ""), b""),
        Err(CallbackError::BadSignature)
    );

    if let Ok(report) = read {
        let param = |name: &str| params.get(name).map_or("", String::as_str);
        assert_eq!(param("vnp_TmnCode"), TMN_CODE);
        assert!(!report.reference.is_empty());
        assert_eq!(report.reference, param("vnp_TxnRef"));
        assert_eq!(
            report.amount_vnd.checked_mul(100).map(|h| h.to_string()),
            param("vnp_Amount")
                .parse::<i64>()
                .ok()
                .map(|h| h.to_string())
        );
        match &report.outcome {
            GatewayOutcome::Paid => {
                assert_eq!(param("vnp_ResponseCode"), "00");
                assert!(matches!(param("vnp_TransactionStatus"), "" | "00"));
                assert!(report.paid_at.is_some());
            }
            GatewayOutcome::Cancelled => assert_eq!(param("vnp_ResponseCode"), "24"),
            GatewayOutcome::Failed { code, .. } => {
                assert_eq!(code, param("vnp_ResponseCode"));
                assert!(!code.is_empty());
            }
            other => panic!("a callback cannot report {other:?}"),
        }
        if report.outcome != GatewayOutcome::Paid {
            assert_eq!(report.paid_at, None);
        }
    }
});
