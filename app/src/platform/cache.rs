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
type Namespace = HashMap<String, (u64, Instant, Value)>;

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
    pub fn get<V: Clone + Send + Sync + 'static>(&self, namespace: &str, key: &str) -> Option<V> {
        if !self.inner.enabled {
            return None;
        }
        let entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(namespace)?.get(key) {
            Some((generation, at, value))
                if *generation == self.generation() && at.elapsed() < TTL =>
            {
                value.downcast_ref::<V>().cloned()
            }
            _ => None,
        }
    }

    /// Stores `value`, unless a write happened since `generation` was read.
    pub fn put<V: Send + Sync + 'static>(
        &self,
        namespace: &'static str,
        key: String,
        generation: u64,
        value: V,
    ) {
        if !self.inner.enabled || generation != self.generation() {
            return;
        }
        let mut entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        let map = entries.entry(namespace).or_default();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (generation, Instant::now(), Arc::new(value)));
    }

    /// Empties this instance's cache.
    pub fn clear_local(&self) {
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        self.inner
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
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
