//! The look-up's JSON bodies as the simulated data-sharing platform reads and writes them. They
//! are written here independently of the client in `motcua-integrations` (both follow the format
//! documented in `integrations::registry::wire`), so that a test over HTTP checks one against
//! the other instead of a shared type agreeing with itself.

use serde::{Deserialize, Serialize};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use domain::identity::Sex;

use crate::population::{Citizen, PROVINCE, Place};

/// `yyyyMMdd`.
pub const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year][month][day]");

/// A look-up request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupRequest {
    pub ma_yeu_cau: String,
    pub so_dinh_danh: String,
    pub ho_va_ten: String,
    pub ngay_thang_nam_sinh: String,
    #[serde(default)]
    pub ma_can_bo: Option<String>,
    #[serde(default)]
    pub ma_ho_so: Option<String>,
}

/// A look-up answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupResponse {
    pub ma_yeu_cau: String,
    pub ket_qua: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub truong_khong_khop: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cong_dan: Option<CongDan>,
}

/// A citizen's record.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CongDan {
    pub so_dinh_danh: String,
    pub ho_va_ten: String,
    /// 1 Nam, 2 Nữ.
    pub gioi_tinh: u8,
    pub ngay_thang_nam_sinh: String,
    pub thuong_tru: DiaChi,
    pub noi_o_hien_tai: DiaChi,
    pub chu_ho: Option<ChuHo>,
}

/// An address with its administrative codes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiaChi {
    pub ma_tinh_thanh: &'static str,
    pub ten_tinh_thanh: &'static str,
    /// Always null: the province has had no districts since 1 July 2025.
    pub ma_quan_huyen: Option<String>,
    /// Always null, as `MaQuanHuyen`.
    pub ten_quan_huyen: Option<String>,
    pub ma_phuong_xa: &'static str,
    pub ten_phuong_xa: &'static str,
    pub chi_tiet: String,
}

/// The household head and the citizen's relationship to them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChuHo {
    pub ho_va_ten: String,
    pub quan_he_voi_chu_ho: &'static str,
}

/// An error body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    pub ma_loi: &'static str,
    pub mo_ta: &'static str,
}

impl From<&Place> for DiaChi {
    fn from(place: &Place) -> Self {
        Self {
            ma_tinh_thanh: PROVINCE.0,
            ten_tinh_thanh: PROVINCE.1,
            ma_quan_huyen: None,
            ten_quan_huyen: None,
            ma_phuong_xa: place.commune_code,
            ten_phuong_xa: place.commune_name,
            chi_tiet: place.detail.clone(),
        }
    }
}

impl From<&Citizen> for CongDan {
    fn from(c: &Citizen) -> Self {
        Self {
            so_dinh_danh: c.personal_id.to_string(),
            ho_va_ten: c.full_name.clone(),
            gioi_tinh: match c.sex {
                Sex::Male => 1,
                Sex::Female => 2,
            },
            ngay_thang_nam_sinh: c.birth_date.format(DATE).unwrap_or_default(),
            thuong_tru: DiaChi::from(&c.permanent),
            noi_o_hien_tai: DiaChi::from(&c.current),
            chu_ho: Some(ChuHo {
                ho_va_ten: c.household_head.clone(),
                quan_he_voi_chu_ho: c.relationship,
            }),
        }
    }
}
