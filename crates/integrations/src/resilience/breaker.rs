//! A circuit breaker: after a run of consecutive failures the service is presumed down and calls
//! fail at once for a cool-down; then one trial call is let through, and its outcome closes the
//! breaker or opens it for another cool-down. It protects the caller (no officer waits on a dead
//! service) and the service (no retry storm while it restarts).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

// tokio's clock, so tests can pause and advance time instead of sleeping.
use tokio::time::Instant;

/// When the breaker opens and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failed attempts that open the breaker; at least 1.
    pub failure_threshold: u32,
    /// How long the breaker stays open before letting a trial call through.
    pub cool_down: Duration,
}

impl Default for BreakerConfig {
    /// Five failures in a row open the breaker for 30 seconds.
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

/// What the breaker lets through now, for health pages and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Calls go through.
    Closed,
    /// Calls fail at once; a trial is allowed after `retry_in`.
    Open {
        /// Time left in the cool-down.
        retry_in: Duration,
    },
    /// The cool-down is over: the next call is a trial (or one is in flight).
    HalfOpen,
}

#[derive(Debug)]
enum Inner {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { trial_in_flight: bool },
}

/// A circuit breaker shared by every call to one service.
#[derive(Debug)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    inner: Mutex<Inner>,
}

/// Leave to make one call. Report how it went with [`Permit::success`] or [`Permit::failure`];
/// a permit dropped without a report (the caller gave up) counts as neither, and a trial slot it
/// held is freed for the next caller.
#[derive(Debug)]
#[must_use = "report the outcome of the call"]
pub struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    trial: bool,
    reported: bool,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config: BreakerConfig {
                failure_threshold: config.failure_threshold.max(1),
                ..config
            },
            inner: Mutex::new(Inner::Closed { failures: 0 }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The state is a few plain values updated in one step; a panic elsewhere cannot leave
        // it half-written, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What the breaker lets through now.
    pub fn state(&self) -> CircuitState {
        match *self.lock() {
            Inner::Closed { .. } => CircuitState::Closed,
            Inner::Open { until } => {
                let now = Instant::now();
                if now >= until {
                    CircuitState::HalfOpen
                } else {
                    CircuitState::Open {
                        retry_in: until - now,
                    }
                }
            }
            Inner::HalfOpen { .. } => CircuitState::HalfOpen,
        }
    }

    /// Asks to make a call: a permit, or how long until a trial may be made.
    pub fn try_acquire(&self) -> Result<Permit<'_>, Duration> {
        let mut inner = self.lock();
        let now = Instant::now();
        let trial = match *inner {
            Inner::Closed { .. } => false,
            Inner::Open { until } if now < until => return Err(until - now),
            Inner::Open { .. }
            | Inner::HalfOpen {
                trial_in_flight: false,
            } => {
                *inner = Inner::HalfOpen {
                    trial_in_flight: true,
                };
                true
            }
            // One trial at a time; the others wait for its outcome as if still open.
            Inner::HalfOpen {
                trial_in_flight: true,
            } => return Err(Duration::ZERO),
        };
        Ok(Permit {
            breaker: self,
            trial,
            reported: false,
        })
    }

    fn on_success(&self) {
        *self.lock() = Inner::Closed { failures: 0 };
    }

    fn on_failure(&self, trial: bool) {
        let mut inner = self.lock();
        let open = Inner::Open {
            until: Instant::now() + self.config.cool_down,
        };
        match *inner {
            Inner::Closed { failures } => {
                let failures = failures + 1;
                if failures >= self.config.failure_threshold {
                    tracing::warn!(failures, "circuit breaker opened");
                    *inner = open;
                } else {
                    *inner = Inner::Closed { failures };
                }
            }
            Inner::HalfOpen { .. } if trial => {
                tracing::warn!("circuit breaker trial failed; open again");
                *inner = open;
            }
            // A call that started before the breaker opened and failed after: already open.
            Inner::Open { .. } | Inner::HalfOpen { .. } => {}
        }
    }

    fn on_abandoned(&self) {
        let mut inner = self.lock();
        if let Inner::HalfOpen { .. } = *inner {
            *inner = Inner::HalfOpen {
                trial_in_flight: false,
            };
        }
    }
}

impl Permit<'_> {
    /// The service answered (any definite answer, even "not found" or "refused"): it is up.
    pub fn success(mut self) {
        self.reported = true;
        self.breaker.on_success();
    }

    /// The service did not answer usefully (no connection, timeout, 5xx, garbage).
    pub fn failure(mut self) {
        self.reported = true;
        self.breaker.on_failure(self.trial);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.reported && self.trial {
            self.breaker.on_abandoned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new(BreakerConfig {
            failure_threshold: 3,
            cool_down: Duration::from_secs(10),
        })
    }

    fn fail(b: &CircuitBreaker) {
        b.try_acquire().expect("allowed").failure();
    }

    #[tokio::test(start_paused = true)]
    async fn it_opens_after_the_threshold_of_consecutive_failures() {
        let b = breaker();
        fail(&b);
        fail(&b);
        assert_eq!(b.state(), CircuitState::Closed);
        fail(&b);
        assert!(matches!(b.state(), CircuitState::Open { .. }));
        assert_eq!(b.try_acquire().map(|_| ()), Err(Duration::from_secs(10)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_resets_the_count_of_failures() {
        let b = breaker();
        fail(&b);
        fail(&b);
        b.try_acquire().expect("allowed").success();
        fail(&b);
        fail(&b);
        assert_eq!(b.state(), CircuitState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_cool_down_one_trial_goes_through_and_its_success_closes() {
        let b = breaker();
        (0..3).for_each(|_| fail(&b));
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(b.state(), CircuitState::HalfOpen);
        let trial = b.try_acquire().expect("the trial");
        assert_eq!(
            b.try_acquire().map(|_| ()),
            Err(Duration::ZERO),
            "one trial at a time"
        );
        trial.success();
        assert_eq!(b.state(), CircuitState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_trial_opens_for_another_cool_down() {
        let b = breaker();
        (0..3).for_each(|_| fail(&b));
        tokio::time::advance(Duration::from_secs(10)).await;
        b.try_acquire().expect("the trial").failure();
        assert_eq!(b.try_acquire().map(|_| ()), Err(Duration::from_secs(10)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_trial_frees_the_slot_for_the_next_caller() {
        let b = breaker();
        (0..3).for_each(|_| fail(&b));
        tokio::time::advance(Duration::from_secs(10)).await;
        drop(b.try_acquire().expect("the trial"));
        assert!(b.try_acquire().is_ok());
    }
}
