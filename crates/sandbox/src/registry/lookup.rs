//! The look-up: a number, a name and a birth date checked against the synthetic population.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::identity::PersonalId;
use time::Date;
use unicode_normalization::UnicodeNormalization as _;

use super::wire::{CongDan, DATE, LookupRequest, LookupResponse};
use super::{Registry, auth, error};
use crate::population;

/// A name as the registry compares it: NFC, single spaces, letter case ignored (a name typed
/// in capitals is the same name), accents kept ("Lê" is not "Lễ").
fn comparable(name: &str) -> String {
    let composed: String = name.nfc().collect();
    composed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn bad_request() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "YEU_CAU_KHONG_HOP_LE",
        "Yêu cầu không đúng định dạng",
    )
}

/// `POST /dancu/1.0/congdan/xacthuc`.
pub(crate) async fn look_up(
    State(registry): State<Arc<Registry>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    registry.lookups.fetch_add(1, Ordering::Relaxed);
    if let Err(unavailable) = registry.gate().await {
        return unavailable;
    }
    if !auth::bearer_is_valid(&registry, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "TOKEN_KHONG_HOP_LE",
            "Mã truy cập không hợp lệ hoặc đã hết hạn",
        );
    }
    let Ok(request) = serde_json::from_slice::<LookupRequest>(&body) else {
        return bad_request();
    };
    let twelve_digits = request.so_dinh_danh.len() == 12
        && request.so_dinh_danh.bytes().all(|b| b.is_ascii_digit());
    let birth_date = Date::parse(&request.ngay_thang_nam_sinh, DATE);
    let (true, Ok(birth_date), false) = (
        twelve_digits,
        birth_date,
        request.ma_yeu_cau.trim().is_empty() || request.ho_va_ten.trim().is_empty(),
    ) else {
        return bad_request();
    };
    // The platform's own log of who looked up what, for which dossier (no personal data).
    tracing::info!(
        request_id = %request.ma_yeu_cau,
        officer = request.ma_can_bo.as_deref().unwrap_or("-"),
        dossier = request.ma_ho_so.as_deref().unwrap_or("-"),
        "sandbox population look-up"
    );
    // A number that breaks the structural rules belongs to nobody.
    let citizen = PersonalId::parse(&request.so_dinh_danh)
        .ok()
        .and_then(|id| population::find(&id));
    let answer = match citizen {
        None => LookupResponse {
            ma_yeu_cau: request.ma_yeu_cau,
            ket_qua: "KHONG_TIM_THAY",
            truong_khong_khop: Vec::new(),
            cong_dan: None,
        },
        Some(citizen) => {
            let mut differing = Vec::new();
            if comparable(&request.ho_va_ten) != comparable(&citizen.full_name) {
                differing.push("HoVaTen");
            }
            if birth_date != citizen.birth_date {
                differing.push("NgayThangNamSinh");
            }
            if differing.is_empty() {
                LookupResponse {
                    ma_yeu_cau: request.ma_yeu_cau,
                    ket_qua: "KHOP",
                    truong_khong_khop: Vec::new(),
                    cong_dan: Some(CongDan::from(&citizen)),
                }
            } else {
                LookupResponse {
                    ma_yeu_cau: request.ma_yeu_cau,
                    ket_qua: "KHONG_KHOP",
                    truong_khong_khop: differing,
                    cong_dan: None,
                }
            }
        }
    };
    axum::Json(answer).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_or_spacing_but_with_accents() {
        assert_eq!(
            comparable(" NGUYỄN  thị Lan "),
            comparable("Nguyễn Thị Lan")
        );
        assert_eq!(
            comparable("Nguye\u{0302}\u{0303}n Thị Lan"),
            comparable("Nguyễn Thị Lan")
        );
        assert_ne!(comparable("Lê Văn An"), comparable("Lễ Văn An"));
    }
}
