//! PayGov's messages (`POST /paygov/api/v1/bantin`): INIT opens a transaction and names the
//! payment page, QUERY answers from the ledger, REFUND records a refund. Codes as in
//! `integrations::payment::paygov::wire`, whose field lists and checksum the sandbox signs and
//! checks with (see [`super::sign`]).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use integrations::payment::paygov::wire::{
    self, INIT_SIGNED, NOTIFY_SIGNED, QUERY_SIGNED, REFUND_SIGNED, field as text,
};
use integrations::payment::same_hex;

use super::{Gateway, Payments, Refund, Status, Txn, is_reference, is_stamp, now_stamp};

fn answer(code: &str, message: &str, mut extra: Value) -> Response {
    extra["error_code"] = json!(code);
    extra["error_message"] = json!(message);
    axum::Json(extra).into_response()
}

fn refuse(code: &str, message: &str) -> Response {
    answer(code, message, json!({}))
}

/// `POST /paygov/api/v1/bantin`.
pub(crate) async fn message(
    State(payments): State<Arc<Payments>>,
    body: axum::body::Bytes,
) -> Response {
    if !payments.api_gate() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"error_code": "99", "error_message": "Hệ thống tạm dừng"})),
        )
            .into_response();
    }
    let Ok(message) = serde_json::from_slice::<Value>(&body) else {
        return refuse("1", "Bản tin không đúng định dạng");
    };
    let fields: &[&str] = match text(&message, "LoaiBanTin").as_str() {
        "INIT" => &INIT_SIGNED,
        "QUERY" => &QUERY_SIGNED,
        "REFUND" => &REFUND_SIGNED,
        _ => return refuse("1", "Loại bản tin không được hỗ trợ"),
    };
    if text(&message, "MaDoiTac") != payments.paygov_partner_code {
        return refuse("2", "Mã đối tác không tồn tại");
    }
    let expected = wire::checksum_of(&message, fields, &payments.paygov_secret);
    if !same_hex(&expected, &text(&message, "MaXacThuc")) {
        return refuse("3", "Sai mã xác thực");
    }
    match text(&message, "LoaiBanTin").as_str() {
        "INIT" => init(&payments, &message),
        "QUERY" => query(&payments, &message),
        _ => refund(&payments, &message),
    }
}

fn init(payments: &Payments, message: &Value) -> Response {
    let reference = text(message, "MaThamChieu");
    let amount = message.get("SoTien").and_then(Value::as_i64).unwrap_or(0);
    let created = text(message, "ThoiGianGD");
    if !is_reference(&reference) || amount <= 0 || !is_stamp(&created) {
        return refuse("1", "Bản tin thiếu hoặc sai trường bắt buộc");
    }
    let mut ledger = payments.ledger();
    if ledger.find(Gateway::PayGov, &reference).is_some() {
        return refuse("4", "Mã tham chiếu đã được sử dụng");
    }
    let no = ledger.number();
    let callback_url = Some(text(message, "UrlThongBao"))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| payments.paygov_callback_url.clone());
    ledger.txns.push(Txn {
        gateway: Gateway::PayGov,
        no,
        reference,
        amount,
        description: text(message, "ThongTinGiaoDich"),
        created,
        payer_ip: text(message, "Ip"),
        return_url: text(message, "UrlTraVe"),
        callback_url,
        status: Status::Pending,
        refunds: Vec::new(),
        deliveries: Vec::new(),
    });
    answer(
        "0",
        "Thành công",
        json!({
            "UrlThanhToan": format!("{}{}", payments.base_url, Gateway::PayGov.page_path(no)),
            "MaGiaoDich": format!("PG{no}"),
        }),
    )
}

/// `MaLoi`, bank and time of a transaction's state.
fn result_code(txn: &Txn) -> (&'static str, String, String) {
    match &txn.status {
        Status::Pending => ("09", String::new(), txn.created.clone()),
        Status::Paid { bank, at } => ("00", bank.clone(), at.clone()),
        Status::Declined { bank, at, reason } => (
            match reason {
                super::CardOutcome::Expired => "54",
                _ => "51",
            },
            bank.clone(),
            at.clone(),
        ),
        Status::Cancelled { at } => ("17", String::new(), at.clone()),
    }
}

/// The signed NOTIFY message (or QUERY answer, with `kind` "QUERY") of a transaction.
pub(crate) fn result_message(payments: &Payments, txn: &Txn, kind: &str) -> Value {
    let (code, bank, at) = result_code(txn);
    let mut message = json!({
        "LoaiBanTin": kind,
        "MaLoi": code,
        "MaDoiTac": payments.paygov_partner_code,
        "MaThamChieu": txn.reference,
        "SoTien": txn.amount,
        "MaTienTe": "VND",
        "MaGiaoDich": format!("PG{}", txn.no),
        "MaNganHang": bank,
        "ThoiGianGD": at,
        "ThongTinGiaoDich": txn.description,
    });
    message["MaXacThuc"] = json!(wire::checksum_of(
        &message,
        &NOTIFY_SIGNED,
        &payments.paygov_secret
    ));
    message
}

fn query(payments: &Payments, message: &Value) -> Response {
    let reference = text(message, "MaThamChieu");
    let created = text(message, "ThoiGianGD");
    let mut ledger = payments.ledger();
    match ledger.find(Gateway::PayGov, &reference) {
        Some(txn) if txn.created == created => {
            answer("0", "Thành công", result_message(payments, txn, "QUERY"))
        }
        _ => refuse("5", "Không tìm thấy giao dịch"),
    }
}

fn refund(payments: &Payments, message: &Value) -> Response {
    let refund_reference = text(message, "MaHoanTien");
    let amount = message
        .get("SoTienHoan")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let kind = text(message, "LoaiHoanTien");
    if !is_reference(&refund_reference)
        || amount <= 0
        || !matches!(kind.as_str(), "TOAN_PHAN" | "MOT_PHAN")
    {
        return refuse("1", "Bản tin thiếu hoặc sai trường bắt buộc");
    }
    let mut ledger = payments.ledger();
    // The same refund asked again gets the first answer and refunds nothing more.
    if let Some(first) = ledger.paygov_refunds.get(&refund_reference) {
        return axum::Json(first.clone()).into_response();
    }
    let no = ledger.number();
    let reference = text(message, "MaThamChieu");
    let created = text(message, "ThoiGianGD");
    let Some(txn) = ledger
        .find(Gateway::PayGov, &reference)
        .filter(|t| t.created == created)
    else {
        return refuse("5", "Không tìm thấy giao dịch");
    };
    let full = kind == "TOAN_PHAN";
    let paid = matches!(txn.status, Status::Paid { .. });
    let remaining = txn.amount - txn.refunded();
    let allowed =
        paid && amount <= remaining && (!full || (amount == txn.amount && txn.refunds.is_empty()));
    if !allowed {
        return refuse(
            "6",
            "Không được hoàn tiền: giao dịch chưa thanh toán hoặc số tiền hoàn vượt số còn lại",
        );
    }
    let reply = json!({
        "error_code": "0",
        "error_message": "Đã tiếp nhận yêu cầu hoàn tiền",
        "MaHoanTien": refund_reference,
        "MaGiaoDichHoan": format!("PGHT{no}"),
    });
    txn.refunds.push(Refund {
        reference: refund_reference.clone(),
        no,
        amount,
        full,
        at: now_stamp(),
        answer: reply.clone(),
    });
    ledger
        .paygov_refunds
        .insert(refund_reference, reply.clone());
    axum::Json(reply).into_response()
}
