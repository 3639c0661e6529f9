//! The funnel's steps, recorded by the server for the request being served: product
//! viewed (the page answered 200), added to cart, checkout started, paid. No cookie and
//! no script: a visitor is an HMAC of the client address and user agent under a key that
//! changes every day (so no one, us included, can follow a visitor across days), and
//! requests with `Sec-GPC: 1`, `DNT: 1` or a bot's user agent are not recorded at all
//! (`platform::request::trackable_agent`).

use super::zone;
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::hits::Hit;
use crate::platform::state::AppState;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const RETENTION_KEY: &str = "analytics.funnel_retention_days";
pub const DEFAULT_RETENTION_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Viewed,
    Carted,
    Checkout,
    Paid,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewed => "viewed",
            Self::Carted => "carted",
            Self::Checkout => "checkout",
            Self::Paid => "paid",
        }
    }
}

/// The store-local day now, from the cached zone.
async fn today(state: &AppState) -> String {
    let zone = match state.cache.get::<jiff::tz::TimeZone>("analytics", "zone") {
        Some(zone) => zone,
        None => {
            let generation = state.cache.generation();
            let zone = match state.db.pool().acquire().await {
                Ok(mut conn) => zone::read(&mut conn)
                    .await
                    .map(|(_, z)| z)
                    .unwrap_or(jiff::tz::TimeZone::UTC),
                Err(_) => jiff::tz::TimeZone::UTC,
            };
            state
                .cache
                .put("analytics", "zone".into(), generation, zone.clone());
            zone
        }
    };
    zone::day_of(now_ms(), &zone)
}

/// The current request's visitor key for `day`, if the request may be counted.
pub fn visitor(state: &AppState, day: &str) -> Option<String> {
    let agent = crate::platform::request::current_agent()?;
    let ip = crate::platform::request::current_ip();
    let mut mac = Hmac::<Sha256>::new_from_slice(&state.config.jwt_secret).ok()?;
    mac.update(b"funnel\0");
    mac.update(day.as_bytes());
    mac.update(b"\0");
    mac.update(ip.as_bytes());
    mac.update(b"\0");
    mac.update(agent.as_bytes());
    let digest = mac.finalize().into_bytes();
    Some(data_encoding::HEXLOWER.encode(&digest[..16]))
}

/// Records `step` for the current request (nothing when it may not be counted).
/// Returns the visitor key used.
pub async fn record(state: &AppState, step: Step) -> Option<String> {
    crate::platform::request::current_agent()?;
    let day = today(state).await;
    let visitor = visitor(state, &day)?;
    state.hits.record(Hit {
        day,
        step: step.as_str(),
        visitor: visitor.clone(),
    });
    Some(visitor)
}

/// Counts the order of `checkout_id` as paid for the visitor who started it, in the
/// order's transaction.
pub async fn paid(conn: &mut AnyConnection, checkout_id: &str) -> Result<(), AppError> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("select visitor from checkouts where id = $1")
            .bind(checkout_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((Some(visitor),)) = row else {
        return Ok(());
    };
    let (_, tz) = zone::read(conn).await?;
    let day = zone::day_of(now_ms(), &tz);
    let done = sqlx::query(
        "insert into funnel_events (day, step, visitor, created_at) values ($1, 'paid', $2, $3) \
         on conflict (day, step, visitor) do nothing",
    )
    .bind(&day)
    .bind(&visitor)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        crate::platform::hits::count_daily(conn, &day, "paid", 1).await?;
    }
    Ok(())
}

/// The retention of raw funnel rows, in days (the daily counts are kept).
pub async fn retention_days(db: &crate::platform::db::Db) -> Result<i64, AppError> {
    let values = crate::settings::db::get_many(db, &[RETENTION_KEY]).await?;
    Ok(values
        .get(RETENTION_KEY)
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RETENTION_DAYS))
}

/// Deletes raw funnel rows older than the retention; returns how many. Run daily.
pub async fn purge(db: &crate::platform::db::Db) -> Result<u64, AppError> {
    let days = retention_days(db).await?;
    let done = sqlx::query("delete from funnel_events where created_at < $1")
        .bind(now_ms() - days * 24 * 3600 * 1000)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
