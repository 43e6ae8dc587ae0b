//! Finding a person's dossiers by their personal ID (tra cứu hồ sơ theo số định danh cá nhân),
//! for the officer who has the person or their papers in front of them. The number typed is
//! turned into the keyed hash stored with each dossier and only that is searched, so nothing is
//! decrypted to search (Decree 13/2023/NĐ-CP, Art. 26). The search is processing of personal
//! data: it asks why, like unmasking, and each dossier it finds gets a recorded view (Art. 27).
//! It reaches only the dossiers of the officer's unit; it is a form post, so the number is in no
//! address, history or access log.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::access::{DossierFacts, Request};
use time::OffsetDateTime;

use super::field;
use super::personal_id::REASONS;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::render::{no_store, render};
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;

/// Most dossiers listed for one number (a person rarely has more in one unit; the newest come
/// first).
const LISTED: i64 = 100;

struct FoundRow {
    code: String,
    procedure: String,
    applicant: String,
    status: &'static str,
    submitted: String,
}

#[derive(Template)]
#[template(path = "desk/personal_id_search.html")]
struct SearchPage {
    ui: Ui,
    officer: Officer,
    /// The reasons offered: (code, label, chosen).
    reasons: Vec<(&'static str, &'static str, bool)>,
    /// The number as typed, kept in the field after an error only.
    typed: String,
    /// Field errors: (field id, message).
    errors: Vec<(&'static str, String)>,
    /// After a search: the number masked and what was found.
    searched: Option<String>,
    found: Vec<FoundRow>,
}

impl SearchPage {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn page_of(ui: Ui, officer: Officer, reason: &str) -> SearchPage {
    SearchPage {
        reasons: REASONS
            .iter()
            .map(|r| {
                (
                    *r,
                    ui.t(&format!("desk.personal_id.reason.{r}")),
                    *r == reason,
                )
            })
            .collect(),
        ui,
        officer,
        typed: String::new(),
        errors: Vec::new(),
        searched: None,
        found: Vec::new(),
    }
}

/// The empty form.
pub(crate) async fn page(ui: Ui, officer: Officer) -> Result<Response, AppError> {
    if !officer.may(&Request::UseBackOffice) {
        return Err(AppError::Forbidden);
    }
    render(&page_of(ui, officer, ""))
}

/// Searches, after checking the number and the reason; records a view on every dossier found.
pub(crate) async fn search(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    if !officer.may(&Request::UseBackOffice) {
        return Err(AppError::Forbidden);
    }
    let reason = field(&fields, "reason");
    let typed: String = field(&fields, "personal_id")
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(32)
        .collect();
    let mut page = page_of(ui.clone(), officer.clone(), reason);
    // Any twelve digits, as counter intake takes them: a number that fails the checks of
    // `PersonalId::parse` was still stored, hashed as typed, and must be found.
    let id: Result<String, ()> = if typed.len() == 12 && typed.bytes().all(|b| b.is_ascii_digit()) {
        Ok(typed.clone())
    } else {
        Err(())
    };
    if id.is_err() {
        let key = if typed.is_empty() {
            "desk.search_personal_id.error_missing"
        } else {
            "desk.search_personal_id.error_invalid"
        };
        page.errors.push(("personal_id", ui.t(key).to_owned()));
    }
    if !REASONS.contains(&reason) {
        page.errors
            .push(("reason", ui.t("desk.personal_id.error_reason").to_owned()));
    }
    let Ok(id) = id.and_then(|id| {
        if page.errors.is_empty() {
            Ok(id)
        } else {
            Err(())
        }
    }) else {
        page.typed = typed;
        let mut response = render(&page)?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        // What was searched is about one person.
        return Ok(no_store(response));
    };
    let hash = state.vault.hash(&id);
    let stored =
        app::personal_data::dossiers_of_person(&state.db, &hash, &officer.unit, LISTED).await?;
    let data = state.reference.get();
    let now = OffsetDateTime::now_utc();
    let mut found = Vec::new();
    for d in stored {
        let holder = d.index.holder_agency_code.clone();
        // The storage query is already limited to the unit; the policy has the last word.
        if !officer.may(&Request::ReadDossier(DossierFacts {
            agency: &d.agency_code,
            holder: &holder,
            account: d.applicant_account.as_deref(),
        })) {
            continue;
        }
        app::personal_data::record_view(&state.db, &officer.id, &d.code, reason, now).await?;
        found.push(FoundRow {
            procedure: data.procedure(&d.procedure_code).map_or_else(
                || d.procedure_code.clone(),
                |p| ui.pick(&p.name, &p.name_en).to_owned(),
            ),
            status: domain::dossier::Status::parse(&d.index.status)
                .map_or("", |s| ui.t(&format!("dossier_status.{}", s.as_str()))),
            submitted: local_datetime(&ui, d.submitted_at),
            applicant: d.applicant_name,
            code: d.code,
        });
    }
    tracing::info!(officer = %officer.id, reason, found = found.len(), "dossiers searched by personal ID");
    page.searched = Some(app::personal_data::masked(&id));
    page.found = found;
    Ok(no_store(render(&page)?))
}
