//! Reads that many requests ask for at the same moment are computed once: a request that finds
//! the same read already running waits for it and shares its result instead of starting its own.
//! The reports (this month's figures, a year's payments) cost the database tens to hundreds of
//! milliseconds each; sixteen leaders' screens refreshing together used to queue sixteen copies
//! of the same work on two cores, and hold sixteen copies of it in memory (docs/PERFORMANCE.md).
//!
//! Nothing is kept after the read ends, so a request never sees figures older than the moment
//! it arrived at, give or take the read that was already under way — as if it had arrived a
//! few milliseconds earlier. When the running read fails or its request goes away, those who
//! waited run their own read, so an error is never handed to a request that did not cause it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

type Slot<V> = watch::Receiver<Option<V>>;

/// Reads under way, by key (cloning shares them).
#[derive(Clone)]
pub struct InFlight<K, V> {
    running: Arc<Mutex<HashMap<K, Slot<V>>>>,
}

impl<K, V> Default for InFlight<K, V> {
    fn default() -> Self {
        InFlight {
            running: Arc::default(),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> InFlight<K, V> {
    fn lock(&self) -> MutexGuard<'_, HashMap<K, Slot<V>>> {
        // The map stays whole whatever panicked while holding the lock.
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The result of `read` for `key`, shared with every request that asks for the same key
    /// while it runs.
    pub async fn share<E, F, Fut>(&self, key: K, read: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let running = self.lock().get(&key).cloned();
        if let Some(mut slot) = running
            && let Ok(value) = slot.wait_for(Option::is_some).await
            && let Some(value) = value.clone()
        {
            return Ok(value);
        }
        // No read under way, or it failed or was dropped: this request reads, and shares.
        let (sender, slot) = watch::channel(None);
        self.lock().insert(key.clone(), slot.clone());
        let _leave = Leave {
            running: self,
            key,
            slot,
        };
        let value = read().await?;
        sender.send_replace(Some(value.clone()));
        Ok(value)
    }

    /// How many reads are under way (tests).
    #[cfg(test)]
    fn running(&self) -> usize {
        self.lock().len()
    }
}

/// Takes a finished (or abandoned) read off the map, unless a newer read of the key replaced it.
struct Leave<'a, K: Eq + Hash + Clone, V: Clone> {
    running: &'a InFlight<K, V>,
    key: K,
    slot: Slot<V>,
}

impl<K: Eq + Hash + Clone, V: Clone> Drop for Leave<'_, K, V> {
    fn drop(&mut self) {
        let mut running = self.running.lock();
        if running
            .get(&self.key)
            .is_some_and(|s| s.same_channel(&self.slot))
        {
            running.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn requests_that_arrive_during_a_read_share_it_and_the_next_one_reads_again() {
        let shared: InFlight<&str, u32> = InFlight::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let (go, wait) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let shared = shared.clone();
            let reads = reads.clone();
            let mut wait = wait.clone();
            tasks.push(tokio::spawn(async move {
                shared
                    .share("2026", || async move {
                        reads.fetch_add(1, Ordering::SeqCst);
                        let _ = wait.wait_for(|go| *go).await;
                        Ok::<u32, ()>(42)
                    })
                    .await
            }));
        }
        // Let every task reach the read before it ends.
        while shared.running() == 0 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        go.send_replace(true);
        for task in tasks {
            assert_eq!(task.await.expect("task"), Ok(42));
        }
        assert_eq!(
            reads.load(Ordering::SeqCst),
            1,
            "one read for eight requests"
        );
        assert_eq!(shared.running(), 0, "nothing kept after the read");
        let again = shared.share("2026", || async { Ok::<u32, ()>(43) }).await;
        assert_eq!(again, Ok(43), "a later request reads anew");
    }

    #[tokio::test]
    async fn a_failed_read_is_not_handed_to_those_who_waited() {
        let shared: InFlight<u8, &'static str> = InFlight::default();
        let (go, wait) = tokio::sync::watch::channel(false);
        let leader = {
            let shared = shared.clone();
            let mut wait = wait.clone();
            tokio::spawn(async move {
                shared
                    .share(1, || async move {
                        let _ = wait.wait_for(|go| *go).await;
                        Err::<&str, &str>("database unavailable")
                    })
                    .await
            })
        };
        while shared.running() == 0 {
            tokio::task::yield_now().await;
        }
        let follower = {
            let shared = shared.clone();
            tokio::spawn(async move {
                shared
                    .share(1, || async { Ok::<_, &str>("own read") })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        go.send_replace(true);
        assert_eq!(leader.await.expect("task"), Err("database unavailable"));
        assert_eq!(follower.await.expect("task"), Ok("own read"));
        assert_eq!(shared.running(), 0);
    }

    #[tokio::test]
    async fn a_read_whose_request_went_away_leaves_the_key_free() {
        let shared: InFlight<u8, u8> = InFlight::default();
        let abandoned = {
            let shared = shared.clone();
            tokio::spawn(async move {
                shared
                    .share(1, std::future::pending::<Result<u8, ()>>)
                    .await
            })
        };
        while shared.running() == 0 {
            tokio::task::yield_now().await;
        }
        abandoned.abort();
        let _ = abandoned.await;
        assert_eq!(shared.running(), 0);
        assert_eq!(shared.share(1, || async { Ok::<u8, ()>(7) }).await, Ok(7));
    }
}
