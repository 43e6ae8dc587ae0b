//! Bounded retries: how many attempts a call may make and how long to pause between them.

use std::time::Duration;

use rand::Rng as _;

/// How often, and after which pauses, a transient failure is tried again.
///
/// Only failures that say nothing about the answer (no connection, timeout, 5xx, 429) are
/// retried; a definite answer (found, not found, mismatch, refused credentials, malformed
/// request) never is, so a retry can never turn one answer into another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least 1.
    pub max_attempts: u32,
    /// Pause before the second attempt; doubled for each further attempt.
    pub base_delay: Duration,
    /// Longest pause between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, pauses of about 200 ms then 400 ms: a brief hiccup is absorbed while an
    /// officer at the counter still gets an answer within a few seconds.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The pause after the `failed`-th attempt (from 1): exponential, capped, with "equal
    /// jitter" (half fixed, half random) so that many clients recovering together do not hit the
    /// service in step.
    pub fn delay_after(&self, failed: u32) -> Duration {
        let exponent = failed.saturating_sub(1).min(16);
        let full = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let half = full / 2;
        let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::rng().random_range(0..=jitter_nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap_and_keep_at_least_half() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        for (failed, full) in [(1, 100), (2, 200), (3, 400), (4, 500), (9, 500)] {
            for _ in 0..50 {
                let d = policy.delay_after(failed);
                let full = Duration::from_millis(full);
                assert!(d >= full / 2 && d <= full, "{failed}: {d:?}");
            }
        }
    }

    #[test]
    fn a_huge_attempt_count_does_not_overflow() {
        let d = RetryPolicy::default().delay_after(u32::MAX);
        assert!(d <= Duration::from_secs(2));
    }
}
