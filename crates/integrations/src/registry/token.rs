//! The LGSP access token, fetched with the client credentials and kept until shortly before it
//! expires: one token request per hour rather than one per look-up, and concurrent look-ups
//! wait for the same fetch instead of each asking for a token.

use std::future::Future;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::RegistryError;

/// A token and when to stop using it.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub value: String,
    refresh_at: Instant,
}

impl Token {
    /// A token valid for `lifetime`, refreshed a little early (a fifth of its life, at most a
    /// minute) so it never expires on its way to the platform.
    pub fn new(value: String, lifetime: Duration) -> Self {
        let margin = (lifetime / 5).min(Duration::from_secs(60));
        Self {
            value,
            refresh_at: Instant::now() + lifetime - margin,
        }
    }
}

/// The current token, if any.
#[derive(Debug, Default)]
pub(super) struct TokenCache {
    // A tokio mutex, held across the fetch: concurrent callers queue behind one fetch.
    slot: Mutex<Option<Token>>,
}

impl TokenCache {
    /// A usable token, and whether it was fetched just now (a fresh token refused by the
    /// platform means the credentials are wrong, not that the token expired).
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<(String, bool), RegistryError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Token, RegistryError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(token) = slot.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok((token.value.clone(), false));
        }
        let token = fetch().await?;
        let value = token.value.clone();
        *slot = Some(token);
        Ok((value, true))
    }

    /// Forgets `value` if it is still the current token (the platform refused it).
    pub async fn invalidate(&self, value: &str) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|t| t.value == value) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(value: &str) -> impl Future<Output = Result<Token, RegistryError>> {
        let token = Token::new(value.to_owned(), Duration::from_secs(3600));
        async move { Ok(token) }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_reused_until_shortly_before_it_expires() {
        let cache = TokenCache::default();
        assert_eq!(cache.get(|| issue("a")).await, Ok(("a".to_owned(), true)));
        assert_eq!(cache.get(|| issue("b")).await, Ok(("a".to_owned(), false)));
        tokio::time::advance(Duration::from_secs(3540)).await;
        assert_eq!(cache.get(|| issue("c")).await, Ok(("c".to_owned(), true)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_token_is_forgotten_but_a_newer_one_is_kept() {
        let cache = TokenCache::default();
        let _ = cache.get(|| issue("a")).await;
        cache.invalidate("old").await;
        assert_eq!(cache.get(|| issue("b")).await, Ok(("a".to_owned(), false)));
        cache.invalidate("a").await;
        assert_eq!(cache.get(|| issue("b")).await, Ok(("b".to_owned(), true)));
    }
}
