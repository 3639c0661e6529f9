//! Queries on `settings`. Values are text; callers parse what they need.

use super::model::{keys, Storefront, DEFAULTS};
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use anyhow::Context as _;
use std::collections::HashMap;

/// Reads the settings named in `names` in one round trip; absent keys are absent from
/// the map.
pub async fn get_many(db: &Db, names: &[&str]) -> Result<HashMap<String, String>, AppError> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "select key, value from settings where key in ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for name in names {
        query = query.bind(*name);
    }
    Ok(query.fetch_all(db.pool()).await?.into_iter().collect())
}

/// Writes `value` under `key` unless the key already has a value. Returns whether it wrote.
pub async fn put_if_absent(db: &Db, key: &str, value: &str) -> Result<bool, AppError> {
    let now = now_ms();
    let result = sqlx::query(
        "insert into settings (key, value, created_at, updated_at) values ($1, $2, $3, $3) \
         on conflict (key) do nothing",
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .execute(db.pool())
    .await
    .with_context(|| format!("writing setting {key}"))?;
    Ok(result.rows_affected() == 1)
}

/// Sets `key` to `value` as staff member `actor`, with its audit row (`action`,
/// `summary`, the value before and after) in the same transaction.
pub async fn put_audited(
    db: &Db,
    actor: &str,
    key: &str,
    value: &str,
    action: &str,
    summary: String,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let before: Option<(String,)> = sqlx::query_as("select value from settings where key = $1")
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    let now = now_ms();
    sqlx::query(
        "insert into settings (key, value, created_at, updated_at) values ($1, $2, $3, $3) \
         on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let change = crate::audit::log::Change::new(action, "settings", key)
        .summary(summary)
        .before(&serde_json::json!({ "value": before.map(|(v,)| v) }))
        .after(&serde_json::json!({ "value": value }));
    crate::audit::log::record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The store's name, on the caller's connection: for mail queued inside a transaction,
/// which must not wait for a second pooled connection while it holds row locks.
pub async fn store_name_in(
    conn: &mut crate::platform::db::AnyConnection,
) -> Result<String, AppError> {
    let row: Option<(String,)> = sqlx::query_as("select value from settings where key = $1")
        .bind(keys::STORE_NAME)
        .fetch_optional(conn)
        .await?;
    Ok(row.map_or_else(|| "Oxcart".to_owned(), |(name,)| name))
}

/// The store as shoppers see it, before any per-shopper filtering.
pub async fn storefront(db: &Db) -> Result<Storefront, AppError> {
    let mut values = get_many(db, &[keys::STORE_NAME, keys::CURRENCY, keys::ANNOUNCEMENT]).await?;
    Ok(Storefront {
        name: values
            .remove(keys::STORE_NAME)
            .unwrap_or_else(|| "Oxcart".to_owned()),
        currency: values
            .remove(keys::CURRENCY)
            .unwrap_or_else(|| "USD".to_owned()),
        announcement: values
            .remove(keys::ANNOUNCEMENT)
            .filter(|a| !a.trim().is_empty()),
    })
}

/// What a seed run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub settings_written: usize,
}

/// Writes the default settings that are missing and marks the store as seeded. Safe to
/// run any number of times: existing values are never overwritten.
pub async fn seed_defaults(db: &Db) -> Result<SeedReport, AppError> {
    let mut settings_written = 0;
    for (key, value) in DEFAULTS {
        if put_if_absent(db, key, value).await? {
            settings_written += 1;
        }
    }
    put_if_absent(db, keys::SEEDED_AT, &now_ms().to_string()).await?;
    Ok(SeedReport { settings_written })
}

/// Whether a seed has ever run against this database (first-start detection).
pub async fn is_seeded(db: &Db) -> Result<bool, AppError> {
    Ok(!get_many(db, &[keys::SEEDED_AT]).await?.is_empty())
}
