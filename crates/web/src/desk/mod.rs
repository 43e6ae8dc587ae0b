//! The officers' desk in the back office: signing in, the inbox of each unit and officer, the
//! dossier page with its timeline, papers and action forms, counter intake of walk-in
//! applicants, the forms (PDF) each decision produces, the officer's second factor and the unit
//! administrator's officer accounts. Every page here needs a signed-in
//! officer; the rules of who may do what stay in `domain::dossier`.

mod actions;
mod alerts;
pub mod api;
mod documents;
mod dossier_page;
pub(crate) mod inbox;
mod intake;
mod officers;
mod personal_id;
mod personal_id_search;
mod result;
mod security;
pub mod session;
mod verify;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;
use crate::error::AppError;

use crate::edge::officer::Officer;

/// The value of a posted or queried field, trimmed; empty when absent.
fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// Every value posted under `name` (a group of checkboxes), trimmed, blanks dropped.
fn fields_named(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Largest request accepted with a result file: one paper at its largest, plus the form's
/// fields and the multipart framing.
const RESULT_BODY_LIMIT: usize = domain::paper::MAX_PAPER_BYTES + 1024 * 1024;

/// Routes of the desk.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .route("/back-office/inbox", get(inbox::page))
        .route(
            "/back-office/intake",
            get(intake::page).post(intake::submit),
        )
        .route(
            "/back-office/officers",
            get(officers::page).post(officers::create),
        )
        .route(
            "/back-office/officers/{id}/role",
            post(officers::change_role),
        )
        .route(
            "/back-office/officers/{id}/disable",
            post(officers::disable),
        )
        .route("/back-office/officers/{id}/enable", post(officers::enable))
        .route(
            "/back-office/officers/{id}/password",
            post(officers::reset_password),
        )
        .route(
            "/back-office/officers/{id}/second-factor/reset",
            post(officers::reset_second_factor),
        )
        .route(
            "/back-office/security",
            get(security::page).post(security::submit),
        )
        .route(
            "/back-office/alerts",
            get(alerts::page).post(alerts::submit),
        )
        .route(
            "/back-office/search/personal-id",
            get(personal_id_search::page).post(personal_id_search::search),
        )
        .route("/back-office/dossiers/{code}", get(dossier_page::page))
        .route(
            "/back-office/dossiers/{code}/personal-id",
            post(personal_id::reveal),
        )
        .route(
            "/back-office/dossiers/{code}/actions",
            post(actions::submit),
        )
        .route(
            "/back-office/dossiers/{code}/result",
            post(result::submit).layer(DefaultBodyLimit::max(RESULT_BODY_LIMIT)),
        )
        .route(
            "/back-office/dossiers/{code}/papers/{position}",
            get(documents::officer_paper),
        )
        .route(
            "/back-office/dossiers/{code}/forms/{form}",
            get(documents::officer_pdf),
        )
        .route("/api/v1/dossiers", post(api::register))
        .route("/api/v1/dossiers/{code}", get(api::get_dossier))
        .route("/api/v1/dossiers/{code}/actions", post(api::act))
        .route("/verify/{code}", get(verify::page))
        .route("/verify/{code}/{form}", get(documents::public_pdf))
        .route(
            "/verify/{code}/results/{position}",
            get(verify::result_file),
        )
}

/// Money taken at the counter is recorded only by whom the access policy allows
/// (`Request::RecordCounterPayment`: a reception officer of the dossier's unit), whichever door
/// the "fees paid" action came through.
pub(crate) fn may_record_counter_payment(
    officer: &Officer,
    view: &app::dossiers::DossierView,
    action: &domain::dossier::Action,
) -> Result<(), AppError> {
    let records_fees = matches!(action, domain::dossier::Action::RecordFeesPaid { .. });
    if records_fees && !officer.may(&domain::access::Request::RecordCounterPayment(view.facts())) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}
