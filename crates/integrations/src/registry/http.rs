//! The population registry over the LGSP REST interface described in [`super::wire`]: one
//! look-up is at most [`RetryPolicy::max_attempts`] attempts, each HTTP exchange bounded by the
//! configured timeout, all behind one circuit breaker.

use std::time::Duration;

use reqwest::StatusCode;
use uuid::Uuid;

use super::token::{Token, TokenCache};
use super::wire::{self, LookupRequest, LookupResponse, TokenResponse};
use super::{
    BoxFuture, ConfigError, LookupOutcome, LookupQuery, PopulationRegistry, RegistryError,
};
use crate::Secret;
use crate::resilience::{BreakerConfig, CircuitBreaker, CircuitState, RetryPolicy};

/// How motcua proves itself to the data-sharing platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// OAuth 2.0 client credentials, exchanged for a token at `{endpoint}/token`.
    Client {
        /// The client id issued by the platform.
        id: String,
        /// The client secret issued by the platform.
        secret: Secret,
    },
    /// A long-lived bearer token issued by the platform.
    Token(Secret),
}

/// Where the platform is and how patient to be with it.
#[derive(Debug, Clone)]
pub struct HttpRegistryConfig {
    /// Base URL of the platform's API gateway, e.g. `https://lgsp.bacninh.gov.vn` (the paths
    /// of [`super::wire`] are appended).
    pub endpoint: String,
    /// How motcua proves itself.
    pub credentials: Credentials,
    /// Longest wait for one HTTP exchange (connection, request and whole answer).
    pub timeout: Duration,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// When to stop calling a failing platform for a while.
    pub breaker: BreakerConfig,
}

impl HttpRegistryConfig {
    /// A configuration with the default patience: 5 s per exchange, three attempts, the
    /// breaker opening after five failures for 30 s. A look-up that finds the platform down
    /// therefore gives up within about 16 s, and the following ones at once.
    pub fn new(endpoint: &str, credentials: Credentials) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            credentials,
            timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
        }
    }
}

/// The client of the population look-up through LGSP.
#[derive(Debug)]
pub struct HttpRegistry {
    client: reqwest::Client,
    token_url: String,
    lookup_url: String,
    credentials: Credentials,
    timeout: Duration,
    retry: RetryPolicy,
    breaker: CircuitBreaker,
    token: TokenCache,
}

/// What a look-up, or one attempt of it, gave.
type Attempt = Result<LookupOutcome, RegistryError>;

impl HttpRegistry {
    /// A client for `config`; fails only on a malformed endpoint or a TLS set-up problem.
    pub fn new(config: HttpRegistryConfig) -> Result<Self, ConfigError> {
        let endpoint = config.endpoint.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&endpoint)
            .map_err(|_| ConfigError::Endpoint(config.endpoint.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(ConfigError::Endpoint(config.endpoint));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            token_url: format!("{endpoint}{}", wire::TOKEN_PATH),
            lookup_url: format!("{endpoint}{}", wire::LOOKUP_PATH),
            credentials: config.credentials,
            timeout: config.timeout,
            retry: RetryPolicy {
                max_attempts: config.retry.max_attempts.max(1),
                ..config.retry
            },
            breaker: CircuitBreaker::new(config.breaker),
            token: TokenCache::default(),
        })
    }

    /// Whether calls go through now (for health pages).
    pub fn circuit(&self) -> CircuitState {
        self.breaker.state()
    }

    #[tracing::instrument(name = "population_lookup", skip_all, fields(request_id))]
    async fn look_up_with_retries(&self, query: &LookupQuery) -> Attempt {
        // One id for every attempt, so the platform's log shows retries as one request.
        let request_id = Uuid::now_v7().to_string();
        tracing::Span::current().record("request_id", request_id.as_str());
        let mut attempt = 1;
        loop {
            let permit = match self.breaker.try_acquire() {
                Ok(permit) => permit,
                Err(retry_in) => {
                    tracing::info!("population database held back by the circuit breaker");
                    return Err(RegistryError::CircuitOpen { retry_in });
                }
            };
            let result = self.attempt(query, &request_id).await;
            match &result {
                Ok(outcome) => {
                    permit.success();
                    tracing::info!(
                        attempt,
                        outcome = outcome_name(outcome),
                        "population look-up answered"
                    );
                    return result;
                }
                Err(error @ RegistryError::Credentials) => {
                    // The platform answered: it is up, motcua is misconfigured.
                    permit.success();
                    tracing::error!(%error, "population look-up refused");
                    return result;
                }
                Err(error @ RegistryError::Protocol { .. }) => {
                    permit.failure();
                    tracing::error!(%error, "population look-up answer not understood");
                    return result;
                }
                Err(error) => {
                    permit.failure();
                    if attempt >= self.retry.max_attempts {
                        tracing::warn!(attempt, %error, "population look-up failed; giving up");
                        return result;
                    }
                    let pause = self.retry.delay_after(attempt);
                    tracing::warn!(attempt, %error, ?pause, "population look-up failed; retrying");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
            }
        }
    }

    /// One look-up exchange (with a token fetch first when needed).
    async fn attempt(&self, query: &LookupQuery, request_id: &str) -> Attempt {
        let body = LookupRequest::new(query, request_id);
        let (token, fresh) = self.bearer().await?;
        let mut response = self.post_lookup(&token, &body).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            self.token.invalidate(&token).await;
            // A cached token may have been revoked or expired early: one new token, once.
            if fresh || matches!(self.credentials, Credentials::Token(_)) {
                return Err(RegistryError::Credentials);
            }
            let (token, _) = self.bearer().await?;
            response = self.post_lookup(&token, &body).await?;
        }
        match response.status() {
            StatusCode::OK => {
                let bytes = response.bytes().await.map_err(|e| self.transport(&e))?;
                let answer: LookupResponse =
                    serde_json::from_slice(&bytes).map_err(|e| RegistryError::Protocol {
                        detail: format!("look-up answer: {e}"),
                    })?;
                answer
                    .into_outcome(query, request_id)
                    .map_err(|detail| RegistryError::Protocol { detail })
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(RegistryError::Credentials),
            status => Err(unexpected(status)),
        }
    }

    async fn post_lookup(
        &self,
        token: &str,
        body: &LookupRequest<'_>,
    ) -> Result<reqwest::Response, RegistryError> {
        self.client
            .post(&self.lookup_url)
            .bearer_auth(token)
            .json(body)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.transport(&e))
    }

    /// The bearer token to send, and whether it was fetched just now.
    async fn bearer(&self) -> Result<(String, bool), RegistryError> {
        match &self.credentials {
            Credentials::Token(token) => Ok((token.expose().to_owned(), false)),
            Credentials::Client { id, secret } => {
                self.token
                    .get(|| self.fetch_token(id, secret.expose()))
                    .await
            }
        }
    }

    async fn fetch_token(&self, id: &str, secret: &str) -> Result<Token, RegistryError> {
        let response = self
            .client
            .post(&self.token_url)
            .basic_auth(id, Some(secret))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body("grant_type=client_credentials")
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.transport(&e))?;
        match response.status() {
            StatusCode::OK => {
                let bytes = response.bytes().await.map_err(|e| self.transport(&e))?;
                let answer: TokenResponse =
                    serde_json::from_slice(&bytes).map_err(|e| RegistryError::Protocol {
                        detail: format!("token answer: {e}"),
                    })?;
                if answer
                    .token_type
                    .as_deref()
                    .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
                {
                    return Err(RegistryError::Protocol {
                        detail: "the token is not a bearer token".to_owned(),
                    });
                }
                // Without a stated lifetime, assume a short one rather than keep a dead token.
                let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(300));
                Ok(Token::new(answer.access_token, lifetime))
            }
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Err(RegistryError::Credentials)
            }
            status => Err(unexpected(status)),
        }
    }

    fn transport(&self, error: &reqwest::Error) -> RegistryError {
        if error.is_timeout() {
            RegistryError::Timeout {
                after: self.timeout,
            }
        } else if error.is_connect() {
            RegistryError::Unavailable {
                detail: "no connection".to_owned(),
            }
        } else {
            RegistryError::Unavailable {
                detail: format!("transport error: {error}"),
            }
        }
    }
}

/// A status other than the documented answers: passing trouble for the statuses that mean
/// "overloaded or down", a protocol error otherwise.
fn unexpected(status: StatusCode) -> RegistryError {
    match status {
        StatusCode::REQUEST_TIMEOUT
        | StatusCode::TOO_MANY_REQUESTS
        | StatusCode::INTERNAL_SERVER_ERROR
        | StatusCode::BAD_GATEWAY
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => RegistryError::Unavailable {
            detail: format!("HTTP {}", status.as_u16()),
        },
        _ => RegistryError::Protocol {
            detail: format!("unexpected HTTP {}", status.as_u16()),
        },
    }
}

fn outcome_name(outcome: &LookupOutcome) -> &'static str {
    match outcome {
        LookupOutcome::Verified(_) => "verified",
        LookupOutcome::Mismatch { .. } => "mismatch",
        LookupOutcome::NotFound => "not_found",
    }
}

impl PopulationRegistry for HttpRegistry {
    fn look_up<'a>(&'a self, query: &'a LookupQuery) -> BoxFuture<'a, Attempt> {
        Box::pin(self.look_up_with_retries(query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(endpoint: &str) -> HttpRegistryConfig {
        HttpRegistryConfig::new(endpoint, Credentials::Token("t".into()))
    }

    #[test]
    fn only_absolute_http_endpoints_are_accepted() {
        for bad in ["", "lgsp.example", "ftp://lgsp.example", "http://"] {
            assert!(
                matches!(
                    HttpRegistry::new(config(bad)),
                    Err(ConfigError::Endpoint(_))
                ),
                "{bad}"
            );
        }
        let registry = HttpRegistry::new(config(" https://lgsp.example/api/ ")).expect("valid");
        assert_eq!(
            registry.lookup_url,
            "https://lgsp.example/api/dancu/1.0/congdan/xacthuc"
        );
        assert_eq!(registry.token_url, "https://lgsp.example/api/token");
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let client = Credentials::Client {
            id: "motcua".to_owned(),
            secret: "s3cret".into(),
        };
        let shown = format!("{client:?} {:?}", Credentials::Token("tok3n".into()));
        assert!(
            !shown.contains("s3cret") && !shown.contains("tok3n"),
            "{shown}"
        );
        assert!(shown.contains("motcua"));
    }
}
