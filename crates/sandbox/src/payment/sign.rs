//! The sandbox's own implementation of both gateways' checksums, written from the protocol
//! descriptions rather than shared with the clients in `integrations`, so that a test passing
//! over HTTP shows two independent readings of the protocol agree.
//!
//! - PayGov: `hex(SHA-256(f1|f2|…|fn|secret))` over a message's listed fields (vn-domain.md
//!   §6.2; the lists are in `integrations::payment::paygov::wire`).
//! - VNPay 2.1.0: `hex(HMAC-SHA512(secret, data))`, the data being the sorted, form-encoded
//!   `vnp_*` parameters joined by `&` for URLs, returns and IPNs, and the listed fields joined
//!   by `|` for the merchant web API.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha512};

/// A field of a JSON message as text (numbers in decimal, absent empty).
pub(crate) fn text(message: &Value, name: &str) -> String {
    match message.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// PayGov's `MaXacThuc` over `fields` of `message`.
pub(crate) fn paygov(message: &Value, fields: &[&str], secret: &str) -> String {
    let mut line = fields
        .iter()
        .map(|f| text(message, f))
        .collect::<Vec<_>>()
        .join("|");
    line.push('|');
    line.push_str(secret);
    hex::encode(Sha256::digest(line.as_bytes()))
}

/// `hex(HMAC-SHA512(secret, data))`.
pub(crate) fn hmac_sha512(secret: &str, data: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(secret.as_bytes()) else {
        // HMAC accepts keys of every length.
        return String::new();
    };
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The signed text of VNPay parameters (and the query string that carries them).
pub(crate) fn vnpay_data(params: &BTreeMap<String, String>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        if name.starts_with("vnp_")
            && name != "vnp_SecureHash"
            && name != "vnp_SecureHashType"
            && !value.is_empty()
        {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

/// VNPay's API hash over `fields` of `message` joined by `|`.
pub(crate) fn vnpay_api(message: &Value, fields: &[&str], secret: &str) -> String {
    let data = fields
        .iter()
        .map(|f| text(message, f))
        .collect::<Vec<_>>()
        .join("|");
    hmac_sha512(secret, &data)
}

/// Whether two hex checksums are equal (case ignored).
pub(crate) fn same(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| {
                acc | (a.to_ascii_lowercase() ^ b.to_ascii_lowercase())
            })
            == 0
}

/// A checksum made wrong on purpose (the last hex digit changed), for the bad-signature mode.
pub(crate) fn corrupt(checksum: &str) -> String {
    let mut out = checksum.to_owned();
    let last = match out.pop() {
        Some('0') => '1',
        _ => '0',
    };
    out.push(last);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vnpay_data_matches_the_documented_example() {
        // The same vector as integrations::payment::vnpay::wire (computed with Python).
        let params: BTreeMap<String, String> = [
            ("vnp_TxnRef", "HS2603090001P1"),
            ("vnp_OrderInfo", "Le phi dang ky khai sinh: HS 0001*"),
            ("vnp_BankCode", ""),
            ("vnp_Amount", "15000000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            vnpay_data(&params),
            "vnp_Amount=15000000&vnp_OrderInfo=Le+phi+dang+ky+khai+sinh%3A+HS+0001*\
             &vnp_TxnRef=HS2603090001P1"
        );
    }

    #[test]
    fn the_paygov_checksum_matches_an_independent_vector() {
        let message = serde_json::json!({
            "LoaiBanTin": "QUERY", "PhienBan": "1.0.6", "MaDoiTac": "MOTCUA01",
            "MaThamChieu": "HS2603090001P1", "ThoiGianGD": "20260309093005"
        });
        assert_eq!(
            paygov(
                &message,
                &[
                    "LoaiBanTin",
                    "PhienBan",
                    "MaDoiTac",
                    "MaThamChieu",
                    "ThoiGianGD"
                ],
                "sandbox-paygov-secret"
            ),
            "dac02337fd291a3355875df083b3b0640867da820ae8dcb7831a808c5a4feae2"
        );
    }

    #[test]
    fn a_corrupted_checksum_differs() {
        assert_eq!(corrupt("ab0"), "ab1");
        assert_eq!(corrupt("abf"), "ab0");
    }
}
