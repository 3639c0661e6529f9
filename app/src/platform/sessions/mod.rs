//! Session storage (server only): a SQL store in the application database — the embedded
//! default — or Redis when `REDIS_URL` is set. Either way a session outlives a restart
//! and is shared by every instance.

mod db;

pub use db::SqlSessionStore;

use crate::platform::redis::Redis;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};
use tower_sessions_redis_store::fred::prelude::KeysInterface as _;
use tower_sessions_redis_store::fred::types::{Expiration, SetOptions};
use tower_sessions_redis_store::RedisStore;

/// The shopper's session inside a server function: from leptos' context, else from the
/// request's own (`request::remembered`, for builds of a page whose reactive owner is
/// gone).
pub async fn current(
) -> std::result::Result<tower_sessions::Session, crate::platform::error::AppError> {
    match leptos_axum::extract::<tower_sessions::Session>().await {
        Ok(session) => Ok(session),
        Err(e) => {
            crate::platform::request::remembered::<tower_sessions::Session>().ok_or_else(|| {
                crate::platform::error::AppError::Internal(anyhow::anyhow!(
                    "session layer missing: {e}"
                ))
            })
        }
    }
}

/// The store in use, chosen once at start-up.
#[derive(Debug, Clone)]
pub enum SessionBackend {
    Sql(SqlSessionStore),
    /// The library's store, and the pool for [`redis_save`].
    Redis(RedisStore<Redis>, Redis),
}

impl SessionBackend {
    pub fn redis(pool: Redis) -> Self {
        Self::Redis(RedisStore::new(pool.clone()), pool)
    }
}

/// Saves an existing session in Redis, if it still exists (`SET … XX`), in the format of
/// tower-sessions-redis-store (MessagePack of the record), so its `load` reads it.
///
/// Upstream defect defended here: tower-sessions-redis-store 0.16.0's `save` reads the
/// reply of `SET … XX` as a bool; when the key is gone (a logout or "log out everywhere"
/// ended the session while this request was in flight) Redis answers nil, the
/// conversion fails, and tower-sessions turns the failed save into a 500 for a request
/// that had done nothing wrong. Here the session simply stays ended.
async fn redis_save(pool: &Redis, record: &Record) -> Result<()> {
    let bytes = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
    let expire = Expiration::EXAT(record.expiry_date.unix_timestamp());
    let written: Option<String> = pool
        .set(
            record.id.to_string(),
            bytes.as_slice(),
            Some(expire),
            Some(SetOptions::XX),
            false,
        )
        .await
        .map_err(|e| Error::Backend(e.to_string()))?;
    if written.is_none() {
        tracing::debug!("a session ended during the request was not written back");
    }
    Ok(())
}

/// Marks a request whose session store failed (its database or Redis away): tower-sessions
/// answers a failed write at the end of a request with a bare 500, and this tells the
/// server's `session_store_down` middleware to answer a 503 that says so instead.
#[derive(Clone, Copy, Debug)]
pub struct StoreFailed;

/// `result`, with a failure logged and noted on the request ([`StoreFailed`]).
fn noted<T>(result: Result<T>) -> Result<T> {
    if let Err(err) = &result {
        tracing::warn!(error = %err, "the session store failed");
        crate::platform::request::remember(StoreFailed);
    }
    result
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> Result<()> {
        noted(match self {
            Self::Sql(store) => store.create(record).await,
            Self::Redis(store, _) => store.create(record).await,
        })
    }

    async fn save(&self, record: &Record) -> Result<()> {
        noted(match self {
            Self::Sql(store) => store.save(record).await,
            Self::Redis(_, pool) => redis_save(pool, record).await,
        })
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        noted(match self {
            Self::Sql(store) => store.load(id).await,
            Self::Redis(store, _) => store.load(id).await,
        })
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        noted(match self {
            Self::Sql(store) => store.delete(id).await,
            Self::Redis(store, _) => store.delete(id).await,
        })
    }
}

/// Reads and removes `key`, writing the session only when the key was there. A plain
/// `remove` marks the whole record modified, and the record is saved whole: a request that
/// only looked (a page reading its one-time flash) would then save its stale copy over a
/// change that a concurrent request just made (the pending two-factor secret, say).
pub async fn take<T: serde::de::DeserializeOwned>(
    session: &tower_sessions::Session,
    key: &str,
) -> std::result::Result<Option<T>, tower_sessions::session::Error> {
    // Taken already by this request (another build of the same page): the same value.
    let value = match crate::platform::request::taken(key) {
        Some(value) => Some(value),
        None => match session.get::<serde_json::Value>(key).await? {
            Some(value) => {
                session.remove_value(key).await?;
                crate::platform::request::keep_taken(key, value.clone());
                Some(value)
            }
            None => None,
        },
    };
    value
        .map(serde_json::from_value)
        .transpose()
        .map_err(tower_sessions::session::Error::SerdeJson)
}
