//! The sandbox's own switches, under `/_sandbox/`: make the simulated registry slow or
//! unavailable and back, see how many calls it received, and list sample citizens to type into
//! the portal. No authentication: the sandbox serves development and tests, never production.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::population;
use crate::registry::Registry;
use crate::registry::wire::CongDan;

/// The control routes.
pub(crate) fn router(registry: Arc<Registry>) -> Router {
    Router::new()
        .route("/_sandbox", get(overview))
        .route("/_sandbox/registry/delay", post(delay))
        .route("/_sandbox/registry/down", post(down))
        .route("/_sandbox/registry/up", post(up))
        .route("/_sandbox/registry/revoke-tokens", post(revoke_tokens))
        .route("/_sandbox/registry/reset", post(reset))
        .route("/_sandbox/registry/citizens", get(citizens))
        .with_state(registry)
}

fn state(registry: &Registry) -> serde_json::Value {
    json!({
        "delay_ms": registry.delay_ms.load(Ordering::Relaxed),
        "available": registry.available.load(Ordering::Relaxed),
        "lookups": registry.lookups.load(Ordering::Relaxed),
        "token_requests": registry.token_requests.load(Ordering::Relaxed),
    })
}

/// `GET /_sandbox`: what is simulated here and the registry's switches and counters (the
/// payment gateways have theirs at `/_sandbox/payments`, the e-mail and SMS sinks at
/// `/_sandbox/messages`).
async fn overview(State(registry): State<Arc<Registry>>) -> Response {
    axum::Json(json!({
        "registry": {
            "token": crate::registry::TOKEN_PATH,
            "lookup": crate::registry::LOOKUP_PATH,
            "population": population::size(),
            "state": state(&registry),
        },
        "payments": "/_sandbox/payments",
        "messages": crate::messages::MESSAGES_PATH,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct Delay {
    ms: u64,
}

/// `POST /_sandbox/registry/delay?ms=N`: every token request and look-up waits N ms.
async fn delay(State(registry): State<Arc<Registry>>, Query(d): Query<Delay>) -> Response {
    registry.delay_ms.store(d.ms, Ordering::Relaxed);
    axum::Json(state(&registry)).into_response()
}

/// `POST /_sandbox/registry/down`: every token request and look-up answers 503.
async fn down(State(registry): State<Arc<Registry>>) -> Response {
    registry.available.store(false, Ordering::Relaxed);
    axum::Json(state(&registry)).into_response()
}

/// `POST /_sandbox/registry/up`: the registry answers again.
async fn up(State(registry): State<Arc<Registry>>) -> Response {
    registry.available.store(true, Ordering::Relaxed);
    axum::Json(state(&registry)).into_response()
}

/// `POST /_sandbox/registry/revoke-tokens`: every issued token becomes invalid.
async fn revoke_tokens(State(registry): State<Arc<Registry>>) -> Response {
    registry.tokens.revoke_all();
    axum::Json(state(&registry)).into_response()
}

/// `POST /_sandbox/registry/reset`: no delay, available, counters at zero, no tokens.
async fn reset(State(registry): State<Arc<Registry>>) -> Response {
    registry.delay_ms.store(0, Ordering::Relaxed);
    registry.available.store(true, Ordering::Relaxed);
    registry.lookups.store(0, Ordering::Relaxed);
    registry.token_requests.store(0, Ordering::Relaxed);
    registry.tokens.revoke_all();
    axum::Json(state(&registry)).into_response()
}

#[derive(Deserialize)]
struct Listing {
    #[serde(default)]
    household: u32,
    #[serde(default = "default_count")]
    count: usize,
}

fn default_count() -> usize {
    10
}

#[derive(Serialize)]
struct Listed {
    #[serde(rename = "Ho")]
    household: u32,
    #[serde(flatten)]
    record: CongDan,
}

/// `GET /_sandbox/registry/citizens?household=H&count=N`: up to N (at most 1000) citizens from
/// household H on, each as the record a matching look-up returns.
async fn citizens(Query(listing): Query<Listing>) -> Response {
    let list: Vec<Listed> = population::citizens(listing.household, listing.count.min(1_000))
        .iter()
        .map(|c| Listed {
            household: c.index / population::SLOTS_PER_HOUSEHOLD,
            record: CongDan::from(c),
        })
        .collect();
    axum::Json(list).into_response()
}
