//! Session storage (server only): a SQL store in the application database — the embedded
//! default — or Redis when `REDIS_URL` is set. Either way a session outlives a restart
//! and is shared by every instance.

mod db;

pub use db::SqlSessionStore;

use crate::state::Redis;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};
use tower_sessions_redis_store::RedisStore;

/// The store in use, chosen once at start-up.
#[derive(Debug, Clone)]
pub enum SessionBackend {
    Sql(SqlSessionStore),
    Redis(RedisStore<Redis>),
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            Self::Sql(store) => store.create(record).await,
            Self::Redis(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            Self::Sql(store) => store.save(record).await,
            Self::Redis(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            Self::Sql(store) => store.load(id).await,
            Self::Redis(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            Self::Sql(store) => store.delete(id).await,
            Self::Redis(store) => store.delete(id).await,
        }
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
    match session.get::<T>(key).await? {
        Some(value) => {
            session.remove_value(key).await?;
            Ok(Some(value))
        }
        None => Ok(None),
    }
}
