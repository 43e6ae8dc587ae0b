//! The HTTP edge of motcua: the citizen portal and back-office pages, the JSON API with its
//! OpenAPI document, health and metrics. Handlers stay thin: parse the request into domain
//! types, ask the access policy, call the application layer (`app`), render. Each feature module
//! owns its `router()`.

pub mod account;
pub mod api;
pub mod api_clients;
mod apply;
mod back_office;
pub mod desk;
mod edge;
mod error;
pub mod forms;
pub mod i18n;
mod in_flight;
pub mod limits;
mod monthly_report;
mod ops;
mod outbox;
mod params;
pub mod payments;
mod portal;
mod ratings;
mod recent;
pub mod registry;
mod tracking;
mod ui;
mod views;

use std::path::PathBuf;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use time::Date;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use app::{App, ReferenceData, SharedReference};
pub use error::AppError;
pub use ui::Ui;

use crate::edge::problem;
use crate::error::ErrorMark;

/// Everything handlers share: the application layer (`app::App`, reached through `Deref`, so
/// `state.db` is the application's database) and what only the web edge needs.
#[derive(Clone)]
pub struct AppState {
    /// The application layer: database, reference data, vault, registry, gateways.
    pub app: App,
    /// Fixes "today" for tests and demos; `None` means the real date in Vietnam.
    pub today_override: Option<Date>,
    /// Folder of the content-addressed attachment store (uploaded papers).
    pub attachments_dir: PathBuf,
    /// Address the public reaches the portal at, printed in QR codes on forms.
    pub public_url: String,
    /// Mark session cookies `Secure` (the portal is served over TLS, directly or by a proxy).
    pub secure_cookies: bool,
    /// Look-up limits shared by every request (tracking, sign-in).
    pub limits: limits::Limits,
    /// Reverse proxies whose report of the client's address is believed; none by default.
    pub trusted_proxies: limits::TrustedProxies,
    /// Send `Strict-Transport-Security` (the portal is served over TLS); off by default.
    pub hsts: bool,
    /// Bearer token `/metrics` asks for; `None`: it answers the machine itself only.
    pub metrics_token: Option<String>,
    /// Origins of the payment gateways' pages, which forms may lead to
    /// (`payments::page_origins`); none by default.
    pub payment_pages: Vec<String>,
    /// The identity provider citizens may sign in with; `None` (the default): passwords only.
    pub sso: Option<account::SingleSignOn>,
    /// Officers must enrol an authenticator app before using the back office (a production
    /// deployment); `false` (the default, and the embedded demonstration) leaves it to each.
    pub officer_second_factor_required: bool,
    /// The monthly report's figures of months that have ended (`monthly_report`).
    pub closed_months: monthly_report::ClosedMonths,
    /// API keys verified in the last few seconds (`api_clients`).
    pub verified_keys: api_clients::VerifiedKeys,
    /// Monthly counts under way, shared by concurrent requests (`in_flight`).
    pub monthly_reads: monthly_report::MonthlyReads,
    /// Payment-report reads under way, shared by concurrent requests (`in_flight`).
    pub payment_years: payments::report::PaymentYears,
    /// Registry look-up counts under way, shared by concurrent requests (`in_flight`).
    pub lookup_years: registry::report::LookupYears,
    /// Inbox counts under way, shared by concurrent requests for the same inbox (`in_flight`).
    pub inbox_counts: desk::inbox::InboxCounts,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
}

impl AppState {
    /// Builds the state over the application layer.
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            today_override: None,
            attachments_dir: PathBuf::from("data/attachments"),
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            limits: limits::Limits::default(),
            trusted_proxies: limits::TrustedProxies::default(),
            hsts: false,
            metrics_token: None,
            payment_pages: Vec::new(),
            sso: None,
            officer_second_factor_required: false,
            closed_months: monthly_report::ClosedMonths::default(),
            monthly_reads: Default::default(),
            payment_years: Default::default(),
            lookup_years: Default::default(),
            inbox_counts: Default::default(),
            verified_keys: api_clients::VerifiedKeys::default(),
        }
    }

    /// Today's date in Vietnam (UTC+7).
    pub fn today(&self) -> Date {
        self.today_override
            .unwrap_or_else(back_office::vietnam_today)
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: every feature's router plus the layers every response goes through.
pub fn app(state: AppState) -> Router {
    // Install the recorder before the first request is counted.
    let _ = ops::prometheus();
    let payment_pages = state.payment_pages.clone();
    let own_origin = edge::cross_origin::OwnOrigin::new(&state.public_url);
    let hsts = state.hsts;
    let features = Router::new()
        .merge(portal::router())
        .merge(back_office::router())
        .merge(desk::router())
        .merge(api::router())
        .merge(api_clients::router())
        .merge(tracking::router())
        .merge(apply::router())
        .merge(account::router())
        .merge(payments::router())
        .merge(registry::router())
        .merge(monthly_report::router())
        .merge(ratings::router())
        .merge(outbox::router())
        .merge(ops::router())
        .fallback(not_found)
        .with_state(state);
    with_edge_layers(features, own_origin, hsts, &payment_pages)
}

/// The layers every response goes through, innermost first. Error rendering sits outside the
/// timeout and the panic catcher, so a request that took too long (503) or a handler that
/// panicked (500) is answered like any other error: a page in the visitor's language, or a
/// problem document under `/api/`.
fn with_edge_layers(
    features: Router,
    own_origin: edge::cross_origin::OwnOrigin,
    hsts: bool,
    payment_pages: &[String],
) -> Router {
    // A year, without subdomains: other services of the province's domain may not have TLS
    // (OWASP ASVS 5.0 V3.4.1).
    let hsts = hsts.then(|| HeaderValue::from_static("max-age=31536000"));
    features
        .layer(middleware::from_fn_with_state(
            own_origin,
            edge::cross_origin::refuse_cross_origin_writes,
        ))
        .layer(middleware::from_fn(personal_pages_not_stored))
        .layer(middleware::from_fn(ops::record_metrics))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(render_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &Response| hsts.clone(),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(payment_pages),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // Paths only: query strings may carry what citizens typed.
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn(drop_foreign_request_id))
}

/// Where answers carry personal data (an applicant's name, contact, dossier, an officer's work)
/// and must not be kept by a browser's or a proxy's cache: the back office, the citizen's
/// account, online applications, tracking, ratings and verification, receipts, and the API.
const PERSONAL_PREFIXES: [&str; 9] = [
    "/back-office",
    "/account",
    "/applications",
    "/tracking",
    "/ratings",
    "/verify",
    "/payments",
    "/api/v1/",
    "/metrics",
];

/// One response policy for personal data: `Cache-Control: no-store` on every answer under
/// [`PERSONAL_PREFIXES`] that set no policy of its own (OWASP ASVS 5.0 V14.3.2), so a shared
/// computer's back button or a proxy keeps nothing of them. The catalogue API and the public
/// pages stay cacheable.
async fn personal_pages_not_stored(request: Request, next: middleware::Next) -> Response {
    let path = request.uri().path();
    let personal = PERSONAL_PREFIXES
        .iter()
        .any(|prefix| path == prefix.trim_end_matches('/') || path.starts_with(prefix))
        && !path.starts_with("/api/v1/procedures");
    let mut response = next.run(request).await;
    if personal && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Most characters of a request id taken from a client (a UUID has 36).
const REQUEST_ID_MAX: usize = 64;

/// Keeps a client's `X-Request-Id` only when it is a plain token (letters, digits, `-`, `_`,
/// `.`, at most 64): it is echoed, logged and shown as an error page's reference, so anything
/// else (quotes, spaces, kilobytes) would forge log lines or pages. A refused one is replaced by
/// a fresh UUID, as a missing one is (OWASP ASVS 5.0 V16.4.1: logs encode what they record).
async fn drop_foreign_request_id(mut request: Request, next: middleware::Next) -> Response {
    let plain = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|id| {
            !id.is_empty()
                && id.len() <= REQUEST_ID_MAX
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        });
    if !plain {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

/// Same-origin everything; forms may also lead to the payment gateways' pages, since "Pay"
/// answers with a redirect there and browsers hold a form's redirects to `form-action`.
fn content_security_policy(payment_pages: &[String]) -> HeaderValue {
    let mut form_action = String::from("'self'");
    for origin in payment_pages {
        form_action.push(' ');
        form_action.push_str(origin);
    }
    let policy = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         frame-ancestors 'none'; form-action {form_action}; base-uri 'none'"
    );
    // Origins are ASCII serialisations of parsed URLs, so the value is always valid.
    HeaderValue::from_str(&policy).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
    })
}

async fn not_found() -> AppError {
    AppError::NotFound
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: Ui,
    title_key: &'a str,
    message_key: &'a str,
    detail: Option<String>,
    request_id: Option<String>,
}

/// Turns responses marked by [`AppError`] into an error page in the visitor's language, or into
/// a problem document for API paths.
async fn render_errors(request: Request, next: Next) -> Response {
    let ui = Ui::from_request(request.uri(), request.headers());
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let detail = match response.extensions().get::<ErrorMark>() {
        Some(mark) => mark.public_detail.clone(),
        // The framework's own refusals (a body over its limit, a path that is not UTF-8, a
        // malformed form or multipart body, a method the route does not take) come as plain
        // English text or nothing: they get the same page or problem document as the handlers'
        // errors, in the visitor's language. Their text is not shown.
        None if is_framework_refusal(&response) => None,
        None => return response,
    };
    let mut rendered = error_response(&ui, response.status(), detail, request_id);
    // How long to wait, which methods the address takes and whether the answer may be kept are
    // the handler's (or the router's, or the personal-pages policy's) to say; the page or
    // problem document keeps them.
    for name in [header::RETRY_AFTER, header::ALLOW, header::CACHE_CONTROL] {
        if let Some(value) = response.headers().get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

/// An error status with no body of a handler's making: plain text or nothing.
fn is_framework_refusal(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.starts_with("text/plain"))
}

fn error_keys(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("error.not_found.title", "error.not_found.message"),
        StatusCode::BAD_REQUEST => ("error.bad_request.title", "error.bad_request.message"),
        StatusCode::FORBIDDEN => ("error.forbidden.title", "error.forbidden.message"),
        StatusCode::TOO_MANY_REQUESTS => ("error.limited.title", "error.limited.message"),
        StatusCode::UNAUTHORIZED => ("error.unauthorized.title", "error.unauthorized.message"),
        StatusCode::CONFLICT => ("error.conflict.title", "error.conflict.message"),
        StatusCode::UNPROCESSABLE_ENTITY => {
            ("error.unprocessable.title", "error.unprocessable.message")
        }
        StatusCode::SERVICE_UNAVAILABLE => ("error.unavailable.title", "error.unavailable.message"),
        StatusCode::PAYLOAD_TOO_LARGE => ("error.too_large.title", "error.too_large.message"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "error.unsupported_media_type.title",
            "error.unsupported_media_type.message",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "error.method_not_allowed.title",
            "error.method_not_allowed.message",
        ),
        StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => {
            ("error.unavailable.title", "error.unavailable.message")
        }
        status if status.is_client_error() => {
            ("error.bad_request.title", "error.bad_request.message")
        }
        _ => ("error.internal.title", "error.internal.message"),
    }
}

fn error_response(
    ui: &Ui,
    status: StatusCode,
    detail: Option<String>,
    request_id: Option<String>,
) -> Response {
    let (title_key, message_key) = error_keys(status);
    if ui.path.starts_with("/api/") {
        let detail = detail.or_else(|| Some(ui.t(message_key).to_owned()));
        return problem::response(status, ui.t(title_key).to_owned(), detail);
    }
    let page = ErrorPage {
        ui: ui.clone(),
        title_key,
        message_key,
        detail,
        request_id: (status.is_server_error()).then_some(request_id).flatten(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (status, ui.t(title_key)).into_response()
        }
    }
}

/// A panic inside a handler becomes a 500 like any internal error: the error layer outside
/// answers it in the visitor's language, or with a problem document under `/api/`; the process
/// keeps serving.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::Internal("a request handler panicked".into()).into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    /// A router with the edge's layers around two handlers that panic.
    fn panicking() -> Router {
        async fn boom() -> &'static str {
            panic!("a handler's bug")
        }
        // Paths named in constants: the authorisation matrix lists the application's routes
        // by their literal paths in the sources, and these are not the application's.
        const PAGE: &str = "/boom";
        const API: &str = "/api/v1/boom";
        let features = Router::new().route(PAGE, get(boom)).route(API, get(boom));
        with_edge_layers(
            features,
            edge::cross_origin::OwnOrigin::new("http://127.0.0.1:8080"),
            false,
            &[],
        )
    }

    async fn answer(uri: &str, language: &str) -> (StatusCode, String, String) {
        let response = panicking()
            .oneshot(
                Request::get(uri)
                    .header(header::ACCEPT_LANGUAGE, language)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("answered");
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panicking_handler_is_answered_as_an_error_of_its_area_and_the_server_keeps_serving()
    {
        let (status, kind, body) = answer("/api/v1/boom", "en").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(kind, "application/problem+json", "{body}");
        assert!(
            !body.contains("a handler's bug"),
            "the panic's text stays in the log"
        );

        let (status, kind, body) = answer("/boom?lang=en", "en").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(
            body.contains("<html lang=\"en\""),
            "the visitor's language: {body}"
        );
    }
}
