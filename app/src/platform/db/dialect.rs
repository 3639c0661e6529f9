//! Everything that differs between SQLite and PostgreSQL, in one place: how a URL is
//! recognised and prepared, per-connection settings, pool size, and which migration
//! folder applies. Queries elsewhere never branch on the backend.

use anyhow::Context as _;
use sqlx::Executor as _;
use sqlx_core::any::AnyConnection;
use sqlx_core::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

/// `migrations/<backend>/*.sql` as `(version, description, sql)`, embedded by build.rs.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// A migrator over embedded files, as `sqlx::migrate!` would make it (same versions,
/// descriptions and checksums, so databases migrated before keep validating).
fn migrator_of(files: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    migrator_until(files, i64::MAX)
}

/// The migrator of the files up to `last` (inclusive).
fn migrator_until(files: &'static [(i64, &'static str, &'static str)], last: i64) -> Migrator {
    let migrations = files
        .iter()
        .filter(|(version, _, _)| *version <= last)
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                sql.starts_with("-- no-transaction"),
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

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
    /// foreign keys, `synchronous = normal`, which is durable with WAL, and a smaller
    /// page cache.
    pub(super) async fn configure(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self == Self::Sqlite {
            for pragma in [
                "pragma journal_mode = wal",
                "pragma busy_timeout = 5000",
                "pragma foreign_keys = on",
                "pragma synchronous = normal",
                // 512 KB of pages per connection, not 2 MB: the operating system caches
                // the file for all of them, and eight connections held 16 MB between
                // them (docs/performance.md, "Memory").
                "pragma cache_size = -512",
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

    /// The migrations up to `version` only.
    pub(super) fn migrator_to(self, version: i64) -> Migrator {
        migrator_until(
            match self {
                Self::Sqlite => embedded::SQLITE,
                Self::Postgres => embedded::POSTGRES,
            },
            version,
        )
    }

    pub(super) fn migrator(self) -> &'static Migrator {
        static SQLITE: OnceLock<Migrator> = OnceLock::new();
        static POSTGRES: OnceLock<Migrator> = OnceLock::new();
        match self {
            Self::Sqlite => SQLITE.get_or_init(|| migrator_of(embedded::SQLITE)),
            Self::Postgres => POSTGRES.get_or_init(|| migrator_of(embedded::POSTGRES)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded_in_order_for_both_engines() {
        for (files, folder) in [
            (embedded::SQLITE, "sqlite"),
            (embedded::POSTGRES, "postgres"),
        ] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../migrations")
                .join(folder);
            let on_disk = std::fs::read_dir(&dir)
                .expect("migrations folder")
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql"))
                })
                .count();
            assert_eq!(files.len(), on_disk, "{folder}");
            assert!(
                files.windows(2).all(|w| w[0].0 < w[1].0),
                "{folder}: versions ascend"
            );
        }
        assert_eq!(embedded::SQLITE.len(), embedded::POSTGRES.len());
    }

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
