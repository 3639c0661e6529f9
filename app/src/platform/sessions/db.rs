//! The SQL session store: one row per session in `sessions`, the data as JSON, the
//! expiry as unix milliseconds. Expired rows are invisible at once and deleted by
//! [`SqlSessionStore::delete_expired`], which the server runs periodically.

use crate::platform::db::{now_ms, Db};
use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

#[derive(Debug, Clone)]
pub struct SqlSessionStore {
    db: Db,
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl SqlSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Removes sessions past their expiry; returns how many.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sqlx::Error> {
        let result = sqlx::query("delete from sessions where expires_at <= $1")
            .bind(now_ms())
            .execute(self.db.pool())
            .await?;
        Ok(result.rows_affected())
    }
}

/// How a record is written: a new session (refused if the id exists) or a save of an
/// existing one (which changes nothing if the row is gone).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Create,
    Update,
}

impl SqlSessionStore {
    /// Writes `record`; returns whether a row was written.
    ///
    /// A save never inserts: a request that loaded the session before a logout (or "log
    /// out everywhere") deleted its row would otherwise write it back at the end and
    /// sign the browser in again. Redis' store does the same (`SET … XX`).
    async fn write(&self, record: &Record, how: Write) -> Result<bool> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let sql = match how {
            Write::Create => {
                "insert into sessions (id, data, expires_at, created_at, updated_at) \
                 values ($1, $2, $3, $4, $4) on conflict (id) do nothing"
            }
            Write::Update => {
                "update sessions set data = $2, expires_at = $3, updated_at = $4 where id = $1"
            }
        };
        let written = sqlx::query(sql)
            .bind(record.id.to_string())
            .bind(data)
            .bind(expiry_ms(record))
            .bind(now_ms())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(written.rows_affected() == 1)
    }
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh id collides with 2^-128 odds; the insert refuses rather than overwrites.
        while !self.write(record, Write::Create).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        if !self.write(record, Write::Update).await? {
            tracing::debug!("a session ended during the request was not written back");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "select data, expires_at from sessions where id = $1 and expires_at > $2",
        )
        .bind(id.to_string())
        .bind(now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let expiry_date =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
                .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sqlx::query("delete from sessions where id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
