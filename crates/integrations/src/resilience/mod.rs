//! How a client behaves when the service behind it misbehaves: each attempt has a deadline, a
//! transient failure is retried a bounded number of times with growing, jittered pauses, and a
//! run of failures opens a circuit breaker so that callers get an immediate "unavailable" instead
//! of queueing behind a dead service. Shared by every HTTP client of this crate.

mod breaker;
mod retry;

pub use breaker::{BreakerConfig, CircuitBreaker, CircuitState, Permit};
pub use retry::RetryPolicy;
