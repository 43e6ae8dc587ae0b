//! The simulated population look-up of the province's data-sharing platform (LGSP): an OAuth
//! token endpoint and the look-up itself, answering from the synthetic population exactly in
//! the wire format of `integrations::registry::wire`, and refusing wrong credentials as the
//! real gateway does.

mod auth;
mod lookup;
pub(crate) mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use self::auth::Tokens;
use self::wire::ErrorBody;

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/token";
/// Path of the look-up.
pub const LOOKUP_PATH: &str = "/dancu/1.0/congdan/xacthuc";

/// The simulated platform's state: its client, the tokens it issued, and the switches that make
/// it slow or unavailable.
#[derive(Debug)]
pub(crate) struct Registry {
    pub client_id: String,
    pub client_secret: String,
    pub tokens: Tokens,
    pub delay_ms: AtomicU64,
    pub available: AtomicBool,
    pub lookups: AtomicU64,
    pub token_requests: AtomicU64,
}

impl Registry {
    pub fn new(client_id: String, client_secret: String, token_lifetime: Duration) -> Self {
        Self {
            client_id,
            client_secret,
            tokens: Tokens::new(token_lifetime),
            delay_ms: AtomicU64::new(0),
            available: AtomicBool::new(true),
            lookups: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
        }
    }

    /// What every API call goes through first: the configured delay, then a 503 when the
    /// platform is switched off.
    async fn gate(&self) -> Result<(), Response> {
        let delay = self.delay_ms.load(Ordering::Relaxed);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        if self.available.load(Ordering::Relaxed) {
            Ok(())
        } else {
            Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "HE_THONG_BAN",
                "Hệ thống đang bận hoặc tạm dừng, vui lòng thử lại sau",
            ))
        }
    }
}

/// The platform's routes.
pub(crate) fn router(registry: Arc<Registry>) -> Router {
    Router::new()
        .route(TOKEN_PATH, post(auth::token))
        .route(LOOKUP_PATH, post(lookup::look_up))
        .with_state(registry)
}

/// An error answer in the platform's format.
fn error(status: StatusCode, code: &'static str, description: &'static str) -> Response {
    (
        status,
        axum::Json(ErrorBody {
            ma_loi: code,
            mo_ta: description,
        }),
    )
        .into_response()
}
