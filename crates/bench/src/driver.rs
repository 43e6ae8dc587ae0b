//! Runs one operation with a fixed number of concurrent workers until its time is up or its
//! request budget is spent, whichever comes first, so every phase of a bench is bounded both in
//! time and in load put on the machine.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::stats::{Latencies, Measured};

/// How long and how much one phase may run.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Concurrent workers (connections).
    pub concurrency: usize,
    /// Wall time of the phase.
    pub duration: Duration,
    /// Most requests the phase sends.
    pub max_requests: u64,
}

/// Calls `op(n)` for n = 0, 1, 2 … from `bounds.concurrency` workers until the time or the
/// budget runs out; `op` says whether the answer was the expected one (`Err` carries why not).
pub async fn drive<F, Fut>(name: &str, bounds: Bounds, op: F) -> Measured
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + bounds.duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..bounds.concurrency.max(1) {
        let (op, next) = (op.clone(), next.clone());
        let max = bounds.max_requests;
        workers.spawn(async move {
            let mut latencies = Latencies::new();
            let (mut ok, mut errors, mut first_error) = (0u64, 0u64, None);
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= max || Instant::now() >= deadline {
                    break;
                }
                let sent = Instant::now();
                let outcome = op(n).await;
                latencies.record(sent.elapsed());
                match outcome {
                    Ok(()) => ok += 1,
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (latencies, ok, errors, first_error)
        });
    }
    let mut all = Latencies::new();
    let (mut ok, mut errors, mut first_error) = (0u64, 0u64, None);
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok((l, o, e, f)) => {
                all.merge(&l);
                ok += o;
                errors += e;
                if first_error.is_none() {
                    first_error = f;
                }
            }
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(format!("worker failed: {e}"));
            }
        }
    }
    Measured::new(name, ok, errors, start.elapsed(), &all, first_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_request_budget_stops_a_phase_before_its_time() {
        let bounds = Bounds {
            concurrency: 4,
            duration: Duration::from_secs(60),
            max_requests: 100,
        };
        let m = drive("count", bounds, |n| async move {
            if n % 10 == 0 {
                Err(format!("failed {n}"))
            } else {
                Ok(())
            }
        })
        .await;
        assert_eq!(m.ok + m.errors, 100);
        assert_eq!(m.errors, 10);
        assert!(m.first_error.is_some_and(|e| e.starts_with("failed")));
    }

    #[tokio::test]
    async fn the_time_stops_a_phase_with_budget_left() {
        let bounds = Bounds {
            concurrency: 2,
            duration: Duration::from_millis(50),
            max_requests: u64::MAX,
        };
        let m = drive("sleep", bounds, |_| async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok(())
        })
        .await;
        assert!(m.ok > 0 && m.ok < 1000, "{m:?}");
        assert_eq!(m.errors, 0);
    }
}
