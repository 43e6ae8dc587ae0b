//! Why a call to a payment gateway gave no usable answer, and why a callback was refused. Each
//! variant tells the caller what to do: try again later, look at the configuration, or treat
//! the message as forged.

use thiserror::Error;

/// No usable answer was obtained from the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentError {
    /// The gateway could not be reached, said it is unavailable (429, 5xx) on every attempt, or
    /// is held back by the circuit breaker after repeated failures.
    #[error("the payment gateway is unavailable: {0}")]
    Unavailable(String),
    /// The gateway did not answer in time. For a call that is not retried (opening a
    /// transaction, a refund) the outcome is unknown: ask with a query before trying again.
    #[error("the payment gateway did not answer in time")]
    Timeout,
    /// The gateway answered and refused the request (its code and message).
    #[error("the payment gateway refused the request: {code} {message}")]
    Rejected {
        /// The gateway's code.
        code: String,
        /// The gateway's message.
        message: String,
    },
    /// The gateway refused motcua's signature, or its answer carried a wrong one: a
    /// configuration problem (secrets differ) or a forged answer, never a passing one.
    #[error("a signature between motcua and the payment gateway does not match")]
    BadSignature,
    /// The answer did not follow the wire format.
    #[error("the payment gateway answered outside the agreed format: {0}")]
    Protocol(String),
}

impl PaymentError {
    /// Whether trying again later may succeed (timeouts, unavailability), as opposed to problems
    /// that need someone to look at a configuration, a request or a defect.
    pub fn retryable(&self) -> bool {
        matches!(self, PaymentError::Unavailable(_) | PaymentError::Timeout)
    }
}

/// A callback or return that cannot be trusted or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallbackError {
    /// The signature or checksum does not match its content: forged or altered, or the
    /// secrets differ.
    #[error("the callback's signature does not match its content")]
    BadSignature,
    /// A field is missing or not in the documented form.
    #[error("the callback cannot be read: {0}")]
    Malformed(String),
}

/// Why a gateway client cannot be built from its configuration.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A URL is not an absolute http(s) URL.
    #[error("the payment gateway URL {0:?} is not an http or https URL")]
    Url(String),
    /// A required setting is empty.
    #[error("the payment gateway setting {0} is empty")]
    Missing(&'static str),
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}
