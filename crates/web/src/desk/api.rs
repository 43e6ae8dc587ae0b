//! The desk's JSON API for officers' tools and counter software: register a dossier handed in
//! at the counter, read a dossier with its timeline, and act on it with the same rules and the same idempotency as the action forms
//! (an `Idempotency-Key` header makes a retried request answer as the first time). Signed-in
//! officers only, with the session cookie; API keys for other systems come with accounts.

use app::dossiers::IdempotentResponse;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::dossier::{Action, Event};
use domain::payment::ledger::PaymentChannel;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::dossier_page::load;
use crate::AppState;
use crate::edge::idempotency::idempotency_of;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{DossierService, DossierView, Outcome};

/// A dossier as officers' tools read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerDossier {
    /// Dossier code.
    pub code: String,
    /// Version for `expected_version` (the number of events).
    pub version: i64,
    /// Procedure code.
    pub procedure_code: String,
    /// Status, as the domain names it.
    pub status: String,
    /// The national portal's status code.
    pub dvcqg_status: String,
    /// Agency holding the dossier.
    pub holder: String,
    /// Officer it is assigned to.
    pub assigned_to: Option<String>,
    /// Acceptance time, RFC 3339.
    pub received_at: Option<String>,
    /// Appointment of the receipt, RFC 3339.
    pub appointment: Option<String>,
    /// Legal due time, RFC 3339.
    pub due: Option<String>,
    /// Every event, oldest first, as recorded (actor and change as JSON).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// The dossier as the API answers it, read now.
async fn dossier_json(
    state: &AppState,
    data: &app::ReferenceData,
    officer: &Officer,
    code: &str,
) -> Result<OfficerDossier, AppError> {
    let view = load(state, data, officer, code).await?;
    let events = DossierService::new(&state.db, &state.vault, data)
        .timeline(&view)
        .await
        .map_err(crate::error::AppError::from)?;
    Ok(dto(&view, &events))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn dto(view: &DossierView, events: &[Event]) -> OfficerDossier {
    let s = &view.state;
    OfficerDossier {
        code: view.stored.code.clone(),
        version: view.stored.event_count,
        procedure_code: s.procedure_code.clone(),
        status: s.status.as_str().to_owned(),
        dvcqg_status: s.status.dvcqg_code().to_owned(),
        holder: s.holder.clone(),
        assigned_to: s.assigned_to.clone(),
        received_at: s.received_at.map(rfc3339),
        appointment: s.appointment.map(rfc3339),
        due: s.due.map(rfc3339),
        events: events
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect(),
    }
}

/// Read a dossier of the officer's unit, with its timeline.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}",
    tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code")),
    responses(
        (status = 200, description = "The dossier", body = OfficerDossier),
        (status = 401, description = "Not signed in as an officer", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dossier in the officer's unit", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn get_dossier(
    State(state): State<AppState>,
    officer: Officer,
    Path(code): Path<String>,
) -> Result<Json<OfficerDossier>, AppError> {
    let data = state.reference.get();
    Ok(Json(dossier_json(&state, &data, &officer, &code).await?))
}

/// An action and the version it was decided on.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct ActionRequest {
    /// The version the client read (`version` of the dossier); a newer dossier answers 409.
    pub expected_version: Option<i64>,
    /// The action, tagged by `action`: e.g. `{"action": "assign", "officer_id": "xuly.xa"}`,
    /// `{"action": "request_supplement", "reasons": "…"}`, `{"action": "accept"}`.
    #[schema(value_type = Object)]
    pub action: Action,
    /// For `record_fees_paid`: how the money was taken at the counter, `cash` (the default) or
    /// `card_terminal`.
    #[serde(default)]
    pub payment_channel: Option<String>,
}

/// Act on a dossier: the rules decide, the event is recorded once per `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers/{code}/actions",
    tag = "dossiers",
    params(
        ("code" = String, Path, min_length = 1, description = "Dossier code"),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 128, description = "Makes a retry answer as the first request; at most 128 characters")
    ),
    request_body = ActionRequest,
    responses(
        (status = 200, description = "Done; the dossier after the action", body = OfficerDossier),
        (status = 400, description = "The body is not an action, or the Idempotency-Key is too long", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not declared `application/json`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in as an officer", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dossier in the officer's unit", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The dossier changed since `expected_version`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The rules refuse the action; `detail` says why", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn act(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let request: ActionRequest = crate::edge::json_body::parse(&headers, &body, &ui)?;
    let data = state.reference.get();
    let view = load(&state, &data, &officer, &code).await?;
    super::dossier_page::may_act(&officer, &view)?;
    super::may_record_counter_payment(&officer, &view, &request.action)?;
    let idempotency = idempotency_of(
        &headers,
        format!("api:officer:{}", officer.id),
        &[view.stored.code.as_bytes(), &body],
    )
    .map_err(|e| e.refusal(&ui))?;
    // Money taken at the counter goes to the ledger as paid through this channel (cash when
    // the client does not say).
    let channel = match request.payment_channel.as_deref() {
        None => PaymentChannel::Cash,
        Some(text) => PaymentChannel::parse(text)
            .filter(|c| !c.is_online())
            .ok_or_else(|| AppError::BadRequest(ui.t("desk.api.payment_channel").to_owned()))?,
    };
    let service = DossierService::new(&state.db, &state.vault, &data).counter_channel(channel);
    let answer = |after: &DossierView| IdempotentResponse {
        status: 200,
        body: serde_json::json!({ "code": after.stored.code, "version": after.stored.event_count })
            .to_string(),
    };
    let outcome = service
        .act(
            &view.stored.code,
            request.expected_version,
            &officer.actor(),
            &request.action,
            OffsetDateTime::now_utc(),
            idempotency
                .as_ref()
                .map(|i| (i, &answer as &app::dossiers::Answer<'_>)),
        )
        .await;
    match outcome {
        Ok(Outcome::Done(_)) | Ok(Outcome::Replayed(_)) => {
            // Both answer with the dossier as it is now: the retry sees what the first did.
            Ok(
                Json(dossier_json(&state, &data, &officer, &view.stored.code).await?)
                    .into_response(),
            )
        }
        Err(ServiceError::Refused { code, .. }) => Err(AppError::Unprocessable(
            ui.t(&format!("desk.refusal.{code}")).to_owned(),
        )),
        Err(ServiceError::Conflict) => {
            Err(AppError::Conflict(ui.t("desk.error.conflict").to_owned()))
        }
        Err(ServiceError::KeyReused) => Err(AppError::Unprocessable(
            ui.t("desk.error.key_reused").to_owned(),
        )),
        Err(e) => Err(crate::error::AppError::from(e)),
    }
}

/// A dossier handed in at the counter (or by post), as the intake page takes it.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct CounterRegistration {
    /// National procedure code; the officer's unit must settle it.
    #[schema(min_length = 1, max_length = 32)]
    pub procedure: String,
    /// `citizen`, `business`, `state_agency` or `other`.
    #[schema(pattern = "^ *(citizen|business|state_agency|other) *$")]
    pub kind: String,
    /// Applicant's full name or organisation, at most 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Personal ID, 12 digits (this or `phone` is required).
    #[serde(default)]
    pub personal_id: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// `counter` (default) or `post`.
    #[serde(default)]
    pub channel: String,
    /// `accept` (Form 01), `request_supplement` (Form 02) or `refuse` (Form 03).
    #[schema(pattern = "^ *(accept|request_supplement|refuse) *$")]
    pub decision: String,
    /// Reasons, required for a request for papers or a refusal; at most 4,000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reasons: String,
    /// The papers handed in, by their names in the procedure's list (`components` of
    /// `GET /api/v1/procedures/{code}`). Accepting needs every required one; a request for papers
    /// asks for the required ones not listed.
    #[serde(default)]
    pub papers: Vec<String>,
}

/// Register a dossier at the officer's counter and record the intake decision.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers",
    tag = "dossiers",
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 128, description = "Makes a retry answer as the first request, with no second dossier; at most 128 characters")),
    request_body = CounterRegistration,
    responses(
        (status = 201, description = "Registered; the dossier", body = OfficerDossier),
        (status = 200, description = "A retry of a registration already made; the dossier", body = OfficerDossier),
        (status = 400, description = "A field is missing or wrong; `detail` names each", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not declared `application/json`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in as an officer", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn register(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let request: CounterRegistration = crate::edge::json_body::parse(&headers, &body, &ui)?;
    let fields: Vec<(String, String)> = [
        ("procedure", request.procedure),
        ("kind", request.kind),
        ("name", request.name),
        ("personal_id", request.personal_id),
        ("phone", request.phone),
        ("email", request.email),
        ("address", request.address),
        ("channel", request.channel),
        ("decision", request.decision),
        ("reasons", request.reasons),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
    .chain(request.papers.into_iter().map(|p| ("papers".to_owned(), p)))
    .collect();
    let idempotency = idempotency_of(&headers, format!("api:intake:{}", officer.id), &[&body])
        .map_err(|e| e.refusal(&ui))?;
    let (status, code) = match super::intake::register(
        &state,
        &ui,
        &officer,
        &fields,
        idempotency.as_ref(),
    )
    .await?
    {
        super::intake::Registered::Invalid(errors) => {
            let detail = errors
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join(" ");
            return Err(AppError::BadRequest(detail));
        }
        super::intake::Registered::Done { code } => (StatusCode::CREATED, code),
        // The recorded answer is the page address of the dossier: its code follows the prefix.
        super::intake::Registered::Replayed(answer) => (
            StatusCode::OK,
            answer
                .body
                .trim_start_matches("/back-office/dossiers/")
                .split('?')
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
    };
    let data = state.reference.get();
    Ok((
        status,
        Json(dossier_json(&state, &data, &officer, &code).await?),
    )
        .into_response())
}
