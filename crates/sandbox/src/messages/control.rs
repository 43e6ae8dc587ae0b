//! The routes of the sinks on the HTTP port: the SMS gateway's send call, the page and JSON
//! listing of what was received, and the switches (documented in [`super`]). No
//! authentication: the sandbox serves development and tests, never production.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::{MESSAGES_PATH, Messages, SMS_ENDPOINT_PATH, SMS_SEND_PATH, Sink, page, sms};

/// The gateway's and the listing's routes.
pub(crate) fn router(messages: Arc<Messages>) -> Router {
    Router::new()
        .route(SMS_SEND_PATH, post(sms::send))
        // The same call without the trailing slash the documentation writes.
        .route(SMS_SEND_PATH.trim_end_matches('/'), post(sms::send))
        .route(MESSAGES_PATH, get(listing))
        .route("/_sandbox/messages.json", get(listing_json))
        .route("/_sandbox/messages/{action}", post(switch))
        .with_state(messages)
}

#[derive(Deserialize)]
struct Filter {
    to: Option<String>,
    format: Option<String>,
}

impl Filter {
    fn to(&self) -> Option<&str> {
        self.to
            .as_deref()
            .map(str::trim)
            .filter(|to| !to.is_empty())
    }
}

/// The listing as JSON: where the sinks are, their switches, the messages newest first.
fn json_listing(messages: &Messages, filter: &Filter) -> Response {
    axum::Json(json!({
        "smtp": messages.smtp_addr.to_string(),
        "sms_endpoint": SMS_ENDPOINT_PATH,
        "state": messages.state(),
        "messages": messages.listing(filter.to()),
    }))
    .into_response()
}

/// `GET /_sandbox/messages[?to=…][&format=json]`.
async fn listing(State(messages): State<Arc<Messages>>, Query(filter): Query<Filter>) -> Response {
    if filter
        .format
        .as_deref()
        .is_some_and(|f| f.eq_ignore_ascii_case("json"))
    {
        return json_listing(&messages, &filter);
    }
    page::render(&messages, filter.to())
}

/// `GET /_sandbox/messages.json[?to=…]`.
async fn listing_json(
    State(messages): State<Arc<Messages>>,
    Query(filter): Query<Filter>,
) -> Response {
    json_listing(&messages, &filter)
}

#[derive(Deserialize)]
struct Switch {
    sink: Option<String>,
    ms: Option<u64>,
}

fn problem(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"error": error}))).into_response()
}

/// `POST /_sandbox/messages/{down|up|slow|reject|accept|reset|clear}[?sink=smtp|sms][&ms=N]`.
async fn switch(
    State(messages): State<Arc<Messages>>,
    Path(action): Path<String>,
    Query(q): Query<Switch>,
) -> Response {
    let sinks: &[Sink] = match q.sink.as_deref() {
        None | Some("") => &[Sink::Smtp, Sink::Sms],
        Some("smtp") => &[Sink::Smtp],
        Some("sms") => &[Sink::Sms],
        Some(_) => return problem(StatusCode::BAD_REQUEST, "sink is smtp or sms"),
    };
    match action.as_str() {
        "down" => messages.switch(sinks, |s| s.available = false),
        "up" => messages.switch(sinks, |s| s.available = true),
        "slow" => {
            let Some(ms) = q.ms else {
                return problem(StatusCode::BAD_REQUEST, "slow wants ?ms=N");
            };
            messages.switch(sinks, |s| s.delay_ms = ms);
        }
        "reject" => messages.switch(sinks, |s| s.reject = true),
        "accept" => messages.switch(sinks, |s| s.reject = false),
        "reset" => messages.switch(sinks, |s| *s = super::Switches::default()),
        "clear" => messages.clear(),
        _ => {
            return problem(
                StatusCode::NOT_FOUND,
                "the switches are down, up, slow?ms=N, reject, accept, reset and clear",
            );
        }
    }
    axum::Json(messages.state()).into_response()
}
