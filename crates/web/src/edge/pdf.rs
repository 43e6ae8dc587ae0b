//! What every PDF the portal issues shares, the dossier's forms and the payment receipt alike:
//! the letterhead, moments and dates written the Vietnamese way, the Vietnamese interface they
//! are written in, and the response that carries a rendered PDF.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use documents::{Document, Letterhead};
use domain::calendar::VIETNAM_OFFSET;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::Ui;
use app::ReferenceData;

/// "08 giờ 30 phút, ngày 27 tháng 11 năm 2026", as the forms write a moment.
pub(crate) fn moment_vi(at: OffsetDateTime) -> String {
    let t = at.to_offset(VIETNAM_OFFSET);
    format!(
        "{:02} giờ {:02} phút, ngày {:02} tháng {:02} năm {}",
        t.hour(),
        t.minute(),
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

/// "ngày 27 tháng 11 năm 2026".
pub(crate) fn day_vi(at: OffsetDateTime) -> String {
    let t = at.to_offset(VIETNAM_OFFSET);
    format!(
        "ngày {:02} tháng {:02} năm {}",
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

/// The interface in Vietnamese, as every form is written.
pub(crate) fn vi() -> Ui {
    Ui {
        lang: Lang::Vi,
        path: "/".into(),
        path_and_query: "/".into(),
        back_office: true,
    }
}

/// The province's short name for "Bắc Ninh, ngày …": the provincial committee's name after
/// "tỉnh" or "thành phố".
fn place(data: &ReferenceData) -> String {
    data.catalogue
        .agencies
        .iter()
        .find(|a| a.parent.is_none())
        .map(|a| {
            let name = a.name.as_str();
            name.rsplit_once(" tỉnh ")
                .or_else(|| name.rsplit_once(" thành phố "))
                .map_or(name, |(_, p)| p)
                .to_owned()
        })
        .unwrap_or_default()
}

/// The issuing agency under its parent, and the place and date, at the head of a form.
pub(crate) fn letterhead(
    data: &ReferenceData,
    agency_code: &str,
    at: OffsetDateTime,
) -> Letterhead {
    let agency = data.agency(agency_code);
    let parent = agency
        .and_then(|a| a.parent.as_deref())
        .and_then(|p| data.agency(p));
    Letterhead {
        parent_agency: parent.map_or_else(String::new, |p| p.name.to_uppercase()),
        agency: agency.map_or_else(|| agency_code.to_owned(), |a| a.name.to_uppercase()),
        number: None,
        place_and_date: format!("{}, {}", place(data), day_vi(at)),
    }
}

/// Renders a form as a PDF response; typesetting is CPU work, so it runs off the async threads.
pub(crate) async fn pdf_response(
    document: Document,
    code: &str,
    form: &str,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || documents::render(&document))
        .await
        .map_err(|e| AppError::Internal(format!("render task: {e}")))?
        .map_err(|e| AppError::Internal(format!("render: {e}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{code}-{form}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
