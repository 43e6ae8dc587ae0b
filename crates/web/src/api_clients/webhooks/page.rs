//! The back-office page of one API client's webhooks: the unit's administrator registers
//! endpoints (the signing secret shown once), removes them, reads the latest deliveries to each
//! with the receiver's answers, and sends one again. Every form carries the session's CSRF
//! token (ASVS 3.5.1); the client must be one the officer manages, else "not found".

use app::webhooks::{self, Endpoint};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::webhook::EventFilter;
use serde::Deserialize;
use uuid::Uuid;

use super::refusal_message;
use crate::AppState;
use crate::api_clients::admin::{field, managed, when};
use crate::edge::officer::Officer;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;

/// Deliveries shown for the chosen endpoint.
const SHOWN: u32 = 50;

/// One endpoint in the list.
struct EndpointRow {
    id: String,
    url: String,
    events: String,
    created: String,
    /// `None` while it receives; else the state's text.
    removed: Option<&'static str>,
}

/// One delivery to the chosen endpoint.
struct DeliveryRow {
    id: String,
    webhook_id: String,
    dossier: String,
    status: &'static str,
    /// Delivered or given up: may be sent again.
    replayable: bool,
    attempts: i64,
    answer: String,
    error: String,
    at: String,
}

#[derive(Template)]
#[template(path = "desk/webhooks.html")]
struct WebhooksPage {
    ui: Ui,
    officer: Officer,
    client_id: String,
    client_name: String,
    client_revoked: bool,
    /// Each kind of change: its name, its label, and whether it is ticked.
    kinds: Vec<(&'static str, &'static str, bool)>,
    endpoints: Vec<EndpointRow>,
    /// The endpoint whose deliveries are shown: its id and address.
    chosen: Option<(String, String)>,
    deliveries: Vec<DeliveryRow>,
    /// The secret of an endpoint just added, shown this once.
    new_secret: Option<String>,
    /// A message after an action (a locale key).
    message: Option<&'static str>,
    /// A refused form: the id of the field to fix and the message.
    error: Option<(String, String)>,
    /// What was typed in a refused form, to show again.
    typed_url: String,
}

/// Which endpoint's deliveries to show, and a message after a redirect.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    endpoint: Option<String>,
    done: Option<String>,
}

fn endpoint_row(ui: &Ui, e: &Endpoint) -> EndpointRow {
    let events = if e.events.is_all() {
        ui.t("webhooks.page.all_events").to_owned()
    } else {
        e.events.kinds().join(", ")
    };
    EndpointRow {
        id: e.id.to_string(),
        url: e.url.clone(),
        events,
        created: when(ui, Some(e.created_at)),
        removed: match (e.disabled_at, e.disabled_by.as_deref()) {
            (None, _) => None,
            (Some(_), Some(webhooks::GONE)) => Some(ui.t("webhooks.page.removed_gone")),
            (Some(_), _) => Some(ui.t("webhooks.page.removed")),
        },
    }
}

/// What a page shows besides the client's endpoints and deliveries.
#[derive(Default)]
struct Shown {
    new_secret: Option<String>,
    message: Option<&'static str>,
    error: Option<(String, String)>,
    /// What was typed in a refused form, to show again.
    typed_url: String,
    typed_events: Vec<String>,
}

async fn page_with(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    client_id: &str,
    chosen: Option<&str>,
    shown: Shown,
) -> Result<Response, AppError> {
    let client = managed(state, &officer, client_id).await?;
    let endpoints = webhooks::endpoints(state, client.id).await?;
    let chosen = chosen
        .and_then(|c| Uuid::try_parse(c).ok())
        .and_then(|c| endpoints.iter().find(|e| e.id == c))
        .or_else(|| endpoints.iter().find(|e| e.active()))
        .or(endpoints.first());
    let deliveries = match chosen {
        Some(e) => webhooks::deliveries(state, client.id, e.id, 1, SHOWN)
            .await?
            .into_iter()
            .map(|d| DeliveryRow {
                id: d.id.to_string(),
                webhook_id: webhooks::webhook_id(d.id),
                dossier: d.dossier_code.unwrap_or_default(),
                status: match d.status.as_str() {
                    "delivered" => ui.t("webhooks.status.delivered"),
                    "dead" => ui.t("webhooks.status.dead"),
                    _ => ui.t("webhooks.status.pending"),
                },
                replayable: d.status != "pending",
                attempts: d.attempts,
                answer: match (d.response_status, d.response_body) {
                    (Some(status), Some(body)) if !body.trim().is_empty() => {
                        format!("{status} · {}", body.trim())
                    }
                    (Some(status), _) => status.to_string(),
                    (None, _) if d.status == "pending" && d.attempts == 0 => String::new(),
                    (None, _) => ui.t("webhooks.page.no_answer").to_owned(),
                },
                error: d.last_error.unwrap_or_default(),
                at: when(&ui, Some(d.created_at)),
            })
            .collect(),
        None => Vec::new(),
    };
    let refused = shown.error.is_some();
    let mut response = render(&WebhooksPage {
        kinds: domain::dossier::CHANGE_KINDS
            .iter()
            .map(|k| {
                (
                    *k,
                    ui.t(&format!("dossier_event.{k}")),
                    shown.typed_events.iter().any(|t| t == k),
                )
            })
            .collect(),
        endpoints: endpoints.iter().map(|e| endpoint_row(&ui, e)).collect(),
        chosen: chosen.map(|e| (e.id.to_string(), e.url.clone())),
        client_id: client.id.simple().to_string(),
        client_name: client.name,
        client_revoked: client.revoked_at.is_some(),
        deliveries,
        new_secret: shown.new_secret,
        message: shown.message,
        error: shown.error,
        typed_url: shown.typed_url,
        ui,
        officer,
    })?;
    if refused {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// The client's endpoints and the latest deliveries to one of them.
pub(crate) async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let message = match query.done.as_deref() {
        Some("replayed") => Some("webhooks.page.replayed"),
        _ => None,
    };
    page_with(
        &state,
        ui,
        officer,
        &id,
        query.endpoint.as_deref(),
        Shown {
            message,
            ..Shown::default()
        },
    )
    .await
}

/// Registers an endpoint and shows its secret once.
pub(crate) async fn add(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let client = managed(&state, &officer, &id).await?;
    if client.revoked_at.is_some() {
        return Err(AppError::NotFound);
    }
    let url = field(&fields, "url").to_owned();
    let ticked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "event")
        .map(|(_, v)| v.clone())
        .collect();
    let refused = |message: String| Shown {
        error: Some(("endpoint-url".to_owned(), message)),
        typed_url: url.clone(),
        typed_events: ticked.clone(),
        ..Shown::default()
    };
    if url.is_empty() {
        let shown = refused(ui.t("webhooks.error.url_missing").to_owned());
        return page_with(&state, ui, officer, &id, None, shown).await;
    }
    let events = match EventFilter::parse(ticked.iter().map(String::as_str)) {
        Ok(events) => events,
        Err(e) => {
            let shown = refused(ui.t_s("webhooks.error.unknown_kind", &e.0));
            return page_with(&state, ui, officer, &id, None, shown).await;
        }
    };
    match webhooks::register(&state, client.id, &url, events, &officer.id).await {
        Ok(registered) => {
            let chosen = registered.endpoint.id.to_string();
            let shown = Shown {
                new_secret: Some(registered.secret),
                ..Shown::default()
            };
            // The secret is in this answer only; the page is not cached either.
            let response = page_with(&state, ui, officer, &id, Some(&chosen), shown).await?;
            Ok(crate::edge::render::no_store(response))
        }
        Err(e) => match refusal_message(&ui, &e) {
            Some(message) => {
                let shown = refused(message);
                page_with(&state, ui, officer, &id, None, shown).await
            }
            None => Err(e.into()),
        },
    }
}

/// Removes an endpoint.
pub(crate) async fn remove(
    State(state): State<AppState>,
    officer: Officer,
    Path((id, endpoint)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let client = managed(&state, &officer, &id).await?;
    let endpoint = Uuid::try_parse(&endpoint).map_err(|_| AppError::NotFound)?;
    webhooks::remove(&state, client.id, endpoint, &officer.id).await?;
    Ok(Redirect::to(&format!(
        "/back-office/api-clients/{id}/webhooks?endpoint={endpoint}"
    ))
    .into_response())
}

/// Sends a delivery again.
pub(crate) async fn replay(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path((id, delivery)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let client = managed(&state, &officer, &id).await?;
    let delivery = Uuid::try_parse(&delivery).map_err(|_| AppError::NotFound)?;
    let (_, endpoint) = webhooks::delivery_of(&state, client.id, delivery).await?;
    match webhooks::replay(&state, client.id, delivery, &officer.id).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/back-office/api-clients/{id}/webhooks?endpoint={}&done=replayed",
            endpoint.id
        ))
        .into_response()),
        Err(e) => match refusal_message(&ui, &e) {
            Some(message) => {
                // A pending delivery has no button to point at: the list's heading instead.
                let shown = Shown {
                    error: Some(("deliveries-heading".to_owned(), message)),
                    ..Shown::default()
                };
                let chosen = endpoint.id.to_string();
                page_with(&state, ui, officer, &id, Some(&chosen), shown).await
            }
            None => Err(e.into()),
        },
    }
}
