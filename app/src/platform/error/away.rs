//! A database that is away for now — not a query that was wrong: how its errors are told
//! apart (then answered 503, `SERVICE_UNAVAILABLE`), and how many requests each reason
//! refused (`oxcart_db_unavailable_total{reason}` on `/metrics`).

/// Why the database could not serve a request for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Away {
    /// Every pooled connection stayed busy for the whole acquire timeout (5 s).
    PoolTimeout = 0,
    /// No connection to be had, or one lost mid-request (a restart, a network cut).
    Connection = 1,
    /// SQLite's write lock still held by another process when `busy_timeout` ran out.
    Busy = 2,
}

impl Away {
    pub const ALL: [Self; 3] = [Self::PoolTimeout, Self::Connection, Self::Busy];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PoolTimeout => "pool_timeout",
            Self::Connection => "connection",
            Self::Busy => "busy",
        }
    }

    /// Counts one request answered 503 for this reason.
    pub(super) fn count_one(self) {
        UNAVAILABLE[self as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many requests this process answered 503 for this reason since it started.
    pub fn count(self) -> u64 {
        UNAVAILABLE[self as usize].load(std::sync::atomic::Ordering::Relaxed)
    }
}

static UNAVAILABLE: [std::sync::atomic::AtomicU64; 3] =
    [const { std::sync::atomic::AtomicU64::new(0) }; 3];

/// Whether `err` says the database is away for now (worth a retry), not that the query
/// was wrong: no connection to be had, a connection lost, a PostgreSQL shutting down or
/// starting up (SQLSTATE class 08, 57P01–57P03, 53300 too many connections), SQLite's
/// write lock still held by another process when `busy_timeout` ran out (5 busy, 6
/// locked, and their extended codes, which SQLite numbers below 10 000: a SQLSTATE
/// always has five characters).
pub(super) fn database_away(err: &sqlx::Error) -> Option<Away> {
    match err {
        sqlx::Error::PoolTimedOut => Some(Away::PoolTimeout),
        sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => {
            Some(Away::Connection)
        }
        sqlx::Error::Database(db) => away_by_code(&db.code()?),
        _ => None,
    }
}

fn away_by_code(code: &str) -> Option<Away> {
    if code.len() < 5 && code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)) {
        Some(Away::Busy)
    } else if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300") {
        Some(Away::Connection)
    } else {
        None
    }
}

#[cfg(test)]
#[test]
fn database_codes_that_mean_come_back_later() {
    // SQLite: busy, busy-snapshot, locked; PostgreSQL: admin shutdown, cannot connect
    // now, connection failure, too many connections.
    for (code, away) in [("5", Away::Busy), ("517", Away::Busy), ("6", Away::Busy)] {
        assert_eq!(away_by_code(code), Some(away), "{code}");
    }
    for code in ["57P01", "57P03", "08006", "53300"] {
        assert_eq!(away_by_code(code), Some(Away::Connection), "{code}");
    }
    // A wrong query is not an outage, even where its digits look like SQLite's busy
    // (42501 & 0xff = 5): unique violation, insufficient privilege, SQLite constraint.
    for code in ["23505", "42501", "2067", "19"] {
        assert_eq!(away_by_code(code), None, "{code}");
    }
    assert_eq!(
        database_away(&sqlx::Error::PoolTimedOut),
        Some(Away::PoolTimeout)
    );
    assert_eq!(database_away(&sqlx::Error::RowNotFound), None);
}
