//! Turning a page into a response, the same way for every feature: an askama template rendered
//! into HTML, and the header that keeps a page with secrets or personal data out of every cache.

use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// Says on a page shown instead of what was asked (a form again, with its refusal) how long to
/// wait before trying again (RFC 9110 §10.2.3), as every 429 does.
pub fn retry_after(mut response: Response, wait: std::time::Duration) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, wait.as_secs().max(1).into());
    response
}

/// Marks a page that shows a secret or someone's personal data (a key, a temporary password,
/// an authenticator secret, a personal ID) as never to be kept in any cache.
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
