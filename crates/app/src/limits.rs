//! A sliding-window limit per key, so that codes and four digits (public tracking), passwords
//! (officer sign-in) or the population database (look-ups) cannot be used by trying at scale.
//! Only failures count where the caller says so: a citizen who types their code right is never
//! slowed down, however often they check. Limits are kept in memory per process; a restart
//! forgets them, which costs an attacker nothing they did not have.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
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

/// Minutes to wait, rounded up, for messages.
pub fn minutes(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
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
