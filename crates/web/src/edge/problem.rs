//! RFC 9457 problem documents, the one shape of every error the JSON API answers: the type
//! described in the OpenAPI document, and the `application/problem+json` response built from it.
//! Handlers do not build these themselves: they return an `AppError`, and the error layer of
//! the router turns it into a problem document under `/api/`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

/// An error, as RFC 9457 describes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the status.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What exactly is wrong, in the client's language.
    pub detail: Option<String>,
}

/// The problem document of `status`, as `application/problem+json`.
pub fn response(status: StatusCode, title: String, detail: Option<String>) -> Response {
    let problem = Problem {
        kind: "about:blank".into(),
        title,
        status: status.as_u16(),
        detail,
    };
    let mut response = (status, axum::Json(problem)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// Answers `401` with a problem document, for API routes reached without a session.
pub fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, AppError::Unauthorized).into_response()
}
