//! The one error type of the web edge. Handlers return `Result<_, AppError>`; this module decides
//! what a person or an API client sees: a page in their language, or `application/problem+json`
//! (RFC 9457) under `/api/`. Internal details are logged once, never shown.

use app::StorageError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failure a handler reports.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing is at this address.
    #[error("not found")]
    NotFound,
    /// The request is malformed; the text says what to change, in the client's language.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request is not allowed (a form without its session's CSRF token).
    #[error("forbidden")]
    Forbidden,
    /// The request is not allowed, and the text says why (a write from another site).
    #[error("denied: {0}")]
    Denied(String),
    /// The body is not in a media type the route takes; the text names the one it takes.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// The API needs a signed-in officer.
    #[error("unauthorized")]
    Unauthorized,
    /// The state changed under the request (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Well-formed but refused by the rules (422); the text says why.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// Too many failed attempts; the text says how long to wait, in the client's language, and
    /// the seconds to wait go in `Retry-After` (RFC 9110 §10.2.3), so a program knows too.
    #[error("too many requests: {0}")]
    Limited(String, u64),
    /// A dependency (the database) is down for now.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        if e.is_unavailable() {
            AppError::Unavailable(e.to_string())
        } else {
            AppError::Internal(e.to_string())
        }
    }
}

impl From<app::ServiceError> for AppError {
    /// What the application layer says, for callers with no more specific answer (a refusal
    /// shown on a form, a conflict asking to reload, a limit in the visitor's language).
    fn from(e: app::ServiceError) -> Self {
        match e {
            app::ServiceError::NotFound => AppError::NotFound,
            app::ServiceError::Storage(e) => e.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl AppError {
    /// The HTTP status this error maps to.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden | AppError::Denied(_) => StatusCode::FORBIDDEN,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Limited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Marks a response as an error so the error-page layer renders it for the request's language
/// and area (portal, back office or API). Handlers never build error pages themselves.
#[derive(Debug, Clone)]
pub struct ErrorMark {
    /// Detail safe to show to API clients (validation messages); `None` for server faults.
    pub public_detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let public_detail = match &self {
            AppError::BadRequest(msg)
            | AppError::Limited(msg, _)
            | AppError::Conflict(msg)
            | AppError::Unprocessable(msg)
            | AppError::Denied(msg)
            | AppError::UnsupportedMediaType(msg) => Some(msg.clone()),
            AppError::NotFound | AppError::Forbidden | AppError::Unauthorized => None,
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, "dependency unavailable");
                None
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                None
            }
        };
        let mut response = status.into_response();
        if let AppError::Limited(_, seconds) = &self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, (*seconds).max(1).into());
        }
        response
            .extensions_mut()
            .insert(ErrorMark { public_detail });
        response
    }
}
