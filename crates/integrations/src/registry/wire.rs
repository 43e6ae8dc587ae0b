//! The wire format of the population look-up through the province's data-sharing platform
//! (LGSP), and its translation into [`super::LookupOutcome`]. LGSP platforms publish their APIs
//! behind an OAuth 2.0 gateway (WSO2 API Manager in most provinces); the field names follow the
//! national population database's own schema (`SoDinhDanh`, `HoVaTen`, `NgayThangNamSinh`,
//! `ThuongTru` with `MaTinhThanh`/`MaQuanHuyen`/`MaPhuongXa`/`ChiTiet`, `ChuHo`), carried as
//! JSON instead of the SOAP envelope of older integrations. The sandbox (`motcua sandbox`)
//! serves exactly this format.
//!
//! All bodies are UTF-8 JSON; dates are `yyyyMMdd` strings in the local calendar; names keep
//! their Vietnamese letters (NFC).
//!
//! # 1. Access token (OAuth 2.0 client credentials, RFC 6749 §4.4)
//!
//! ```text
//! POST {endpoint}/token
//! Authorization: Basic base64(client_id ":" client_secret)
//! Content-Type: application/x-www-form-urlencoded
//!
//! grant_type=client_credentials
//! ```
//!
//! - `200` `{"access_token": "…", "token_type": "Bearer", "expires_in": 3600}`
//! - `401` `{"error": "invalid_client"}`: wrong client id or secret.
//!
//! A deployment that is given a long-lived token instead skips this step.
//!
//! # 2. Look-up (xác minh thông tin nhân thân)
//!
//! ```text
//! POST {endpoint}/dancu/1.0/congdan/xacthuc
//! Authorization: Bearer {access_token}
//! Content-Type: application/json
//!
//! {
//!   "MaYeuCau": "0190…-…",                    request id (UUID), the same on every retry
//!   "SoDinhDanh": "027190001234",             12 digits
//!   "HoVaTen": "Nguyễn Thị Lan",
//!   "NgayThangNamSinh": "19900517",
//!   "MaCanBo": "tiepnhan01",                  optional: who asks
//!   "MaHoSo": "000.00.15.H27-260213-0001"     optional: for which dossier
//! }
//! ```
//!
//! `200` with one of three results, always echoing `MaYeuCau`:
//!
//! ```text
//! {"MaYeuCau": "…", "KetQua": "KHOP", "CongDan": {
//!     "SoDinhDanh": "027190001234", "HoVaTen": "Nguyễn Thị Lan",
//!     "GioiTinh": 2,                                  1 Nam (male), 2 Nữ (female)
//!     "NgayThangNamSinh": "19900517",
//!     "ThuongTru":   {"MaTinhThanh": "24", "TenTinhThanh": "Tỉnh Bắc Ninh",
//!                     "MaQuanHuyen": null, "TenQuanHuyen": null,
//!                     "MaPhuongXa": "09187", "TenPhuongXa": "Phường Kinh Bắc",
//!                     "ChiTiet": "Số 12 đường Lý Thái Tổ"},
//!     "NoiOHienTai": { same shape },
//!     "ChuHo": {"HoVaTen": "Trần Văn Hùng", "QuanHeVoiChuHo": "Vợ"}   or null
//! }}
//! {"MaYeuCau": "…", "KetQua": "KHONG_KHOP", "TruongKhongKhop": ["HoVaTen", "NgayThangNamSinh"]}
//! {"MaYeuCau": "…", "KetQua": "KHONG_TIM_THAY"}
//! ```
//!
//! A mismatch names the differing fields (one or both) and discloses nothing else.
//! `MaQuanHuyen`/`TenQuanHuyen` are null for addresses recorded under the two-tier local
//! government (no districts since 1 July 2025).
//!
//! Errors carry `{"MaLoi": "…", "MoTa": "…"}`:
//!
//! | status | `MaLoi` | meaning | client |
//! |---|---|---|---|
//! | 400 | `YEU_CAU_KHONG_HOP_LE` | malformed request | protocol error, no retry |
//! | 401 | `TOKEN_KHONG_HOP_LE` | token missing, wrong or expired | new token once, then credentials error |
//! | 429, 500, 502, 503, 504 | `HE_THONG_BAN` … | overloaded or down | retried with backoff |

use serde::{Deserialize, Serialize};
use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use domain::identity::{PersonalId, Sex};

use super::{Address, AdminUnit, HouseholdHead, LookupOutcome, LookupQuery, Person};

/// `yyyyMMdd`.
const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year][month][day]");

/// Path of the token endpoint, after the configured endpoint URL.
pub const TOKEN_PATH: &str = "/token";
/// Path of the look-up, after the configured endpoint URL.
pub const LOOKUP_PATH: &str = "/dancu/1.0/congdan/xacthuc";

/// The token endpoint's answer.
#[derive(Debug, Deserialize)]
pub(super) struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: Option<String>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// The look-up request body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct LookupRequest<'a> {
    pub ma_yeu_cau: &'a str,
    pub so_dinh_danh: &'a str,
    pub ho_va_ten: &'a str,
    pub ngay_thang_nam_sinh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ma_can_bo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ma_ho_so: Option<&'a str>,
}

impl<'a> LookupRequest<'a> {
    pub fn new(query: &'a LookupQuery, request_id: &'a str) -> Self {
        Self {
            ma_yeu_cau: request_id,
            so_dinh_danh: query.personal_id.as_str(),
            ho_va_ten: &query.full_name,
            ngay_thang_nam_sinh: format_date(query.birth_date),
            ma_can_bo: query.requested_by.as_deref(),
            ma_ho_so: query.dossier_code.as_deref(),
        }
    }
}

/// The look-up answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct LookupResponse {
    pub ma_yeu_cau: String,
    pub ket_qua: String,
    #[serde(default)]
    pub truong_khong_khop: Vec<String>,
    #[serde(default)]
    pub cong_dan: Option<CongDan>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CongDan {
    pub so_dinh_danh: String,
    pub ho_va_ten: String,
    pub gioi_tinh: u8,
    pub ngay_thang_nam_sinh: String,
    pub thuong_tru: DiaChi,
    pub noi_o_hien_tai: DiaChi,
    #[serde(default)]
    pub chu_ho: Option<ChuHo>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DiaChi {
    pub ma_tinh_thanh: String,
    pub ten_tinh_thanh: String,
    #[serde(default)]
    pub ma_quan_huyen: Option<String>,
    #[serde(default)]
    pub ten_quan_huyen: Option<String>,
    pub ma_phuong_xa: String,
    pub ten_phuong_xa: String,
    #[serde(default)]
    pub chi_tiet: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ChuHo {
    pub ho_va_ten: String,
    pub quan_he_voi_chu_ho: String,
}

pub(super) fn format_date(date: Date) -> String {
    // Formatting a valid date with this description cannot fail.
    date.format(DATE).unwrap_or_default()
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text, DATE).map_err(|_| format!("{text:?} is not a date written yyyyMMdd"))
}

impl LookupResponse {
    /// The outcome this answer gives to `query`, sent with `request_id`; an error text when the
    /// answer breaks the format or answers another question.
    pub fn into_outcome(
        self,
        query: &LookupQuery,
        request_id: &str,
    ) -> Result<LookupOutcome, String> {
        if self.ma_yeu_cau != request_id {
            return Err("the answer is for another request (MaYeuCau)".to_owned());
        }
        match self.ket_qua.as_str() {
            "KHOP" => {
                let person = self
                    .cong_dan
                    .ok_or("a match without CongDan")?
                    .into_person()?;
                if person.personal_id != query.personal_id {
                    return Err("the record returned has another SoDinhDanh".to_owned());
                }
                Ok(LookupOutcome::Verified(Box::new(person)))
            }
            "KHONG_KHOP" => {
                let mut name = false;
                let mut birth_date = false;
                for field in &self.truong_khong_khop {
                    match field.as_str() {
                        "HoVaTen" => name = true,
                        "NgayThangNamSinh" => birth_date = true,
                        other => return Err(format!("unknown mismatching field {other:?}")),
                    }
                }
                if !name && !birth_date {
                    return Err("a mismatch naming no field".to_owned());
                }
                Ok(LookupOutcome::Mismatch { name, birth_date })
            }
            "KHONG_TIM_THAY" => Ok(LookupOutcome::NotFound),
            other => Err(format!("unknown KetQua {other:?}")),
        }
    }
}

impl CongDan {
    fn into_person(self) -> Result<Person, String> {
        let personal_id = PersonalId::parse(&self.so_dinh_danh)
            .map_err(|e| format!("SoDinhDanh of the record: {e}"))?;
        let sex = match self.gioi_tinh {
            1 => Sex::Male,
            2 => Sex::Female,
            other => return Err(format!("GioiTinh {other} is neither 1 nor 2")),
        };
        Ok(Person {
            personal_id,
            full_name: self.ho_va_ten,
            sex,
            birth_date: parse_date(&self.ngay_thang_nam_sinh)?,
            permanent_address: self.thuong_tru.into_address(),
            current_address: self.noi_o_hien_tai.into_address(),
            household_head: self.chu_ho.map(|h| HouseholdHead {
                full_name: h.ho_va_ten,
                relationship: h.quan_he_voi_chu_ho,
            }),
        })
    }
}

impl DiaChi {
    fn into_address(self) -> Address {
        let district = match (self.ma_quan_huyen, self.ten_quan_huyen) {
            (Some(code), Some(name)) if !code.is_empty() => Some(AdminUnit { code, name }),
            _ => None,
        };
        Address {
            province: AdminUnit {
                code: self.ma_tinh_thanh,
                name: self.ten_tinh_thanh,
            },
            district,
            commune: AdminUnit {
                code: self.ma_phuong_xa,
                name: self.ten_phuong_xa,
            },
            detail: self.chi_tiet,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn query() -> LookupQuery {
        LookupQuery::new(
            PersonalId::parse("027190001234").expect("valid"),
            "Nguyễn Thị Lan",
            date!(1990 - 05 - 17),
        )
    }

    fn answer(json: &str) -> Result<LookupOutcome, String> {
        serde_json::from_str::<LookupResponse>(json)
            .map_err(|e| e.to_string())?
            .into_outcome(&query(), "r1")
    }

    #[test]
    fn the_request_carries_the_documented_fields() {
        let q = query().by("tiepnhan01");
        let body = serde_json::to_value(LookupRequest::new(&q, "r1")).expect("serialises");
        assert_eq!(
            body,
            serde_json::json!({
                "MaYeuCau": "r1",
                "SoDinhDanh": "027190001234",
                "HoVaTen": "Nguyễn Thị Lan",
                "NgayThangNamSinh": "19900517",
                "MaCanBo": "tiepnhan01"
            })
        );
    }

    #[test]
    fn a_match_becomes_a_verified_person() {
        let outcome = answer(
            r#"{"MaYeuCau":"r1","KetQua":"KHOP","CongDan":{"SoDinhDanh":"027190001234",
            "HoVaTen":"Nguyễn Thị Lan","GioiTinh":2,"NgayThangNamSinh":"19900517",
            "ThuongTru":{"MaTinhThanh":"24","TenTinhThanh":"Tỉnh Bắc Ninh","MaQuanHuyen":null,
            "TenQuanHuyen":null,"MaPhuongXa":"09187","TenPhuongXa":"Phường Kinh Bắc","ChiTiet":"Số 1"},
            "NoiOHienTai":{"MaTinhThanh":"24","TenTinhThanh":"Tỉnh Bắc Ninh",
            "MaPhuongXa":"07210","TenPhuongXa":"Phường Bắc Giang","ChiTiet":"Số 2"},
            "ChuHo":{"HoVaTen":"Trần Văn Hùng","QuanHeVoiChuHo":"Vợ"}}}"#,
        )
        .expect("valid");
        let LookupOutcome::Verified(person) = outcome else {
            panic!("not verified: {outcome:?}");
        };
        assert_eq!(person.sex, Sex::Female);
        assert_eq!(person.birth_date, date!(1990 - 05 - 17));
        assert_eq!(person.permanent_address.commune.code, "09187");
        assert_eq!(person.permanent_address.district, None);
        assert_eq!(person.current_address.commune.name, "Phường Bắc Giang");
        assert_eq!(
            person.household_head.map(|h| h.relationship),
            Some("Vợ".to_owned())
        );
    }

    #[test]
    fn a_mismatch_names_its_fields() {
        assert_eq!(
            answer(
                r#"{"MaYeuCau":"r1","KetQua":"KHONG_KHOP","TruongKhongKhop":["NgayThangNamSinh"]}"#
            ),
            Ok(LookupOutcome::Mismatch {
                name: false,
                birth_date: true
            })
        );
    }

    #[test]
    fn answers_breaking_the_format_are_refused() {
        for bad in [
            r#"{"MaYeuCau":"other","KetQua":"KHONG_TIM_THAY"}"#,
            r#"{"MaYeuCau":"r1","KetQua":"KHOP"}"#,
            r#"{"MaYeuCau":"r1","KetQua":"KHONG_KHOP","TruongKhongKhop":[]}"#,
            r#"{"MaYeuCau":"r1","KetQua":"KHONG_KHOP","TruongKhongKhop":["QueQuan"]}"#,
            r#"{"MaYeuCau":"r1","KetQua":"CO_THE"}"#,
        ] {
            assert!(answer(bad).is_err(), "{bad}");
        }
    }
}
