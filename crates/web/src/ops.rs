//! What operators and load balancers need: `/livez` (is the process serving at all),
//! `/healthz` (is it serving and the database answering), `/metrics` in Prometheus text format,
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

async fn metrics(State(state): State<AppState>) -> Response {
    // Storage keeps its own counts (it does not depend on the metrics crate); they are copied in
    // at scrape time. Their ratio is the mean number of submissions one durable commit carried.
    let (commits, creations) = app::health::group_commit_counts(&state.db);
    metrics::counter!("dossier_group_commits_total").absolute(commits);
    metrics::counter!("dossier_group_commit_creations_total").absolute(creations);
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
