//! The citizen's online application (nộp hồ sơ trực tuyến, Decree 45/2020/NĐ-CP): a start button
//! on the procedure's page, one question per page, a page per required paper with an upload,
//! "check your answers", submission through the dossier service and a confirmation with the
//! dossier code; and the supplement a citizen uploads when the agency asks for more papers.
//! Everything is a plain HTML form, so it works without JavaScript; the answers live in a draft
//! keyed by a random id in the address, never in a session.

mod draft;
mod papers;

mod questions;
/// Dates as people type them, shared with the counter intake.
mod submit;
mod supplement;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use uuid::Uuid;

use crate::AppState;
use crate::edge::render::render;
use crate::error::AppError;

/// Largest request accepted on an upload route: one paper at its largest, plus the other form
/// fields and the multipart framing.
const UPLOAD_BODY_LIMIT: usize = domain::paper::MAX_PAPER_BYTES + 1024 * 1024;

/// Largest request accepted on the supplement route: up to [`supplement::MAX_FILES`] papers.
const SUPPLEMENT_BODY_LIMIT: usize =
    domain::paper::MAX_PAPER_BYTES * supplement::MAX_FILES + 1024 * 1024;

/// Routes of the online application and the citizen's supplement.
pub fn router() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/applications/{id}/papers/{n}",
            get(papers::show).post(papers::save),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    let supplement = Router::new()
        .route(
            "/tracking/supplement",
            get(supplement::show).post(supplement::save),
        )
        .layer(DefaultBodyLimit::max(SUPPLEMENT_BODY_LIMIT));
    Router::new()
        .route("/procedures/{code}/apply", post(draft::start))
        .route(
            "/applications/{id}/{step}",
            get(questions::show).post(questions::save),
        )
        .route("/applications/{id}/check", get(submit::check))
        .route("/applications/{id}/submit", post(submit::submit))
        .route("/applications/{id}/done", get(submit::done))
        .route("/tracking/supplement/sent", get(supplement::sent))
        .merge(uploads)
        .merge(supplement)
}

/// Renders a page with a status (400 for a form with errors).
pub(crate) fn render_with(status: StatusCode, page: &impl Template) -> Result<Response, AppError> {
    let mut response = render(page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// "See other": the answer to every successful post (post/redirect/get).
pub(crate) fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// A draft id from the address; anything else is "not found".
pub(crate) fn draft_id(text: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(text).map_err(|_| AppError::NotFound)
}

/// One entry of an error summary: the field it links to and the message, the same words as the
/// message by the field.
pub(crate) struct ErrorItem {
    /// Id of the field.
    pub field: &'static str,
    /// Message.
    pub message: &'static str,
}

/// The message for a field, if it has one.
pub(crate) fn error_for(errors: &[ErrorItem], field: &str) -> Option<&'static str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message)
}
