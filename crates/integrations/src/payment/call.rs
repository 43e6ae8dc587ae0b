//! One JSON exchange with a gateway, with the crate's resilience: a deadline per attempt, the
//! circuit breaker asked before each attempt, and retries of transient failures only for calls
//! that are safe to repeat (a query). Opening a transaction or asking for a refund is sent once:
//! repeating it after a timeout could act twice, so the caller queries instead.

use std::time::Duration;

use reqwest::StatusCode;

use super::{ConfigError, PaymentError};
use crate::resilience::{BreakerConfig, CircuitBreaker, CircuitState, RetryPolicy};

/// Whether a call may be repeated after a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    /// Asking again changes nothing (queries).
    Idempotent,
    /// Sent once.
    Once,
}

/// The HTTP side of one gateway client.
#[derive(Debug)]
pub(super) struct Caller {
    client: reqwest::Client,
    timeout: Duration,
    retry: RetryPolicy,
    breaker: CircuitBreaker,
    service: &'static str,
}

impl Caller {
    pub fn new(
        service: &'static str,
        timeout: Duration,
        retry: RetryPolicy,
        breaker: BreakerConfig,
    ) -> Result<Self, ConfigError> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeout)
            .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
            // A gateway answers; it never sends motcua elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            client,
            timeout,
            retry: RetryPolicy {
                max_attempts: retry.max_attempts.max(1),
                ..retry
            },
            breaker: CircuitBreaker::new(breaker),
            service,
        })
    }

    pub fn circuit(&self) -> CircuitState {
        self.breaker.state()
    }

    /// Posts `body()` as JSON to `url` (a new body for each attempt, so that a request id can
    /// change) and reads the answer with `read` (given the status and the
    /// body of any answer that is not 429 or 5xx). A [`PaymentError::Protocol`] from `read`
    /// counts as a failure of the gateway for the breaker; any other answer shows it is up.
    pub async fn post_json<T>(
        &self,
        operation: &'static str,
        url: &str,
        body: impl Fn() -> serde_json::Value,
        repeat: Repeat,
        read: impl Fn(StatusCode, &[u8]) -> Result<T, PaymentError>,
    ) -> Result<T, PaymentError> {
        let max_attempts = match repeat {
            Repeat::Idempotent => self.retry.max_attempts,
            Repeat::Once => 1,
        };
        let mut attempt = 1;
        loop {
            let permit = match self.breaker.try_acquire() {
                Ok(permit) => permit,
                Err(retry_in) => {
                    tracing::info!(
                        service = self.service,
                        operation,
                        "payment gateway held back by the circuit breaker"
                    );
                    return Err(PaymentError::Unavailable(format!(
                        "held back after repeated failures; next try in {} ms",
                        retry_in.as_millis()
                    )));
                }
            };
            let result = match self.exchange(url, &body()).await {
                Ok((status, bytes)) => read(status, &bytes),
                Err(error) => Err(error),
            };
            match &result {
                Err(error @ PaymentError::Protocol(_)) => {
                    permit.failure();
                    tracing::error!(service = self.service, operation, %error, "payment gateway answer not understood");
                    return result;
                }
                Err(error) if error.retryable() => {
                    permit.failure();
                    if attempt >= max_attempts {
                        tracing::warn!(service = self.service, operation, attempt, %error, "payment gateway call failed; giving up");
                        return result;
                    }
                    let pause = self.retry.delay_after(attempt);
                    tracing::warn!(service = self.service, operation, attempt, %error, ?pause, "payment gateway call failed; retrying");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                _ => {
                    // A definite answer, even a refusal: the gateway is up.
                    permit.success();
                    tracing::info!(
                        service = self.service,
                        operation,
                        attempt,
                        ok = result.is_ok(),
                        "payment gateway answered"
                    );
                    return result;
                }
            }
        }
    }

    /// One HTTP exchange: the status and body of an answer that is not 429 or 5xx.
    async fn exchange(
        &self,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<(StatusCode, Vec<u8>), PaymentError> {
        let response = self
            .client
            .post(url)
            .json(body)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(PaymentError::Unavailable(format!(
                "HTTP {}",
                status.as_u16()
            )));
        }
        let bytes = response.bytes().await.map_err(|e| transport(&e))?;
        Ok((status, bytes.to_vec()))
    }
}

fn transport(error: &reqwest::Error) -> PaymentError {
    if error.is_timeout() {
        PaymentError::Timeout
    } else if error.is_connect() {
        PaymentError::Unavailable("no connection".to_owned())
    } else {
        // No URL or body in the message: they may carry payer data.
        PaymentError::Unavailable("the exchange failed".to_owned())
    }
}

/// Checks that `url` is an absolute http(s) URL and returns it without a trailing slash.
pub(super) fn http_url(url: &str) -> Result<String, ConfigError> {
    let trimmed = url.trim().trim_end_matches('/').to_owned();
    let parsed = reqwest::Url::parse(&trimmed).map_err(|_| ConfigError::Url(url.to_owned()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ConfigError::Url(url.to_owned()));
    }
    Ok(trimmed)
}

/// Fails with [`ConfigError::Missing`] when `value` is blank.
pub(super) fn required(name: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        Err(ConfigError::Missing(name))
    } else {
        Ok(())
    }
}
