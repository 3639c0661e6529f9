//! The in-process read cache: values computed from the database (the catalog's category
//! tree, listing and product pages), each under a namespace and a key. Every write that
//! changes what a cached value shows calls [`ReadCache::invalidate`], which empties this
//! instance's cache and, when `REDIS_URL` is set, publishes on [`CHANNEL`] so every other
//! instance empties its own ([`ReadCache::listen`]). The domains decide what goes in
//! (`catalog::cache`); the cache knows none of their types.
//!
//! A read records the cache generation before it queries and stores its result only if
//! no write happened meanwhile, so a slow read can never put back what a write removed.
//! Entries also expire after [`TTL`], a bound on staleness should an invalidation
//! message be lost while Redis reconnects (the cache is emptied on reconnect too).

use super::redis::Redis;
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The channel name predates the generic cache; kept so instances of mixed versions
/// still hear each other during a rolling deploy.
pub const CHANNEL: &str = "oxcart:catalog:invalidate";
pub const TTL: Duration = Duration::from_secs(300);
/// Past this many entries a namespace is emptied rather than grown (crawlers walk every
/// page).
const MAX_ENTRIES: usize = 2_000;

type Value = Arc<dyn Any + Send + Sync>;

struct Entry {
    generation: u64,
    at: Instant,
    /// Bytes, for namespaces held to a budget ([`ReadCache::put_weighed`]); else 0.
    weight: usize,
    value: Value,
}

#[derive(Default)]
struct Namespace {
    entries: HashMap<String, Entry>,
    weight: usize,
    /// Lookups since start, for `/metrics`; kept when the entries are emptied.
    hits: u64,
    misses: u64,
}

#[derive(Clone)]
pub struct ReadCache {
    inner: Arc<Inner>,
}

struct Inner {
    /// Identifies this instance's own messages on the channel.
    instance: String,
    generation: AtomicU64,
    enabled: bool,
    entries: Mutex<HashMap<&'static str, Namespace>>,
    redis: Option<Redis>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache")
            .field("generation", &self.generation())
            .field("shared", &self.inner.redis.is_some())
            .finish()
    }
}

impl ReadCache {
    /// `enabled = false` (`OXCART_CATALOG_CACHE=off`) makes every read go to the database.
    pub fn new(redis: Option<Redis>, enabled: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                instance: super::ids::new_id(),
                generation: AtomicU64::new(0),
                enabled,
                entries: Mutex::default(),
                redis,
            }),
        }
    }

    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// The value stored under `namespace`/`key` in this generation, if it is a `V`.
    pub fn get<V: Clone + Send + Sync + 'static>(
        &self,
        namespace: &'static str,
        key: &str,
    ) -> Option<V> {
        if !self.inner.enabled {
            return None;
        }
        let mut entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        let ns = entries.entry(namespace).or_default();
        let found = match ns.entries.get(key) {
            Some(entry) if entry.generation == self.generation() && entry.at.elapsed() < TTL => {
                entry.value.downcast_ref::<V>().cloned()
            }
            _ => None,
        };
        *if found.is_some() {
            &mut ns.hits
        } else {
            &mut ns.misses
        } += 1;
        found
    }

    /// Hits and misses per namespace since start (a disabled cache counts nothing).
    pub fn lookups(&self) -> Vec<(&'static str, u64, u64)> {
        let entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<_> = entries
            .iter()
            .map(|(name, ns)| (*name, ns.hits, ns.misses))
            .collect();
        all.sort_unstable();
        all
    }

    /// Stores `value`, unless a write happened since `generation` was read.
    pub fn put<V: Send + Sync + 'static>(
        &self,
        namespace: &'static str,
        key: String,
        generation: u64,
        value: V,
    ) {
        self.put_weighed(namespace, key, generation, value, 0, usize::MAX);
    }

    /// Stores `value`, which weighs `weight` bytes, keeping the namespace within `budget`
    /// bytes: other entries (whichever the map yields first) make room. A value heavier
    /// than the whole budget is not stored.
    pub fn put_weighed<V: Send + Sync + 'static>(
        &self,
        namespace: &'static str,
        key: String,
        generation: u64,
        value: V,
        weight: usize,
        budget: usize,
    ) {
        if !self.inner.enabled || generation != self.generation() || weight > budget {
            return;
        }
        let mut entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        let ns = entries.entry(namespace).or_default();
        if let Some(old) = ns.entries.remove(&key) {
            ns.weight -= old.weight;
        }
        if ns.entries.len() >= MAX_ENTRIES {
            ns.entries.clear();
            ns.weight = 0;
        }
        while ns.weight + weight > budget {
            let Some(victim) = ns.entries.keys().next().cloned() else {
                break;
            };
            if let Some(old) = ns.entries.remove(&victim) {
                ns.weight -= old.weight;
            }
        }
        ns.weight += weight;
        let entry = Entry {
            generation,
            at: Instant::now(),
            weight,
            value: Arc::new(value),
        };
        ns.entries.insert(key, entry);
    }

    /// The bytes held in `namespace` (of values stored with a weight).
    pub fn weight(&self, namespace: &str) -> usize {
        let entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(namespace).map_or(0, |ns| ns.weight)
    }

    /// Empties this instance's cache.
    pub fn clear_local(&self) {
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        for ns in entries.values_mut() {
            ns.entries.clear();
            ns.weight = 0;
        }
    }

    /// After a write: empties this cache and tells the other instances to empty theirs.
    pub async fn invalidate(&self) {
        self.clear_local();
        if let Some(redis) = &self.inner.redis {
            use tower_sessions_redis_store::fred::prelude::PubsubInterface as _;
            let sent: Result<i64, _> = redis
                .next()
                .publish(CHANNEL, self.inner.instance.as_str())
                .await;
            if let Err(err) = sent {
                tracing::warn!(error = %err, "could not publish a cache invalidation");
            }
        }
    }

    /// Subscribes to other instances' invalidations (call once, at start-up, when Redis is
    /// configured). Runs until the process ends.
    pub async fn listen(&self, redis: &Redis) -> anyhow::Result<()> {
        use tower_sessions_redis_store::fred::prelude::{
            ClientLike as _, EventInterface as _, PubsubInterface as _,
        };
        let subscriber = redis.next().clone_new();
        subscriber.init().await?;
        subscriber.subscribe(CHANNEL).await?;
        let this = self.clone();
        let mut messages = subscriber.message_rx();
        let mut reconnects = subscriber.reconnect_rx();
        let instance = self.inner.instance.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    message = messages.recv() => match message {
                        Ok(message) => {
                            let from: Option<String> = message.value.convert().ok();
                            if from.as_deref() != Some(instance.as_str()) {
                                this.clear_local();
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => this.clear_local(),
                        Err(_) => break,
                    },
                    reconnect = reconnects.recv() => match reconnect {
                        Ok(_) => {
                            // Messages sent while disconnected are lost: start afresh.
                            this.clear_local();
                            if let Err(err) = subscriber.subscribe(CHANNEL).await {
                                tracing::warn!(error = %err, "could not re-subscribe to cache invalidations");
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(_) => break,
                    },
                }
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weighed_namespace_stays_within_its_budget() {
        let cache = ReadCache::new(None, true);
        let generation = cache.generation();
        for i in 0..10 {
            cache.put_weighed("pages", format!("/p{i}"), generation, i, 300, 1_000);
            assert!(
                cache.weight("pages") <= 1_000,
                "after {i}: {}",
                cache.weight("pages")
            );
        }
        assert_eq!(cache.weight("pages"), 900, "three pages of 300 fit");
        assert_eq!(
            cache.get::<i32>("pages", "/p9"),
            Some(9),
            "the newest is kept"
        );
        cache.put_weighed("pages", "/p9".into(), generation, 99, 300, 1_000);
        assert_eq!(
            cache.weight("pages"),
            900,
            "a replaced entry is not counted twice"
        );
        cache.put_weighed("pages", "/huge".into(), generation, 0, 1_001, 1_000);
        assert_eq!(
            cache.get::<i32>("pages", "/huge"),
            None,
            "heavier than the budget"
        );
    }

    #[test]
    fn a_write_during_a_read_keeps_the_stale_value_out() {
        let cache = ReadCache::new(None, true);
        let before = cache.generation();
        cache.clear_local();
        cache.put_weighed("pages", "/".into(), before, 1, 10, 100);
        assert_eq!(cache.get::<i32>("pages", "/"), None);
        assert_eq!(cache.weight("pages"), 0);
    }
}
