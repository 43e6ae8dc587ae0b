//! The limits of one web process on failed look-ups (public tracking, sign-in), built on
//! `app::limits::FailureLimit`, and the client address they count under.

use std::sync::Arc;
use std::time::Duration;

pub use app::limits::{FailureLimit, minutes};

/// The limits of one process.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Failed tracking look-ups per client address.
    pub tracking_by_client: Arc<FailureLimit>,
    /// Failed tracking look-ups per dossier code, whoever tries (guessing spread over addresses).
    pub tracking_by_code: Arc<FailureLimit>,
    /// Failed sign-ins per account name.
    pub sign_in_by_account: Arc<FailureLimit>,
    /// Failed sign-ins per client address.
    pub sign_in_by_client: Arc<FailureLimit>,
}

impl Default for Limits {
    fn default() -> Self {
        let ten_minutes = Duration::from_secs(600);
        Limits {
            tracking_by_client: Arc::new(FailureLimit::new(20, ten_minutes)),
            tracking_by_code: Arc::new(FailureLimit::new(10, ten_minutes)),
            sign_in_by_account: Arc::new(FailureLimit::new(5, ten_minutes)),
            sign_in_by_client: Arc::new(FailureLimit::new(20, ten_minutes)),
        }
    }
}

/// The address a request came from, when the server knows it (it does when serving; tests that
/// call the router directly share one key).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl ClientAddr {
    /// The key limits count under.
    pub fn key(&self) -> String {
        self.0
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
