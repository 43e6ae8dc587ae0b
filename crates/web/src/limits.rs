//! Limits on failed look-ups, so that codes and four digits (public tracking) or passwords
//! (officer sign-in) cannot be guessed by trying. Only failures count: a citizen who types their
//! code right is never slowed down, however often they check. Limits are kept in memory per
//! process; a restart forgets them, which costs an attacker nothing they did not have.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A sliding window of failures per key.
#[derive(Debug)]
pub struct FailureLimit {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Above this many keys the oldest windows are dropped, so a flood of keys cannot exhaust memory.
const MAX_KEYS: usize = 100_000;

impl FailureLimit {
    /// At most `max_failures` within `window` per key.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        FailureLimit {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when the key has failed too often: how long until it may try again.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = map.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err(self.window.saturating_sub(now.duration_since(oldest)))
    }

    /// Counts a failure for the key.
    pub fn fail(&self, key: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS && !map.contains_key(key) {
            let window = self.window;
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let times = map.entry(key.to_owned()).or_default();
        times.push_back(now);
        while times.len() > self.max_failures {
            times.pop_front();
        }
    }

    /// Forgets a key's failures (after a successful sign-in).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}

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

/// Minutes to wait, rounded up, for messages.
pub fn minutes(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_count_and_the_limit_holds_after_the_last_allowed_one() {
        let limit = FailureLimit::new(3, Duration::from_secs(60));
        assert!(limit.check("a").is_ok());
        for _ in 0..3 {
            assert!(limit.check("a").is_ok());
            limit.fail("a");
        }
        let wait = limit.check("a").expect_err("blocked");
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(limit.check("b").is_ok(), "other keys are not affected");
        limit.clear("a");
        assert!(limit.check("a").is_ok());
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let limit = FailureLimit::new(1, Duration::from_millis(20));
        limit.fail("a");
        assert!(limit.check("a").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limit.check("a").is_ok());
    }

    #[test]
    fn minutes_round_up() {
        assert_eq!(minutes(Duration::from_secs(61)), 2);
        assert_eq!(minutes(Duration::from_secs(1)), 1);
    }
}
