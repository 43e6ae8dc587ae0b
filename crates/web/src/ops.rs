//! What operators and load balancers need: `/livez` (is the process serving at all),
//! `/healthz` (is it serving and the database answering), `/metrics` in Prometheus text format
//! (for the operator's scraper only),
//! and the static assets the pages link to.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Json;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::AppState;
use crate::edge::sessions::constant_time_eq;
use crate::error::AppError;
use crate::limits::ClientAddr;

/// Routes for operators and static files.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livez", get(livez))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/static/site.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
}

/// The process-wide Prometheus recorder. Installed once; every app built in the process (tests
/// build many) shares it, since the `metrics` macros write to one global recorder.
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ])
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

/// Counts every request and times it, labelled by route template (not raw path, so ids do not
/// explode the series) and status.
pub async fn record_metrics(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}

/// Liveness: touches nothing, so it is also the HTTP stack's ceiling that `motcua bench`
/// compares every page with.
async fn livez() -> &'static str {
    "ok"
}

async fn healthz(State(state): State<AppState>) -> Response {
    let data = state.reference.get();
    let body = |status: &str, database: &str| {
        serde_json::json!({
            "status": status,
            "database": database,
            "backend": app::health::backend(&state.db),
            "procedures": data.catalogue.procedures.len(),
            "version": env!("CARGO_PKG_VERSION"),
        })
    };
    match app::health::ping(&state.db).await {
        Ok(()) => Json(body("ok", "ok")).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(body("unavailable", "unreachable")),
            )
                .into_response()
        }
    }
}

/// Whether a scrape may read the figures: with the configured bearer token, or, with none
/// configured, from the machine itself. They tell the load and backlogs of the service, which
/// are nobody else's business (OWASP ASVS 5.0 V13.4.5).
fn may_scrape(state: &AppState, client: &ClientAddr, headers: &axum::http::HeaderMap) -> bool {
    match &state.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.as_bytes())),
        // No address: a request made inside the process (tests). A request a proxy forwarded
        // comes from the proxy's address, loopback when it runs on the same machine: it is not
        // the machine's own, so `metrics_token` is what lets a scraper through a proxy.
        None => {
            let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"]
                .iter()
                .any(|name| headers.contains_key(*name));
            !forwarded && client.0.is_none_or(|ip| ip.to_canonical().is_loopback())
        }
    }
}

async fn metrics(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: axum::http::HeaderMap,
) -> Response {
    if !may_scrape(&state, &client, &headers) {
        return AppError::Unauthorized.into_response();
    }
    // Storage keeps its own counts (it does not depend on the metrics crate); they are copied in
    // at scrape time. Their ratio is the mean number of submissions one durable commit carried.
    let (commits, creations) = app::health::group_commit_counts(&state.db);
    metrics::counter!("dossier_group_commits_total").absolute(commits);
    metrics::counter!("dossier_group_commit_creations_total").absolute(creations);
    // The delivery figures are the database's, so every process reports the same ones.
    match app::outbox::overview(&state).await {
        Ok(overview) => record_delivery_figures(&overview),
        Err(e) => tracing::warn!(error = %e, "cannot read the delivery figures"),
    }
    let text = prometheus().map(|h| h.render()).unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// The outbox's backlog per topic and the deliveries per channel: pending, oldest pending age,
/// delivered, given up, failed attempts.
fn record_delivery_figures(overview: &app::outbox::Overview) {
    let now = time::OffsetDateTime::now_utc();
    let age =
        |t: Option<time::OffsetDateTime>| t.map_or(0.0, |t| (now - t).as_seconds_f64().max(0.0));
    // A topic with nothing waiting has no row: its gauges go back to zero.
    for topic in app::outbox::TOPICS {
        let labels = [("topic", topic.to_owned())];
        metrics::gauge!("outbox_pending_messages", &labels).set(0.0);
        metrics::gauge!("outbox_oldest_pending_seconds", &labels).set(0.0);
    }
    for topic in &overview.backlog {
        let labels = [("topic", topic.topic.clone())];
        metrics::gauge!("outbox_pending_messages", &labels).set(topic.pending as f64);
        metrics::gauge!("outbox_oldest_pending_seconds", &labels).set(age(topic.oldest));
    }
    for channel in &overview.channels {
        let labels = [("channel", channel.channel.clone())];
        metrics::gauge!("deliveries_pending", &labels).set(channel.pending as f64);
        metrics::gauge!("deliveries_oldest_pending_seconds", &labels)
            .set(age(channel.oldest_pending));
        metrics::counter!("deliveries_delivered_total", &labels)
            .absolute(channel.delivered.max(0).unsigned_abs());
        // A gauge: an operator's retry takes a delivery out of it again.
        metrics::gauge!("deliveries_dead", &labels).set(channel.dead as f64);
        metrics::counter!("deliveries_failed_attempts_total", &labels)
            .absolute(channel.failures.max(0).unsigned_abs());
    }
}

const CSS: &str = include_str!("../static/site.css");
const FAVICON: &str = include_str!("../static/favicon.svg");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn favicon() -> Response {
    asset("image/svg+xml", FAVICON)
}
