//! The database: one sqlx `Any` pool that is either SQLite (the embedded default) or
//! PostgreSQL, chosen by the scheme of `DATABASE_URL`. Every query in the code base is
//! written once, in the subset both engines share (see `docs/adr/0001-database.md`):
//! `$1` placeholders, `bigint` for integers, flags and unix-millisecond times, `text`
//! for ids. What truly differs between the engines lives in [`dialect`].

mod dialect;
pub mod params;
pub mod search;

pub use dialect::Backend;

/// The `Any` driver's types, from sqlx-core (sqlx's own `any` feature would list its
/// MySQL driver in Cargo.lock; see the workspace Cargo.toml).
pub use sqlx_core::any::{Any, AnyArguments, AnyConnection, AnyPool, AnyPoolOptions, AnyRow};

use anyhow::Context as _;
use std::time::Duration;

/// Registers the two drivers Oxcart speaks with the `Any` pool (once per process).
pub fn install_drivers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Err(err) = sqlx_core::any::driver::install_drivers(&[
            sqlx_postgres::any::DRIVER,
            sqlx_sqlite::any::DRIVER,
        ]) {
            tracing::error!(error = %err, "database drivers were installed elsewhere");
        }
    });
}

/// A handle on the database pool; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Statements run through [`Db::pool`] since start-up (tests count a page's queries).
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// SQLite's writers queue here (see [`Db::begin_write`]).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction from [`Db::begin_write`]; rolled back if dropped uncommitted.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, Any>,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
#[error("database migration failed: {0}")]
pub struct MigrationError(#[source] pub sqlx_core::migrate::MigrateError);

impl Db {
    /// Opens a pool on `url` (`sqlite:…` or `postgres:…`), creating the SQLite file and its
    /// folder when missing.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        install_drivers();
        let backend = Backend::from_url(url).map_err(anyhow::Error::msg)?;
        let url = backend.prepare(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(backend.max_connections())
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| Box::pin(backend.configure(conn)))
            .connect(&url)
            .await
            .with_context(|| format!("cannot open the {backend} database"))?;
        Ok(Self {
            pool,
            backend,
            statements: Default::default(),
            writer: Default::default(),
        })
    }

    /// The pool, for one statement (or one transaction): each call is counted against the
    /// current request, so call it once per statement (see `request::count_query`).
    pub fn pool(&self) -> &AnyPool {
        crate::platform::request::count_query();
        self.statements
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        &self.pool
    }

    /// A transaction that writes. On SQLite, which has one writer at a time anyway,
    /// writers queue in the process first (an async lock, holding no connection while
    /// they wait) and then take the write lock at once (`begin immediate`): 200 racing
    /// checkouts then wait their turn instead of holding every pooled connection in
    /// SQLite's busy loop until the pool times out. PostgreSQL begins as usual.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let guard = self.writer.clone().lock_owned().await;
                let tx = self.pool().begin_with("begin immediate").await?;
                Ok(WriteTx {
                    tx,
                    _guard: Some(guard),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool().begin().await?,
                _guard: None,
            }),
        }
    }

    /// The most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        self.pool.options().get_max_connections()
    }

    /// How many statements (or transactions) have gone through [`Db::pool`].
    pub fn statements(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the pending migrations of this backend. Safe to run again and from several
    /// instances at once (PostgreSQL takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), MigrationError> {
        self.backend
            .migrator()
            .run(&self.pool)
            .await
            .map_err(MigrationError)
    }

    /// Applies the migrations up to `version` only (a restore loads a backup's rows into
    /// the schema they were taken from, then migrates the rest).
    pub async fn migrate_to(&self, version: i64) -> Result<(), MigrationError> {
        self.backend
            .migrator_to(version)
            .run(&self.pool)
            .await
            .map_err(MigrationError)
    }

    /// The newest migration this build knows: the schema version it writes.
    pub fn latest_schema(&self) -> i64 {
        self.backend
            .migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or_default()
    }

    /// The tables the migrations themselves write rows into (built-in roles, counters):
    /// a database holding only those rows is still an empty shop.
    pub fn seeded_tables(&self) -> Vec<String> {
        let mut tables: Vec<String> = self
            .backend
            .migrator()
            .iter()
            .flat_map(|m| {
                m.sql
                    .to_ascii_lowercase()
                    .split("insert into ")
                    .skip(1)
                    .filter_map(|rest| {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        (!name.is_empty()).then_some(name)
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        tables.sort();
        tables.dedup();
        tables
    }

    /// How many migrations have been applied (`oxcart migrate` reports it).
    pub async fn applied_migrations(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success = true")
            .fetch_one(&self.pool)
            .await
    }

    /// A round trip to the database, for readiness checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("select 1").execute(&self.pool).await.map(drop)
    }

    /// Closes the pool: in-flight queries finish, new ones fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, as the unix-millisecond timestamps every table stores.
pub fn now_ms() -> i64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

/// Maps a unique-key violation to `Conflict(message)`; any other error passes through.
/// Writes rely on the constraint instead of a racy look-up first.
pub fn on_unique(err: sqlx::Error, message: &str) -> crate::platform::error::AppError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            crate::platform::error::AppError::Conflict(message.to_owned())
        }
        _ => err.into(),
    }
}
