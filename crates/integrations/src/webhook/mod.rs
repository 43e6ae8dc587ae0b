//! Outbound webhooks: dossier events pushed to the endpoints of connected systems (a
//! department's own software, the province's data platform), signed as Standard Webhooks
//! specifies so receivers can use its libraries to check them. Which events go where, and when
//! to try again, is decided by the application (it keeps the deliveries); this module sends one
//! request once and says what happened, as [`crate::notify`] does for e-mail and SMS.
//!
//! # What this relies on
//!
//! The Standard Webhooks specification (standardwebhooks.com, `spec/standard-webhooks.md`, as
//! read in 2026):
//!
//! - Each request carries `webhook-id` (the same on every attempt of one message, so a receiver
//!   can drop a repeat; it must contain no `.`, the separator of the signed content),
//!   `webhook-timestamp` (Unix seconds of the attempt, so a receiver can refuse replays) and
//!   `webhook-signature`.
//! - The signature is `v1,` followed by the base64 of HMAC-SHA256 over
//!   `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the secret's bytes; a secret is
//!   random, at least 24 bytes, shown as `whsec_` + base64 ([`sign()`], [`generate_secret`]).
//! - A 2xx answer is a delivery; any other answer, or none, is a failure to retry later with
//!   back-off, except 410 Gone, by which the receiver asks to be sent nothing more. Redirects
//!   are not followed (a 3xx is a failure). A 15 to 30 s timeout is suggested; motcua's default
//!   is a shorter 10 s ([`WebhookConfig`]), so an unresponsive endpoint holds a worker less.
//! - Endpoints are typed by third parties, so the sender must not be usable to reach internal
//!   networks (server-side request forgery). The specification suggests a filtering proxy and
//!   an isolated subnet; this module filters the addresses itself ([`check_url`],
//!   [`check_endpoint`], [`is_forbidden`] and the sender's resolver), which does not make
//!   network isolation of the worker pointless.
//!
//! Not done: one signature per request (no second one during a secret rotation), and a
//! `Retry-After` header is not read.
//!
//! Like the notification transports, the sender never retries by itself: the application's
//! deliveries are retried on their own schedule, and a send is bounded by the configured
//! timeout.

mod address;
mod http;
mod sign;

use std::fmt;

use thiserror::Error;

pub use crate::registry::BoxFuture;
pub use address::{
    AddressError, AddressPolicy, MAX_URL_LEN, check_endpoint, check_url, is_forbidden,
};
pub use http::{EXCERPT_BYTES, HttpWebhookSender, WebhookConfig};
pub use sign::{SECRET_BYTES, SECRET_PREFIX, generate_secret, secret_bytes, sign};

use crate::notify::SendError;

/// One webhook request to send.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    /// The `webhook-id`: unique per message and the same on every attempt to send it, so the
    /// receiver can recognise a repeat. Without `.` (see [`sign()`]).
    pub id: String,
    /// The endpoint, as registered (checked again before sending).
    pub url: String,
    /// The endpoint's secret, `whsec_…` (see [`sign()`]).
    pub secret: String,
    /// The body, JSON, sent byte for byte as signed.
    pub payload: String,
}

impl fmt::Debug for WebhookRequest {
    // The secret stays out of logs and panic messages, as crate::Secret does for configuration,
    // and so does the payload, which may describe a citizen's dossier: its size is enough.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookRequest")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("secret", &"<hidden>")
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

/// What the receiver answered, whenever an HTTP answer arrived (2xx or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    /// The HTTP status.
    pub status: u16,
    /// The start of the body: at most [`EXCERPT_BYTES`] bytes, cut at a character boundary,
    /// invalid UTF-8 replaced. Enough to show the receiver's error message to whoever looks at
    /// a failed delivery.
    pub body: String,
}

/// The outcome of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    /// The answer, if one arrived.
    pub response: Option<WebhookResponse>,
    /// `Ok` if the message counts as delivered (a 2xx answer); otherwise whether trying again
    /// later may help.
    pub outcome: Result<(), SendError>,
}

impl WebhookAttempt {
    /// Whether the message counts as delivered.
    pub fn is_delivered(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// Sends webhooks.
pub trait WebhookSender: Send + Sync {
    /// Sends `request` once.
    fn send<'a>(&'a self, request: &'a WebhookRequest) -> BoxFuture<'a, WebhookAttempt>;
}

/// Why a webhook cannot be signed, or the sender cannot be built.
#[derive(Debug, Error)]
pub enum WebhookError {
    /// The secret, after its `whsec_` prefix, is not base64.
    #[error("the webhook secret is not base64 after its whsec_ prefix")]
    SecretNotBase64,
    /// The secret has no bytes.
    #[error("the webhook secret is empty")]
    EmptySecret,
    /// The webhook id contains a `.`, which would make the signed content ambiguous.
    #[error("the webhook id {0:?} contains a full stop, which the signature scheme forbids")]
    IdWithFullStop(String),
    /// The HTTP client could not be built (TLS set-up, an invalid `User-Agent`).
    #[error("cannot build the HTTP client for webhooks: {0}")]
    Client(#[source] reqwest::Error),
}
