//! Values read from the database that the server keeps for a short while, because the same
//! ones are asked for many times a second (an outside system's API key) or cost a month of
//! index entries to count (an ended month's report). Each entry is forgotten a fixed time after
//! it was read, however often it is used, so what the database says again shows within that
//! time; when full, the entry read longest ago goes first.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A shared map of recently read values (cloning shares it).
#[derive(Clone)]
pub struct Recent<K, V> {
    entries: Arc<Mutex<HashMap<K, (Instant, V)>>>,
    ttl: Duration,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Recent<K, V> {
    /// Keeps each value `ttl` after it was read, and at most `capacity` values.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Recent {
            entries: Arc::default(),
            ttl,
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, (Instant, V)>> {
        // A panic elsewhere while holding the lock leaves a map that is still whole.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value kept for `key`, if it was read less than the time-to-live before `now`.
    pub fn get<Q>(&self, key: &Q, now: Instant) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.lock()
            .get(key)
            .filter(|(read, _)| now.saturating_duration_since(*read) < self.ttl)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value`, read from the database at `read`.
    pub fn put(&self, key: K, value: V, read: Instant) {
        let mut entries = self.lock();
        entries.insert(key, (read, value));
        while entries.len() > self.capacity {
            let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, (read, _))| *read)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            entries.remove(&oldest);
        }
    }

    /// Changes a kept value in place, keeping the time it was read.
    pub fn update<Q>(&self, key: &Q, change: impl FnOnce(&mut V))
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        if let Some((_, value)) = self.lock().get_mut(key) {
            change(value);
        }
    }

    /// Forgets every value.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many values are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}
