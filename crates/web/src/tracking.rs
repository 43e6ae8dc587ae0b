//! Public tracking of a dossier (tra cứu hồ sơ) by its code and the last four digits of the
//! applicant's phone or personal ID: status, appointment and a timeline with no personal data.
//! The same answer, "not found", is given for an unknown code and for wrong digits, so the page
//! never tells a stranger which codes exist.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::dossier::tracking::open_supplement_request;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::AppState;
use crate::edge::proof::{LookupError, lookup};
use crate::edge::render::render;
use crate::error::AppError;
use crate::limits::ClientAddr;
use crate::ui::Ui;
use crate::views::local_datetime;

/// Routes of public tracking.
#[allow(deprecated)] // the query-string API stays for existing clients
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tracking", get(form).post(page))
        .route("/api/v1/tracking", get(api).post(api_post))
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

struct ErrorItem {
    field: &'static str,
    message: String,
}

struct TimelineRow {
    at: String,
    what: &'static str,
}

struct Found {
    code: String,
    procedure: String,
    status: &'static str,
    received: Option<String>,
    appointment: Option<String>,
    timeline: Vec<TimelineRow>,
    /// The agency asked for more papers: offer the supplement upload (a form posting the code
    /// and digits, so the digits stay out of URLs).
    supplement: bool,
    /// What the agency asked for: its reasons, one per line, and the papers named.
    asked: Option<(Vec<String>, Vec<String>)>,
    /// Fees due, with the pay form.
    pay: Option<crate::edge::pay_panel::PayPanel>,
    /// The rating page, once the dossier has ended.
    rate_href: Option<String>,
}

#[derive(Template)]
#[template(path = "tracking.html")]
struct TrackingPage {
    ui: Ui,
    code: String,
    digits: String,
    errors: Vec<ErrorItem>,
    found: Option<Found>,
}

impl TrackingPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The empty form; `?code=` pre-fills the code (links from a confirmation or an account page).
/// The four digits never travel in a URL, where logs and browser history would keep them
/// (OWASP ASVS 5.0 V14.2.1): the look-up is a POST.
async fn form(ui: Ui, Query(pairs): Query<Vec<(String, String)>>) -> Result<Response, AppError> {
    render(&TrackingPage {
        ui,
        code: param(&pairs, "code").chars().take(64).collect(),
        digits: String::new(),
        errors: Vec::new(),
        found: None,
    })
}

/// The look-up.
async fn page(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let code = param(&pairs, "code").chars().take(64).collect::<String>();
    let digits = param(&pairs, "digits").chars().take(32).collect::<String>();
    // Seconds to wait, for `Retry-After` (RFC 9110 §10.2.3), when the look-ups are limited.
    let mut retry_after = None;
    let (status, errors, found) = match lookup(&state, &client, &code, &digits).await {
        Ok(None) => (StatusCode::OK, Vec::new(), None),
        Ok(Some((view, events))) => {
            let data = state.reference.get();
            let procedure = data
                .procedure(&view.state.procedure_code)
                .map(|p| ui.pick(&p.name, &p.name_en).to_owned())
                .unwrap_or_else(|| view.state.procedure_code.clone());
            let pay = crate::edge::pay_panel::pay_panel(
                &state,
                &ui,
                &view,
                Some(digits.trim().to_owned()),
                None,
            )
            .await?;
            let found = Found {
                pay,
                rate_href: crate::edge::links::rating_href(
                    &state.vault,
                    &view,
                    app::ratings::Door::Tracking,
                ),
                code: view.stored.code.clone(),
                procedure,
                status: ui.t(&format!("dossier_status.{}", view.state.status.as_str())),
                received: view.state.received_at.map(|t| local_datetime(&ui, t)),
                appointment: view.state.effective_due().map(|t| local_datetime(&ui, t)),
                supplement: view.state.status == domain::dossier::Status::SupplementRequested,
                asked: open_supplement_request(&events).map(|r| {
                    (
                        r.reasons
                            .lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        r.papers.to_vec(),
                    )
                }),
                timeline: events
                    .iter()
                    .map(|e| TimelineRow {
                        at: local_datetime(&ui, e.at),
                        what: ui.t(&format!("dossier_event.{}", e.kind())),
                    })
                    .collect(),
            };
            (StatusCode::OK, Vec::new(), Some(found))
        }
        Err(LookupError::Invalid(list)) => (
            StatusCode::BAD_REQUEST,
            list.into_iter()
                .map(|(field, key)| ErrorItem {
                    field,
                    message: ui.t(key).to_owned(),
                })
                .collect(),
            None,
        ),
        Err(LookupError::Failed(e)) => return Err(e),
        Err(LookupError::NotFound) => (
            StatusCode::NOT_FOUND,
            vec![ErrorItem {
                field: "code",
                message: ui.t("tracking.error.not_found").to_owned(),
            }],
            None,
        ),
        Err(LookupError::Limited(wait)) => {
            retry_after = Some(wait * 60);
            (
                StatusCode::TOO_MANY_REQUESTS,
                vec![ErrorItem {
                    field: "code",
                    message: ui.t_n("tracking.error.limited", wait),
                }],
                None,
            )
        }
    };
    let mut response = render(&TrackingPage {
        ui,
        code,
        digits,
        errors,
        found,
    })?;
    *response.status_mut() = status;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, seconds.into());
    }
    Ok(response)
}

/// A dossier as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedDossier {
    /// Dossier code.
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Status: `submitted`, `accepted`, `processing`, `supplement_requested`, `awaiting_fees`,
    /// `result_ready`, `returned`, `refused`, `withdrawn`, `stopped` or `transferred`.
    pub status: &'static str,
    /// The national portal's status code.
    pub dvcqg_status: &'static str,
    /// When it was accepted (RFC 3339).
    pub received_at: Option<String>,
    /// When the result is promised (RFC 3339), after any pause or apology.
    pub appointment: Option<String>,
    /// What happened, oldest first, without personal data.
    pub timeline: Vec<TrackedEvent>,
}

/// One step of the public timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedEvent {
    /// When (RFC 3339).
    pub at: String,
    /// What: the event kind, e.g. `accepted`, `supplement_requested`, `result_ready`.
    pub kind: &'static str,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What a tracking look-up sends in its body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TrackingQuery {
    /// Dossier code, e.g. 000.00.15.H56-230915-0001: the receiving agency's identifier code,
    /// the date of receipt (YYMMDD) and the day's number (Decision 766/QĐ-TTg's code, `domain::
    /// dossier::DossierCode`).
    #[schema(
        pattern = "^ *[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Za-z][0-9]{2}-([0-9]{2}((0[13578]|1[02])(0[1-9]|[12][0-9]|3[01])|(0[469]|11)(0[1-9]|[12][0-9]|30)|02(0[1-9]|1[0-9]|2[0-8]))|([02468][048]|[13579][26])0229)-(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3}|[1-9][0-9]{4}) *$"
    )]
    pub code: String,
    /// Last four digits of the applicant's phone or personal ID (the whole number may be given:
    /// digits, spaces, `+`, `.` and `-`).
    #[schema(pattern = "^[ +.\\-]*([0-9][ +.\\-]*){4,}$", max_length = 32)]
    pub digits: String,
}

/// Follow a dossier by its code and the last four digits of the applicant's phone or personal
/// ID, sent in the body so the digits stay out of URLs, proxies' logs and browser history
/// (OWASP ASVS 5.0, 14.2.1).
#[utoipa::path(
    post,
    path = "/api/v1/tracking",
    operation_id = "track_dossier",
    tag = "dossiers",
    request_body = TrackingQuery,
    responses(
        (status = 200, description = "The dossier", body = TrackedDossier),
        (status = 400, description = "A field is missing or malformed", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not declared `application/json`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No dossier with this code and these digits", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed look-ups from this client or for this code", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn api_post(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<TrackedDossier>, AppError> {
    crate::edge::json_body::require_json(&headers, &ui)?;
    let query: TrackingQuery = serde_json::from_slice(&body)
        .map_err(|_| AppError::BadRequest(ui.t("tracking.error.body").to_owned()))?;
    answer(&state, &ui, &client, &query.code, &query.digits).await
}

/// The same look-up with the code and digits in the query string: kept for clients written
/// against the first version of the API; new clients use the POST.
#[utoipa::path(
    get,
    path = "/api/v1/tracking",
    operation_id = "track_dossier_by_query",
    tag = "dossiers",
    params(
        ("code" = String, Query, pattern = "^ *[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Za-z][0-9]{2}-([0-9]{2}((0[13578]|1[02])(0[1-9]|[12][0-9]|3[01])|(0[469]|11)(0[1-9]|[12][0-9]|30)|02(0[1-9]|1[0-9]|2[0-8]))|([02468][048]|[13579][26])0229)-(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3}|[1-9][0-9]{4}) *$", description = "Dossier code, e.g. 000.00.15.H56-230915-0001"),
        ("digits" = String, Query, pattern = "^[ +.\\-]*([0-9][ +.\\-]*){4,}$", max_length = 32, description = "Last four digits of the applicant's phone or personal ID")
    ),
    responses(
        (status = 200, description = "The dossier", body = TrackedDossier),
        (status = 400, description = "A parameter is missing or malformed", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No dossier with this code and these digits", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed look-ups from this client or for this code", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
#[deprecated(note = "the digits end up in URLs; use POST /api/v1/tracking")]
pub async fn api(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let found = answer(
        &state,
        &ui,
        &client,
        param(&pairs, "code"),
        param(&pairs, "digits"),
    )
    .await?;
    // Clients are told, in the answer itself, that this form is deprecated since 28 November
    // 2026 and which takes its place (RFC 9745 `Deprecation`, RFC 8288 `Link`).
    Ok((
        [
            ("deprecation", "@1795824000"),
            ("link", "</api/v1/tracking>; rel=\"successor-version\""),
        ],
        found,
    )
        .into_response())
}

async fn answer(
    state: &AppState,
    ui: &Ui,
    client: &ClientAddr,
    code: &str,
    digits: &str,
) -> Result<Json<TrackedDossier>, AppError> {
    match lookup(state, client, code, digits).await {
        Ok(Some((view, events))) => Ok(Json(TrackedDossier {
            code: view.stored.code.clone(),
            procedure_code: view.state.procedure_code.clone(),
            status: view.state.status.as_str(),
            dvcqg_status: view.state.status.dvcqg_code(),
            received_at: view.state.received_at.map(rfc3339),
            appointment: view.state.effective_due().map(rfc3339),
            timeline: events
                .iter()
                .map(|e| TrackedEvent {
                    at: rfc3339(e.at),
                    kind: e.kind(),
                })
                .collect(),
        })),
        Ok(None) => Err(AppError::BadRequest(
            ui.t("tracking.error.code_missing").to_owned(),
        )),
        Err(LookupError::Invalid(list)) => Err(AppError::BadRequest(
            list.iter()
                .map(|(_, key)| ui.t(key))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        Err(LookupError::NotFound) => Err(AppError::NotFound),
        Err(LookupError::Limited(wait)) => Err(AppError::Limited(
            ui.t_n("tracking.error.limited", wait),
            wait * 60,
        )),
        Err(LookupError::Failed(e)) => Err(e),
    }
}
