//! The OAuth 2.0 client-credentials exchange of the simulated gateway, and the check of the
//! bearer token on each look-up.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;

use super::Registry;

/// The tokens issued and when each expires.
#[derive(Debug)]
pub(crate) struct Tokens {
    lifetime: Duration,
    issued: Mutex<HashMap<String, Instant>>,
}

impl Tokens {
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            issued: Mutex::new(HashMap::new()),
        }
    }

    fn issue(&self) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let now = Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget expired tokens so a long demo does not grow the table forever.
        issued.retain(|_, expires| *expires > now);
        issued.insert(token.clone(), now + self.lifetime);
        token
    }

    /// Whether `token` was issued and has not expired.
    pub fn is_valid(&self, token: &str) -> bool {
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued.get(token).is_some_and(|e| *e > Instant::now())
    }

    /// Forgets every token (as if the gateway restarted or revoked them).
    pub fn revoke_all(&self) {
        self.issued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Whether the request carries a valid `Authorization: Bearer` token.
pub(crate) fn bearer_is_valid(registry: &Registry, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| registry.tokens.is_valid(token.trim()))
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({ "error": error }))).into_response()
}

/// `POST /token`: client id and secret in HTTP Basic, `grant_type=client_credentials` in the
/// form body.
pub(crate) async fn token(
    State(registry): State<Arc<Registry>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    registry.token_requests.fetch_add(1, Ordering::Relaxed);
    if let Err(unavailable) = registry.gate().await {
        return unavailable;
    }
    let credentials = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let authorised = credentials
        .as_deref()
        .and_then(|c| c.split_once(':'))
        .is_some_and(|(id, secret)| id == registry.client_id && secret == registry.client_secret);
    if !authorised {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if !body
        .split('&')
        .any(|pair| pair == "grant_type=client_credentials")
    {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let token = registry.tokens.issue();
    axum::Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": registry.tokens.lifetime.as_secs(),
    }))
    .into_response()
}
