//! Why no answer came from the population database. Each variant tells the caller what to do:
//! try again later, fix the configuration, or report a defect.

use std::time::Duration;

use thiserror::Error;

/// No answer was obtained from the population database. Nothing was decided about the person;
/// the look-up may be made again.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegistryError {
    /// The database did not answer within the time allowed, on every attempt.
    #[error("the population database did not answer within {after:?}")]
    Timeout {
        /// The time allowed for each attempt.
        after: Duration,
    },
    /// The database or the platform in front of it could not be reached or said it is
    /// unavailable (no connection, 429, 5xx), on every attempt.
    #[error("the population database is unavailable: {detail}")]
    Unavailable {
        /// What happened on the last attempt (no personal data).
        detail: String,
    },
    /// Recent attempts failed so often that calls are held back for a while (circuit breaker).
    #[error(
        "the population database is held back after repeated failures; next try in {retry_in:?}"
    )]
    CircuitOpen {
        /// Time until a trial call is allowed.
        retry_in: Duration,
    },
    /// The platform refused motcua's credentials: a configuration problem, not a passing one.
    #[error("the data-sharing platform refused motcua's credentials")]
    Credentials,
    /// The answer did not follow the wire format: a defect on one side, not a passing problem.
    #[error("the population database answered outside the agreed format: {detail}")]
    Protocol {
        /// What was wrong (no personal data).
        detail: String,
    },
}

impl RegistryError {
    /// Whether trying again soon may succeed (timeouts, unavailability), as opposed to problems
    /// that need someone to fix a configuration or a defect.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            RegistryError::Timeout { .. }
                | RegistryError::Unavailable { .. }
                | RegistryError::CircuitOpen { .. }
        )
    }
}

/// Why an [`super::HttpRegistry`] cannot be built from its configuration.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The endpoint is not an absolute http(s) URL.
    #[error("the population database endpoint {0:?} is not an http or https URL")]
    Endpoint(String),
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}
