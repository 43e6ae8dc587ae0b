//! The public verification page that the QR code of every form opens: anyone holding the form
//! can check that it was issued by this system and see the dossier's status now, and the
//! applicant can download the form again, and the electronic result once issued (whoever holds
//! the receipt collects the result, as at the counter). The key in the link is derived from the
//! dossier's random internal id, never shown elsewhere, so codes alone (which are sequential)
//! open nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::AppState;
use crate::edge::links::{verification_key, verification_url};
use crate::edge::render::render;
use crate::edge::sessions::constant_time_eq;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;
use app::ReferenceData;
use app::dossiers::{DossierService, DossierView};

/// The dossier whose code and key match; "not found" for a wrong key as for an unknown code.
pub async fn load_with_key(
    state: &AppState,
    data: &ReferenceData,
    code: &str,
    query: &[(String, String)],
) -> Result<DossierView, AppError> {
    let key = query
        .iter()
        .find(|(k, _)| k == "k")
        .map_or("", |(_, v)| v.trim());
    let service = DossierService::new(&state.db, &state.vault, data);
    let view = service
        .get(code)
        .await
        .map_err(crate::error::AppError::from)?;
    if !constant_time_eq(
        key.to_ascii_lowercase().as_bytes(),
        verification_key(&view).as_bytes(),
    ) {
        return Err(AppError::NotFound);
    }
    Ok(view)
}

/// "Nguyễn Thị Hồng Nhung" → "Nguyễn T. H. N.": enough for whoever holds the form to match it,
/// not enough to learn a name from a leaked link.
fn masked_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let rest: Vec<String> = words
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if rest.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {}", rest.join(" "))
    }
}

struct FormLink {
    label: &'static str,
    href: String,
}

#[derive(Template)]
#[template(path = "desk/verify.html")]
struct VerifyPage {
    ui: Ui,
    code: String,
    procedure: String,
    agency: String,
    applicant: String,
    status: &'static str,
    received: Option<String>,
    appointment: Option<String>,
    forms: Vec<FormLink>,
    /// The electronic results: (link, file name).
    results: Vec<(String, String)>,
}

/// The verification page.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = load_with_key(&state, &data, &code, &q).await?;
    let s = &view.state;
    let mut forms = Vec::new();
    let mut add = |present: bool, form: &str, label: &str| {
        if present {
            forms.push(FormLink {
                label: ui.t(label),
                href: verification_url("", &view, Some(form)),
            });
        }
    };
    add(s.appointment.is_some(), "receipt", "desk.documents.receipt");
    add(
        s.supplement_requests + s.intake_supplement_requests > 0,
        "supplement",
        "desk.documents.supplement",
    );
    add(
        s.status == domain::dossier::Status::Refused,
        "refusal",
        "desk.documents.refusal",
    );
    add(s.apology.is_some(), "apology", "desk.documents.apology");
    add(
        s.status == domain::dossier::Status::Stopped,
        "stop",
        "desk.documents.stop",
    );
    let key = verification_key(&view);
    let results = app::dossiers::papers_of(&state.db, view.stored.id)
        .await?
        .into_iter()
        .filter(|p| p.purpose == app::dossiers::PaperPurpose::Result)
        .map(|p| {
            (
                format!(
                    "/verify/{}/results/{}?k={key}",
                    view.stored.code, p.position
                ),
                p.file_name,
            )
        })
        .collect();
    render(&VerifyPage {
        results,
        code: view.stored.code.clone(),
        procedure: data.procedure(&s.procedure_code).map_or_else(
            || s.procedure_code.clone(),
            |p| ui.pick(&p.name, &p.name_en).to_owned(),
        ),
        agency: data.agency(&view.stored.agency_code).map_or_else(
            || view.stored.agency_code.clone(),
            |a| ui.pick(&a.name, &a.name_en).to_owned(),
        ),
        applicant: masked_name(&view.stored.applicant_name),
        status: ui.t(&format!("dossier_status.{}", s.status.as_str())),
        received: s.received_at.map(|t| local_datetime(&ui, t)),
        appointment: s.appointment.map(|t| local_datetime(&ui, t)),
        forms,
        ui,
    })
}

/// An electronic result of the dossier, for whoever holds its key.
pub async fn result_file(
    State(state): State<AppState>,
    Path((code, position)): Path<(String, i64)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = load_with_key(&state, &data, &code, &q).await?;
    drop(data);
    let paper = app::dossiers::papers_of(&state.db, view.stored.id)
        .await?
        .into_iter()
        .find(|p| p.position == position && p.purpose == app::dossiers::PaperPurpose::Result)
        .ok_or(AppError::NotFound)?;
    crate::edge::uploads::paper_file(&state, &paper.sha256, &paper.media_type, &paper.file_name)
        .await
}

#[cfg(test)]
mod tests {
    use super::masked_name;

    #[test]
    fn names_are_masked_to_the_family_name_and_initials() {
        assert_eq!(masked_name("Nguyễn Thị Hồng Nhung"), "Nguyễn T. H. N.");
        assert_eq!(masked_name("  Lê  "), "Lê");
        assert_eq!(masked_name(""), "");
    }
}
