//! The wire format of VNPay's payment gateway, API version 2.1.0 (VNPay's merchant integration
//! documentation, `sandbox.vnpayment.vn/apis/docs`: "Thanh toán PAY", "Truy vấn kết quả thanh
//! toán (querydr)" and "Hoàn tiền (refund)"). The sandbox (`motcua sandbox`) serves the same
//! format under `/vnpay/…`.
//!
//! # 1. Payment URL (browser redirect)
//!
//! The browser is sent to `{payment_url}?{parameters}&vnp_SecureHash={hash}` with
//! `vnp_Version=2.1.0, vnp_Command=pay, vnp_TmnCode, vnp_Amount` (đồng × 100), `vnp_CreateDate,
//! vnp_ExpireDate` (`yyyyMMddHHmmss`, GMT+7), `vnp_CurrCode=VND, vnp_IpAddr, vnp_Locale` (`vn`
//! or `en`), `vnp_OrderInfo` (without diacritics), `vnp_OrderType, vnp_ReturnUrl, vnp_TxnRef`.
//!
//! **Secure hash.** The `vnp_*` parameters with a non-empty value, except `vnp_SecureHash` and
//! `vnp_SecureHashType`, sorted by name, written `name=value` with the value URL-encoded as an
//! HTML form does (`application/x-www-form-urlencoded`: space as `+`, every byte outside
//! `A-Z a-z 0-9 * - . _` as `%XX`, which is what VNPay's Java reference does) and joined by `&`;
//! `vnp_SecureHash = hex(HMAC-SHA512(vnp_HashSecret, that text))`. The query string of the URL
//! is the same text.
//!
//! # 2. Return URL and IPN
//!
//! When the payer finishes, VNPay sends the browser to `vnp_ReturnUrl` and calls the merchant's
//! IPN URL (set per merchant at VNPay, not per request) with a GET, both with the parameters
//! `vnp_TmnCode, vnp_Amount, vnp_BankCode, vnp_BankTranNo, vnp_CardType, vnp_PayDate,
//! vnp_OrderInfo, vnp_TransactionNo, vnp_ResponseCode, vnp_TransactionStatus, vnp_TxnRef` and
//! `vnp_SecureHash`, signed as above. `vnp_ResponseCode`: `00` success, `24` cancelled by the
//! payer, `51` insufficient funds, `11` payment time expired, `12` card locked, … (see
//! [`describe`]).
//!
//! The IPN expects a JSON answer `{"RspCode": "00", "Message": "Confirm Success"}`; other codes:
//! `01` order not found, `02` order already confirmed, `04` invalid amount, `97` invalid
//! signature, `99` unknown error (VNPay calls again later).
//!
//! # 3. querydr and refund (merchant web API)
//!
//! `POST {api_url}` (`…/merchant_webapi/api/transaction`) with a JSON body of strings;
//! `vnp_SecureHash = hex(HMAC-SHA512(vnp_HashSecret, values joined by "|"))` over the fields of
//! [`QUERYDR_REQUEST`], [`QUERYDR_RESPONSE`], [`REFUND_REQUEST`], [`REFUND_RESPONSE`] in that
//! order (an absent field counts as empty). `vnp_RequestId` is unique per request (a repeated
//! one gets `94`). Answer codes: `00` done, `02` invalid merchant, `03` invalid data, `91`
//! transaction not found, `94` duplicate request, `97` invalid checksum, `99` other error; for a
//! refund also `93` invalid amount and `95` transaction not successful (nothing to refund).
//! `vnp_TransactionStatus` of querydr: `00` paid, `01` not finished, `02` failed, `04`
//! reversed, `05`/`06` refund in progress, `07` suspected fraud, `09` refund refused.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha512;

pub use super::super::text::field;

/// The protocol version motcua speaks.
pub const VERSION: &str = "2.1.0";

/// Fields of a querydr request covered by its hash, in order.
pub const QUERYDR_REQUEST: [&str; 9] = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
];

/// Fields of a querydr answer covered by its hash, in order.
pub const QUERYDR_RESPONSE: [&str; 15] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
];

/// Fields of a refund request covered by its hash, in order.
pub const REFUND_REQUEST: [&str; 13] = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
];

/// Fields of a refund answer covered by its hash, in order.
pub const REFUND_RESPONSE: [&str; 13] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
];

/// `hex(HMAC-SHA512(secret, data))`, lowercase.
pub fn hmac_sha512(secret: &str, data: &str) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A value URL-encoded as VNPay signs it (HTML form encoding).
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The text signed for a payment URL, a return or an IPN: the `vnp_*` parameters with a value,
/// except the hash itself, sorted by name (the map's order), `name=encoded value` joined by `&`.
pub fn hash_data(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(name, value)| {
            name.starts_with("vnp_")
                && *name != "vnp_SecureHash"
                && *name != "vnp_SecureHashType"
                && !value.is_empty()
        })
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `vnp_SecureHash` of a payment URL, a return or an IPN.
pub fn secure_hash(params: &BTreeMap<String, String>, secret: &str) -> String {
    hmac_sha512(secret, &hash_data(params))
}

/// The text signed for a merchant web API message: the `fields` of `message` joined by `|`.
pub fn api_data(message: &serde_json::Value, fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| field(message, f))
        .collect::<Vec<_>>()
        .join("|")
}

/// `vnp_SecureHash` of a merchant web API message (request or answer) over its `fields`.
pub fn api_hash(message: &serde_json::Value, fields: &[&str], secret: &str) -> String {
    hmac_sha512(secret, &api_data(message, fields))
}

/// What a payment's `vnp_ResponseCode` means, in Vietnamese.
pub fn describe(response_code: &str) -> &'static str {
    match response_code {
        "00" => "Giao dịch thành công",
        "07" => "Trừ tiền thành công, giao dịch bị nghi ngờ",
        "09" => "Thẻ/Tài khoản chưa đăng ký dịch vụ InternetBanking",
        "10" => "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần",
        "11" => "Đã hết hạn chờ thanh toán",
        "12" => "Thẻ/Tài khoản bị khóa",
        "13" => "Nhập sai mật khẩu xác thực giao dịch (OTP)",
        "24" => "Khách hàng hủy giao dịch",
        "51" => "Tài khoản không đủ số dư",
        "65" => "Tài khoản đã vượt quá hạn mức giao dịch trong ngày",
        "75" => "Ngân hàng thanh toán đang bảo trì",
        "79" => "Nhập sai mật khẩu thanh toán quá số lần quy định",
        _ => "Giao dịch không thành công (lỗi khác)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python:
    // hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest(), the data built with
    // urllib.parse.quote_plus(value, safe="*") over the sorted parameters.

    const SECRET: &str = "sandbox-vnpay-secret";

    fn payment() -> BTreeMap<String, String> {
        [
            ("vnp_Version", "2.1.0"),
            ("vnp_Command", "pay"),
            ("vnp_TmnCode", "MOTCUA01"),
            ("vnp_Amount", "15000000"),
            ("vnp_CreateDate", "20260309093005"),
            ("vnp_ExpireDate", "20260309094505"),
            ("vnp_CurrCode", "VND"),
            ("vnp_IpAddr", "203.0.113.7"),
            ("vnp_Locale", "vn"),
            ("vnp_OrderInfo", "Le phi dang ky khai sinh: HS 0001*"),
            ("vnp_OrderType", "other"),
            (
                "vnp_ReturnUrl",
                "http://127.0.0.1:8080/payments/return?g=vnpay",
            ),
            ("vnp_TxnRef", "HS2603090001P1"),
            ("vnp_BankCode", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn the_hash_data_is_sorted_encoded_and_skips_empty_values() {
        assert_eq!(
            hash_data(&payment()),
            "vnp_Amount=15000000&vnp_Command=pay&vnp_CreateDate=20260309093005\
             &vnp_CurrCode=VND&vnp_ExpireDate=20260309094505&vnp_IpAddr=203.0.113.7\
             &vnp_Locale=vn&vnp_OrderInfo=Le+phi+dang+ky+khai+sinh%3A+HS+0001*\
             &vnp_OrderType=other\
             &vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8080%2Fpayments%2Freturn%3Fg%3Dvnpay\
             &vnp_TmnCode=MOTCUA01&vnp_TxnRef=HS2603090001P1&vnp_Version=2.1.0"
        );
    }

    #[test]
    fn the_secure_hash_is_hmac_sha512_of_the_hash_data() {
        assert_eq!(
            secure_hash(&payment(), SECRET),
            "18d67ac114dd232f5d0be666a996cd714c666979cc50189ff88566b32aad62a2\
             6149aaae1c422c01ccc5353be996a193663bfa906cefa8d05c9c8b096d80e0da"
        );
    }

    #[test]
    fn a_querydr_request_signs_its_fields_joined_by_bars() {
        let message = serde_json::json!({
            "vnp_RequestId": "4f1c2e7a9b3d4c5e8f60718293a4b5c6",
            "vnp_Version": "2.1.0", "vnp_Command": "querydr", "vnp_TmnCode": "MOTCUA01",
            "vnp_TxnRef": "HS2603090001P1", "vnp_OrderInfo": "Truy van giao dich HS2603090001P1",
            "vnp_TransactionDate": "20260309093005", "vnp_CreateDate": "20260309100000",
            "vnp_IpAddr": "203.0.113.7"
        });
        let data = api_data(&message, &QUERYDR_REQUEST);
        assert_eq!(
            data,
            "4f1c2e7a9b3d4c5e8f60718293a4b5c6|2.1.0|querydr|MOTCUA01|HS2603090001P1\
             |20260309093005|20260309100000|203.0.113.7|Truy van giao dich HS2603090001P1"
        );
        assert_eq!(
            hmac_sha512(SECRET, &data),
            "f8764abf39795ac095f083863ac0fff01eac4752dc302358740ec35402d29189\
             e626ae790bd7e5809b5d11d897b57b8b94daea5a8e712ee5aff39e185332b60a"
        );
    }

    #[test]
    fn a_refund_request_signs_its_fields_joined_by_bars() {
        let message = serde_json::json!({
            "vnp_RequestId": "HT01", "vnp_Version": "2.1.0", "vnp_Command": "refund",
            "vnp_TmnCode": "MOTCUA01", "vnp_TransactionType": "03",
            "vnp_TxnRef": "HS2603090001P1", "vnp_Amount": "5000000",
            "vnp_TransactionNo": "14000001", "vnp_TransactionDate": "20260309093005",
            "vnp_CreateBy": "ketoan01", "vnp_CreateDate": "20260310100000",
            "vnp_IpAddr": "127.0.0.1", "vnp_OrderInfo": "Hoan tien nop thua"
        });
        assert_eq!(
            hmac_sha512(SECRET, &api_data(&message, &REFUND_REQUEST)),
            "e3c783a51380e1ea14bb403fbce20916f7957f70b0221edf85cc2b22b7bb5999\
             d05ceff73058566286279833176fe793e2b790e269997c6285973220c6139bef"
        );
    }
}
