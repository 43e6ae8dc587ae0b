//! The wire format of the national payment platform (PayGov) of the national public service
//! portal, as integrated by provincial one-stop systems (the reference is the research in
//! `vn-domain.md` §6.2, from the `DvcPayment` integration of a provincial system: the INIT
//! message, its `MaXacThuc` checksum, the `UrlThanhToan` redirect, the callback with `MaLoi`
//! `00` for success, the QUERY message and its checksum). What that source does not fix is
//! decided here, in the same style, and served identically by the sandbox (`motcua sandbox`):
//! the path, the callback's `LoaiBanTin` and checksum order, the QUERY answer, the browser's
//! return, the acknowledgement of a callback, the codes of `error_code` and `MaLoi`, and the
//! REFUND message.
//!
//! Every message is UTF-8 JSON sent by `POST {endpoint}/api/v1/bantin` ("bản tin", message);
//! `LoaiBanTin` says which. Times are `yyyyMMddHHmmss` in Vietnam time (UTC+7); amounts
//! (`SoTien`, `SoTienHoan`) are whole đồng, JSON numbers.
//!
//! **Checksum.** `MaXacThuc = hex(SHA-256(f1 "|" f2 "|" … "|" fn "|" secret))`, lowercase hex,
//! over the fields listed for each message in that order (the values as written, numbers in
//! decimal), the partner's secret last. A field absent from a message counts as empty.
//!
//! # 1. INIT: open a transaction
//!
//! ```text
//! {"LoaiBanTin": "INIT", "PhienBan": "1.0.6", "MaDoiTac": "MOTCUA01",
//!  "MaThamChieu": "HS2603090001P1",          ours, [A-Za-z0-9]{1,34}, unique
//!  "SoTien": 150000, "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1",
//!  "NgonNgu": "vi-VN" | "en-US", "MaTienTe": "VND", "MaNganHang": "PAYMENT",
//!  "ThongTinGiaoDich": "Lệ phí …", "ThoiGianGD": "20260309093005", "Ip": "203.0.113.7",
//!  "ThongTinBienLai": {"MaDichVu": "2", "MaDVC": "<procedure>", "MaTTHC": "<procedure>",
//!     "MaDonVi": "<agency>", "MaHoSo": "<dossier>", "TKThuHuong": "…", "MaNHThuHuong": "…",
//!     "HoTenNguoiNop": "…", "SoCMNDNguoiNop": "", "NoiDungThanhToan": "…",
//!     "PhiLePhi": [], "DSKhoanNop": [{"NoiDung": "…", "SoTien": 150000}]},
//!  "UrlTraVe": "https://…/payments/return",    where the browser comes back
//!  "UrlThongBao": "https://…/payments/paygov/callback",   where the callback goes
//!  "MaXacThuc": "…"}
//! ```
//!
//! Checksum fields: `LoaiBanTin, PhienBan, MaDoiTac, MaThamChieu, SoTien, LoaiHinhThanhToan,
//! MaKenhThanhToan, MaThietBi, NgonNgu, MaTienTe, MaNganHang, ThongTinGiaoDich, ThoiGianGD, Ip`
//! (as in the reference). `UrlTraVe` and `UrlThongBao` are outside it, as in the reference,
//! where the platform keeps them per partner; a platform that ignores them uses its own.
//!
//! Answer: `{"error_code": "0", "error_message": "…", "UrlThanhToan": "https://…",
//! "MaGiaoDich": "…"}`; the browser is sent to `UrlThanhToan`.
//!
//! # 2. NOTIFY: the callback, and the browser's return
//!
//! When the payer finishes (paid, failed or cancelled), the platform posts to `UrlThongBao`:
//!
//! ```text
//! {"LoaiBanTin": "NOTIFY", "MaLoi": "00", "MaDoiTac": "MOTCUA01", "MaThamChieu": "…",
//!  "SoTien": 150000, "MaTienTe": "VND", "MaGiaoDich": "…", "MaNganHang": "NCB",
//!  "ThoiGianGD": "20260309093512",            when the payment was made
//!  "ThongTinGiaoDich": "…", "MaXacThuc": "…"}
//! ```
//!
//! Checksum fields: `LoaiBanTin, MaLoi, MaDoiTac, MaThamChieu, SoTien, MaTienTe, MaGiaoDich,
//! MaNganHang, ThoiGianGD, ThongTinGiaoDich`. The browser is sent (303) to `UrlTraVe` with the
//! same fields as query parameters, so the return page can show the outcome at once, trusted
//! by the same checksum.
//!
//! `MaLoi` (ISO 8583 response codes where one fits): `00` paid; `09` still in progress (QUERY
//! only); `17` cancelled by the payer; `51` insufficient funds; `54` expired card; anything
//! else failed.
//!
//! motcua answers the callback with `{"MaLoi": "…", "MoTa": "…"}`: `00` recorded (200), `02`
//! already recorded (200), `01` unknown reference, `04` wrong amount, `97` wrong checksum, `99`
//! unreadable (400), `99` not recorded now (503: the platform should try again).
//!
//! # 3. QUERY: a transaction's state
//!
//! ```text
//! {"LoaiBanTin": "QUERY", "PhienBan": "1.0.6", "MaDoiTac": "MOTCUA01", "MaThamChieu": "…",
//!  "ThoiGianGD": "20260309093005",            the INIT's
//!  "MaXacThuc": "…"}
//! ```
//!
//! Checksum fields: `LoaiBanTin, PhienBan, MaDoiTac, MaThamChieu, ThoiGianGD` (as in the
//! reference). Answer: `error_code` `0` with the NOTIFY fields (`LoaiBanTin` `QUERY`, `MaLoi`
//! `09` while the payer has not finished, `ThoiGianGD` the payment's time once paid) signed
//! like NOTIFY; or `error_code` `5` when no such transaction exists.
//!
//! # 4. REFUND: give back all or part of a paid transaction
//!
//! ```text
//! {"LoaiBanTin": "REFUND", "PhienBan": "1.0.6", "MaDoiTac": "MOTCUA01",
//!  "MaThamChieu": "…", "MaGiaoDich": "…" (or ""),   the paid transaction
//!  "MaHoanTien": "…",                          ours, unique per refund
//!  "SoTienHoan": 50000, "LoaiHoanTien": "TOAN_PHAN" | "MOT_PHAN",
//!  "LyDo": "…", "NguoiYeuCau": "ketoan01",
//!  "ThoiGianGD": "…",                          the INIT's
//!  "ThoiGianYeuCau": "…",                      when the refund is asked
//!  "MaXacThuc": "…"}
//! ```
//!
//! Checksum fields: `LoaiBanTin, PhienBan, MaDoiTac, MaThamChieu, MaGiaoDich, MaHoanTien,
//! SoTienHoan, LoaiHoanTien, ThoiGianGD, ThoiGianYeuCau`. Answer: `{"error_code": "0",
//! "error_message": "…", "MaHoanTien": "…", "MaGiaoDichHoan": "…"}`. The same `MaHoanTien`
//! again gets the first answer (a retried request refunds once).
//!
//! # `error_code`
//!
//! | code | meaning | client |
//! |---|---|---|
//! | `0` | done | |
//! | `1` | malformed message | rejected |
//! | `2` | unknown partner | rejected |
//! | `3` | wrong checksum | bad signature |
//! | `4` | `MaThamChieu` already used (INIT) | rejected |
//! | `5` | no such transaction (QUERY, REFUND) | not found / refund refused |
//! | `6` | refund not allowed: not paid, or more than what remains | refund refused |
//!
//! `503` (or `429`, `5xx`) means the platform is unavailable; the client retries only QUERY.

use sha2::{Digest as _, Sha256};

pub use super::super::text::field;

/// Path of every message, after the configured endpoint.
pub const MESSAGE_PATH: &str = "/api/v1/bantin";

/// The fields of INIT covered by its checksum, in order.
pub const INIT_SIGNED: [&str; 14] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
];

/// The fields of NOTIFY (and of a QUERY answer) covered by its checksum, in order.
pub const NOTIFY_SIGNED: [&str; 10] = [
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "MaGiaoDich",
    "MaNganHang",
    "ThoiGianGD",
    "ThongTinGiaoDich",
];

/// The fields of QUERY covered by its checksum, in order.
pub const QUERY_SIGNED: [&str; 5] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "ThoiGianGD",
];

/// The fields of REFUND covered by its checksum, in order.
pub const REFUND_SIGNED: [&str; 10] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "MaGiaoDich",
    "MaHoanTien",
    "SoTienHoan",
    "LoaiHoanTien",
    "ThoiGianGD",
    "ThoiGianYeuCau",
];

/// `MaXacThuc` of `values` (already in the order of the message's list).
pub fn checksum<'a>(values: impl IntoIterator<Item = &'a str>, secret: &str) -> String {
    let mut hasher = Sha256::new();
    for value in values {
        hasher.update(value.as_bytes());
        hasher.update(b"|");
    }
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// `MaXacThuc` of a JSON message, over the fields `signed` (absent fields count as empty).
pub fn checksum_of(message: &serde_json::Value, signed: &[&str], secret: &str) -> String {
    let values: Vec<String> = signed.iter().map(|f| field(message, f)).collect();
    checksum(values.iter().map(String::as_str), secret)
}

/// What a `MaLoi` means, in Vietnamese.
pub fn describe(ma_loi: &str) -> &'static str {
    match ma_loi {
        "00" => "Giao dịch thành công",
        "09" => "Giao dịch đang xử lý",
        "17" => "Người nộp đã hủy giao dịch",
        "51" => "Tài khoản không đủ số dư",
        "54" => "Thẻ đã hết hạn",
        _ => "Giao dịch không thành công",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python:
    // hashlib.sha256("|".join(fields + [secret]).encode()).hexdigest()

    #[test]
    fn the_init_checksum_follows_the_documented_order() {
        let values = [
            "INIT",
            "1.0.6",
            "MOTCUA01",
            "HS2603090001P1",
            "150000",
            "PAY",
            "1",
            "1",
            "vi-VN",
            "VND",
            "PAYMENT",
            "Lệ phí đăng ký khai sinh",
            "20260309093005",
            "203.0.113.7",
        ];
        assert_eq!(
            checksum(values, "sandbox-paygov-secret"),
            "2b6ad52a1d978e16d5f4b637011ffa9a31f82bfd732059c471e56e8598c591cd"
        );
    }

    #[test]
    fn the_notify_checksum_is_read_from_the_json_message() {
        let message = serde_json::json!({
            "LoaiBanTin": "NOTIFY", "MaLoi": "00", "MaDoiTac": "MOTCUA01",
            "MaThamChieu": "HS2603090001P1", "SoTien": 150000, "MaTienTe": "VND",
            "MaGiaoDich": "PG14000001", "MaNganHang": "NCB", "ThoiGianGD": "20260309093512",
            "ThongTinGiaoDich": "Lệ phí đăng ký khai sinh"
        });
        assert_eq!(
            checksum_of(&message, &NOTIFY_SIGNED, "sandbox-paygov-secret"),
            "34af9f0d09c5b08e2d7d677438da972ec5c9b04094d59724d57230c1c5a8a6af"
        );
    }

    #[test]
    fn the_query_checksum_follows_the_reference() {
        assert_eq!(
            checksum(
                [
                    "QUERY",
                    "1.0.6",
                    "MOTCUA01",
                    "HS2603090001P1",
                    "20260309093005"
                ],
                "sandbox-paygov-secret"
            ),
            "dac02337fd291a3355875df083b3b0640867da820ae8dcb7831a808c5a4feae2"
        );
    }

    #[test]
    fn the_refund_checksum_follows_the_documented_order() {
        let message = serde_json::json!({
            "LoaiBanTin": "REFUND", "PhienBan": "1.0.6", "MaDoiTac": "MOTCUA01",
            "MaThamChieu": "HS2603090001P1", "MaGiaoDich": "PG14000001", "MaHoanTien": "HT01",
            "SoTienHoan": 50000, "LoaiHoanTien": "MOT_PHAN", "LyDo": "Nộp thừa",
            "NguoiYeuCau": "ketoan01", "ThoiGianGD": "20260309093005",
            "ThoiGianYeuCau": "20260310100000"
        });
        assert_eq!(
            checksum_of(&message, &REFUND_SIGNED, "sandbox-paygov-secret"),
            "d30959ac80c17067bdecd0adb687684baef011309922412d0a6ebf93f4fa90f7"
        );
    }
}
