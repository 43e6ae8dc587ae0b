//! `/api/v1/webhooks`: a connected system registers its endpoints, lists what was sent to each
//! with the receiver's answers, and replays a delivery it lost, all with its own key and only
//! its own endpoints (scope `receive_events`; another client's endpoint is "not found", ASVS
//! 5.0 V8.2.2).

use app::outbox::Delivery as StoredDelivery;
use app::webhooks::{self, Endpoint};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::access::Scope;
use domain::webhook::EventFilter;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::refusal;
use crate::AppState;
use crate::api_clients::ApiClient;
use crate::error::AppError;
use crate::ui::Ui;

/// An endpoint to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    /// Where events are POSTed: a public `https://` address.
    #[schema(example = "https://hotich.example.gov.vn/motcua/events")]
    pub url: String,
    /// Kinds of dossier change to send (`submitted`, `accepted`, `refused`,
    /// `supplement_requested`, `supplement_received`, `assigned`, `transferred`,
    /// `returned_from_transfer`, `result_proposed`, `result_approved`, `proposal_sent_back`,
    /// `fees_requested`, `fees_paid`, `result_ready`, `result_returned`, `withdrawn`,
    /// `stopped`, `apologised`, `identity_checked`); empty or absent for every kind.
    #[serde(default)]
    pub events: Vec<String>,
}

/// An endpoint as listed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EndpointDto {
    /// Id (a UUID).
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// Kinds of change sent; empty for every kind.
    pub events: Vec<String>,
    /// Whether it receives events (false once removed).
    pub active: bool,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// When it was removed (RFC 3339), if it was.
    pub removed_at: Option<String>,
    /// The signing secret (`whsec_…`): in the answer to the registration only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// The client's endpoints.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EndpointList {
    /// Newest first, removed ones too.
    pub endpoints: Vec<EndpointDto>,
}

/// One delivery of an event to an endpoint.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryDto {
    /// Id (a UUID), to replay it.
    pub id: String,
    /// The `webhook-id` header it is sent with, the same on every attempt and replay.
    pub webhook_id: String,
    /// The dossier's code.
    pub dossier_code: Option<String>,
    /// `pending`, `delivered` or `dead` (given up).
    pub status: String,
    /// Failed attempts since it was written or last replayed.
    pub attempts: i64,
    /// What the last failed attempt said.
    pub last_error: Option<String>,
    /// The HTTP status the receiver answered last.
    pub response_status: Option<i32>,
    /// The start of that answer's body (at most 1,000 bytes).
    pub response_body: Option<String>,
    /// When it was written (RFC 3339).
    pub created_at: String,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<String>,
    /// When it was handed over.
    pub delivered_at: Option<String>,
    /// The body sent (the event, JSON).
    pub payload: String,
}

/// Deliveries to one endpoint.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryList {
    /// Newest first.
    pub deliveries: Vec<DeliveryDto>,
}

/// Paging of a delivery list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Paging {
    /// Page, from 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Per page, 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub(crate) fn endpoint_dto(e: Endpoint, secret: Option<String>) -> EndpointDto {
    EndpointDto {
        id: e.id.to_string(),
        events: e.events.kinds().iter().map(|k| (*k).to_owned()).collect(),
        active: e.active(),
        url: e.url,
        created_at: rfc3339(e.created_at),
        removed_at: e.disabled_at.map(rfc3339),
        secret,
    }
}

fn delivery_dto(d: StoredDelivery) -> DeliveryDto {
    DeliveryDto {
        webhook_id: webhooks::webhook_id(d.id),
        id: d.id.to_string(),
        dossier_code: d.dossier_code,
        next_attempt_at: (d.status == "pending").then(|| rfc3339(d.next_attempt_at)),
        status: d.status,
        attempts: d.attempts,
        last_error: d.last_error,
        response_status: d.response_status,
        response_body: d.response_body,
        created_at: rfc3339(d.created_at),
        delivered_at: d.delivered_at.map(rfc3339),
        payload: d.body,
    }
}

/// List this client's webhook endpoints (scope `receive_events`).
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The endpoints", body = EndpointList),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `receive_events`", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
) -> Result<Response, AppError> {
    if let Some(refused) = client.missing_scope(&ui, Scope::ReceiveEvents) {
        return Ok(refused);
    }
    let endpoints = webhooks::endpoints(&state, client.id).await?;
    Ok(Json(EndpointList {
        endpoints: endpoints
            .into_iter()
            .map(|e| endpoint_dto(e, None))
            .collect(),
    })
    .into_response())
}

/// Register an endpoint (scope `receive_events`). Each change of a dossier of the client's unit
/// (every unit for a province-wide client) of a kind it names is POSTed to it, signed as the
/// Standard Webhooks specification describes; the answer carries the signing secret, once.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("api_key" = [])),
    request_body = NewEndpoint,
    responses(
        (status = 201, description = "Registered; the secret is in this answer only", body = EndpointDto),
        (status = 400, description = "The body is not the JSON described", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not declared `application/json`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `receive_events`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The address is refused (not https, not public, unresolvable), a kind of change is unknown, or the client has 10 endpoints", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
    body: Result<Json<NewEndpoint>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    if let Some(refused) = client.missing_scope(&ui, Scope::ReceiveEvents) {
        return Ok(refused);
    }
    let Ok(Json(request)) = body else {
        return Err(AppError::BadRequest(ui.t("webhooks.error.body").to_owned()));
    };
    if request.url.trim().is_empty() {
        return Err(AppError::Unprocessable(
            ui.t("webhooks.error.url_missing").to_owned(),
        ));
    }
    let events = EventFilter::parse(request.events.iter().map(String::as_str))
        .map_err(|e| AppError::Unprocessable(ui.t_s("webhooks.error.unknown_kind", &e.0)))?;
    let registered = webhooks::register(&state, client.id, &request.url, events, &client.account())
        .await
        .map_err(|e| refusal(&ui, e))?;
    let answer = endpoint_dto(registered.endpoint, Some(registered.secret));
    // The secret is in this answer only: not to be kept by any cache on the way.
    Ok(crate::edge::render::no_store(
        (StatusCode::CREATED, Json(answer)).into_response(),
    ))
}

/// Remove an endpoint (scope `receive_events`): nothing more is sent to it, and what waited is
/// given up. Removing it twice is not an error.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `receive_events`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "This client has no such endpoint", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if let Some(refused) = client.missing_scope(&ui, Scope::ReceiveEvents) {
        return Ok(refused);
    }
    let id = Uuid::try_parse(&id).map_err(|_| AppError::NotFound)?;
    webhooks::remove(&state, client.id, id, &client.account()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// List the deliveries to an endpoint, newest first, with the receiver's answers (scope
/// `receive_events`).
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Endpoint id"), Paging),
    responses(
        (status = 200, description = "The deliveries", body = DeliveryList),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `receive_events`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "This client has no such endpoint", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn deliveries(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
    Path(id): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Response, AppError> {
    if let Some(refused) = client.missing_scope(&ui, Scope::ReceiveEvents) {
        return Ok(refused);
    }
    let (page, per_page) = (paging.page.unwrap_or(1), paging.per_page.unwrap_or(50));
    if page == 0 || !(1..=200).contains(&per_page) {
        return Err(AppError::BadRequest(
            ui.t("webhooks.error.paging").to_owned(),
        ));
    }
    let id = Uuid::try_parse(&id).map_err(|_| AppError::NotFound)?;
    let listed = webhooks::deliveries(&state, client.id, id, page, per_page).await?;
    Ok(Json(DeliveryList {
        deliveries: listed.into_iter().map(delivery_dto).collect(),
    })
    .into_response())
}

/// Send a delivered or given-up delivery again, with the same `webhook-id` (scope
/// `receive_events`).
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/deliveries/{id}/replay",
    tag = "webhooks",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued to be sent again"),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `receive_events`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery to one of this client's endpoints", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Still being tried, or its endpoint was removed", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn replay(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if let Some(refused) = client.missing_scope(&ui, Scope::ReceiveEvents) {
        return Ok(refused);
    }
    let id = Uuid::try_parse(&id).map_err(|_| AppError::NotFound)?;
    webhooks::replay(&state, client.id, id, &client.account())
        .await
        .map_err(|e| refusal(&ui, e))?;
    Ok(StatusCode::ACCEPTED.into_response())
}
