//! The SMS gateway: eSMS.vn's `SendMultipleMessage_V4_post_json` as its documentation
//! describes it (the client, `integrations::notify::esms`, lists what that is). The checks and
//! codes are written here apart from the client, so a misreading of the wire format on one side
//! shows up in the tests rather than being shared.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Channel, Messages, Received, Sink, now};

/// A field of the request as text: eSMS documents strings, a number is read as its digits.
fn field(request: &Value, name: &str) -> String {
    match request.get(name) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

/// eSMS's answer to a refused request.
fn refused(code: &str, message: &str) -> Response {
    axum::Json(json!({"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message}))
        .into_response()
}

/// A Vietnamese mobile number as national digits: 10 digits, 03, 05, 07, 08 or 09 after the 0
/// (the mobile ranges of the national numbering plan since 2018), or `None`.
fn mobile(phone: &str) -> Option<String> {
    domain::contact::national_phone(phone).filter(|p| {
        p.len() == 10 && matches!(p.as_bytes().get(1), Some(b'3' | b'5' | b'7' | b'8' | b'9'))
    })
}

/// `POST /esms/MainService.svc/json/SendMultipleMessage_V4_post_json/`.
pub(crate) async fn send(State(messages): State<Arc<Messages>>, body: Bytes) -> Response {
    let switches = messages.switches(Sink::Sms);
    if switches.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(switches.delay_ms)).await;
    }
    if !switches.available {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable (sandbox switched down)",
        )
            .into_response();
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "The request body is not JSON.").into_response();
    };
    if field(&request, "ApiKey") != messages.sms_api_key
        || field(&request, "SecretKey") != messages.sms_secret_key
    {
        return refused("101", "ApiKey hoặc SecretKey không đúng");
    }
    match field(&request, "SmsType").as_str() {
        "" => return refused("300", "Thiếu loại tin nhắn (SmsType)"),
        // Only customer-care brandname messages are simulated.
        "2" => {}
        _ => return refused("118", "Loại tin nhắn không được hỗ trợ"),
    }
    let brandname = field(&request, "Brandname");
    if brandname != messages.sms_brandname {
        return refused("104", "Brandname không tồn tại hoặc đã bị huỷ");
    }
    let Some(phone) = mobile(&field(&request, "Phone")) else {
        return refused("108", "Số điện thoại không đúng định dạng");
    };
    if switches.reject {
        return refused("99", "Số điện thoại bị chặn trên hệ thống");
    }
    let content = field(&request, "Content");
    if content.trim().is_empty() {
        // An empty text matches no registered customer-care template.
        return refused("146", "Nội dung không khớp mẫu tin chăm sóc khách hàng");
    }
    let request_id = Some(field(&request, "RequestId")).filter(|id| !id.is_empty());
    let sms_id = uuid::Uuid::new_v4().simple().to_string();
    let (at, received_at) = now();
    let message = Received {
        channel: Channel::Sms,
        id: request_id.clone().unwrap_or_else(|| sms_id.clone()),
        from: brandname,
        to: phone,
        subject: None,
        text: content,
        html: None,
        received_at,
        at,
    };
    if !messages.keep_sms(request_id.as_deref(), message) {
        return refused("124", "RequestId bị trùng");
    }
    axum::Json(json!({"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_vietnamese_mobile_numbers_written_any_way_are_taken() {
        assert_eq!(mobile("+84 912 345 678").as_deref(), Some("0912345678"));
        assert_eq!(mobile("0352.345.678").as_deref(), Some("0352345678"));
        // A landline with its area code, a too-short number, a foreign one.
        assert_eq!(mobile("024 3825 1234"), None);
        assert_eq!(mobile("091234567"), None);
        assert_eq!(mobile("+1 202 555 0143"), None);
    }
}
