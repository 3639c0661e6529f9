//! The in-process cache of catalog reads: the category tree, listing pages and product
//! pages, keyed by what was asked. Every catalog write calls [`Catalog::invalidate`],
//! which empties this instance's cache and, when `REDIS_URL` is set, publishes on
//! [`CHANNEL`] so every other instance empties its own ([`Catalog::listen`]).
//!
//! A read records the cache generation before it queries and stores its result only if
//! no write happened meanwhile, so a slow read can never put back what a write removed.
//! Entries also expire after [`TTL`], a bound on staleness should an invalidation
//! message be lost while Redis reconnects (the cache is emptied on reconnect too).

use super::model::{Category, Listing, Product};
use crate::state::Redis;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const CHANNEL: &str = "oxcart:catalog:invalidate";
pub const TTL: Duration = Duration::from_secs(300);
/// Past this many entries a map is emptied rather than grown (crawlers walk every page).
const MAX_ENTRIES: usize = 2_000;

type Map<V> = Mutex<HashMap<String, (u64, Instant, V)>>;

#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

struct Inner {
    /// Identifies this instance's own messages on the channel.
    instance: String,
    generation: AtomicU64,
    enabled: bool,
    categories: Map<Arc<Vec<Category>>>,
    listings: Map<Arc<Listing>>,
    products: Map<Option<Arc<Product>>>,
    redis: Option<Redis>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("generation", &self.generation())
            .field("shared", &self.inner.redis.is_some())
            .finish()
    }
}

impl Catalog {
    /// `enabled = false` (`OXCART_CATALOG_CACHE=off`) makes every read go to the database.
    pub fn new(redis: Option<Redis>, enabled: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                instance: uuid::Uuid::new_v4().simple().to_string(),
                generation: AtomicU64::new(0),
                enabled,
                categories: Mutex::default(),
                listings: Mutex::default(),
                products: Mutex::default(),
                redis,
            }),
        }
    }

    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    fn get<V: Clone>(&self, map: &Map<V>, key: &str) -> Option<V> {
        if !self.inner.enabled {
            return None;
        }
        let map = map.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(key) {
            Some((generation, at, value))
                if *generation == self.generation() && at.elapsed() < TTL =>
            {
                Some(value.clone())
            }
            _ => None,
        }
    }

    fn put<V>(&self, map: &Map<V>, key: String, generation: u64, value: V) {
        if !self.inner.enabled || generation != self.generation() {
            return;
        }
        let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (generation, Instant::now(), value));
    }

    pub fn categories(&self) -> Option<Arc<Vec<Category>>> {
        self.get(&self.inner.categories, "")
    }

    pub fn put_categories(&self, generation: u64, value: Arc<Vec<Category>>) {
        self.put(&self.inner.categories, String::new(), generation, value);
    }

    pub fn listing(&self, key: &str) -> Option<Arc<Listing>> {
        self.get(&self.inner.listings, key)
    }

    pub fn put_listing(&self, key: String, generation: u64, value: Arc<Listing>) {
        self.put(&self.inner.listings, key, generation, value);
    }

    /// `Some(None)` is a cached "no such product".
    pub fn product(&self, slug: &str) -> Option<Option<Arc<Product>>> {
        self.get(&self.inner.products, slug)
    }

    pub fn put_product(&self, slug: String, generation: u64, value: Option<Arc<Product>>) {
        self.put(&self.inner.products, slug, generation, value);
    }

    /// Empties this instance's cache.
    pub fn clear_local(&self) {
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        fn clear<V>(map: &Map<V>) {
            map.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        clear(&self.inner.categories);
        clear(&self.inner.listings);
        clear(&self.inner.products);
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
                tracing::warn!(error = %err, "could not publish a catalog invalidation");
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
                                tracing::warn!(error = %err, "could not re-subscribe to catalog invalidations");
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
