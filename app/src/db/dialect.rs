//! Everything that differs between SQLite and PostgreSQL, in one place: how a URL is
//! recognised and prepared, per-connection settings, pool size, and which migration
//! folder applies. Queries elsewhere never branch on the backend.

use anyhow::Context as _;
use sqlx::migrate::Migrator;
use sqlx::AnyConnection;
use sqlx::Executor as _;
use std::fmt;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        })
    }
}

impl Backend {
    /// Recognises the engine from the URL scheme; the error says what is accepted.
    pub fn from_url(url: &str) -> Result<Self, String> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "" => Err("expected a URL such as sqlite://data/oxcart.db or \
                 postgres://user@host/db"
                .to_owned()),
            other => Err(format!(
                "unsupported database \"{other}\": use sqlite://… or postgres://…"
            )),
        }
    }

    /// The path of a SQLite URL (`sqlite://data/x.db` → `data/x.db`), without its query.
    pub fn sqlite_path(url: &str) -> Option<&str> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then_some(path)
    }

    /// Makes the URL ready to open: for SQLite, creates the folder and asks for the file
    /// to be created when missing.
    pub(super) fn prepare(self, url: &str) -> anyhow::Result<String> {
        match self {
            Self::Postgres => Ok(url.to_owned()),
            Self::Sqlite => {
                if let Some(parent) = Self::sqlite_path(url)
                    .and_then(|p| std::path::Path::new(p).parent())
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent).with_context(|| {
                        format!("cannot create the database folder {}", parent.display())
                    })?;
                }
                Ok(if url.contains("mode=") {
                    url.to_owned()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                })
            }
        }
    }

    /// Settings every new connection gets. SQLite: write-ahead log (readers never wait
    /// for the writer), a busy timeout instead of instant "database is locked", enforced
    /// foreign keys, and `synchronous = normal`, which is durable with WAL.
    pub(super) async fn configure(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self == Self::Sqlite {
            for pragma in [
                "pragma journal_mode = wal",
                "pragma busy_timeout = 5000",
                "pragma foreign_keys = on",
                "pragma synchronous = normal",
            ] {
                conn.execute(pragma).await?;
            }
        }
        Ok(())
    }

    pub(super) fn max_connections(self) -> u32 {
        match self {
            // One writer at a time anyway; a few readers run alongside it under WAL.
            Self::Sqlite => 8,
            Self::Postgres => 16,
        }
    }

    pub(super) fn migrator(self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(Backend::from_url("sqlite://data/x.db"), Ok(Backend::Sqlite));
        assert_eq!(Backend::from_url("sqlite::memory:"), Ok(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgres://u@h/d"), Ok(Backend::Postgres));
        assert_eq!(
            Backend::from_url("postgresql://u@h/d"),
            Ok(Backend::Postgres)
        );
        let err = Backend::from_url("mysql://x").expect_err("mysql is refused");
        assert!(err.contains("mysql"), "{err}");
        assert!(Backend::from_url("nonsense").is_err());
    }

    #[test]
    fn sqlite_paths_are_read_from_both_url_forms() {
        assert_eq!(
            Backend::sqlite_path("sqlite://data/x.db"),
            Some("data/x.db")
        );
        assert_eq!(
            Backend::sqlite_path("sqlite:///tmp/x.db?mode=rwc"),
            Some("/tmp/x.db")
        );
        assert_eq!(Backend::sqlite_path("sqlite::memory:"), None);
    }
}
