//! The payment gateways' switches, under `/_sandbox/payments`: how callbacks are sent, whether
//! the APIs answer, and the ledger for inspection. No authentication: the sandbox serves
//! development and tests, never production.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::{CallbackMode, Gateway, Payments, TEST_CARDS};

/// The control routes of the payment gateways.
pub(crate) fn router(payments: Arc<Payments>) -> Router {
    Router::new()
        .route("/_sandbox/payments", get(overview))
        .route("/_sandbox/payments/callbacks", post(callbacks))
        .route("/_sandbox/payments/down", post(down))
        .route("/_sandbox/payments/up", post(up))
        .route("/_sandbox/payments/reset", post(reset))
        .route("/_sandbox/payments/{gateway}/{reference}", get(transaction))
        .with_state(payments)
}

/// The switches and counters (without the ledger).
pub(crate) fn state(payments: &Payments) -> serde_json::Value {
    json!({
        "callbacks": payments.mode(),
        "available": payments.available.load(Ordering::Relaxed),
        "api_calls": payments.api_calls.load(Ordering::Relaxed),
    })
}

/// `GET /_sandbox/payments`: switches, counters, test cards and every transaction.
async fn overview(State(payments): State<Arc<Payments>>) -> Response {
    let transactions = payments.ledger().txns.clone();
    axum::Json(json!({
        "state": state(&payments),
        "test_cards": TEST_CARDS,
        "transactions": transactions,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct Mode {
    mode: String,
    seconds: Option<u64>,
}

/// `POST /_sandbox/payments/callbacks?mode=…[&seconds=N]`.
async fn callbacks(State(payments): State<Arc<Payments>>, Query(m): Query<Mode>) -> Response {
    let mode = match m.mode.as_str() {
        "normal" => CallbackMode::Normal,
        "delayed" => CallbackMode::Delayed {
            seconds: m.seconds.unwrap_or(5),
        },
        "duplicated" => CallbackMode::Duplicated,
        "lost" => CallbackMode::Lost,
        "bad-signature" => CallbackMode::BadSignature,
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({
                    "error": "mode is one of normal, delayed, duplicated, lost, bad-signature"
                })),
            )
                .into_response();
        }
    };
    payments.set_mode(mode);
    axum::Json(state(&payments)).into_response()
}

/// `POST /_sandbox/payments/down`: the APIs answer 503.
async fn down(State(payments): State<Arc<Payments>>) -> Response {
    payments.available.store(false, Ordering::Relaxed);
    axum::Json(state(&payments)).into_response()
}

/// `POST /_sandbox/payments/up`: the APIs answer again.
async fn up(State(payments): State<Arc<Payments>>) -> Response {
    payments.available.store(true, Ordering::Relaxed);
    axum::Json(state(&payments)).into_response()
}

/// `POST /_sandbox/payments/reset`: normal callbacks, up, counter at zero; the ledger is kept.
async fn reset(State(payments): State<Arc<Payments>>) -> Response {
    payments.set_mode(CallbackMode::Normal);
    payments.available.store(true, Ordering::Relaxed);
    payments.api_calls.store(0, Ordering::Relaxed);
    axum::Json(state(&payments)).into_response()
}

/// `GET /_sandbox/payments/{gateway}/{reference}`: one transaction, or 404.
async fn transaction(
    State(payments): State<Arc<Payments>>,
    Path((gateway, reference)): Path<(String, String)>,
) -> Response {
    let found = Gateway::parse(&gateway)
        .and_then(|g| payments.ledger().find(g, &reference).map(|t| t.clone()));
    match found {
        Some(txn) => axum::Json(txn).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "no such transaction"})),
        )
            .into_response(),
    }
}
