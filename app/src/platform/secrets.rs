//! Secrets the shop makes for itself when the environment does not set them (the session
//! and JWT keys; the JWT key also signs guest order links). They live in the database's
//! `secrets` table, made once by whichever instance asks first, so every instance of one
//! shop — one SQLite file, or N instances on one PostgreSQL — signs and checks with the
//! same keys. A key kept in `<data dir>/secrets/` by an earlier version moves into the
//! database on first use, so sessions and links made before keep working.

use crate::platform::db::{now_ms, Db};
use anyhow::Context as _;
use rand::RngCore as _;
use std::path::Path;

/// The shop's secret `name` ("session.key", "jwt.key"): the database's, else made now.
pub async fn shared(db: &Db, data_dir: &Path, name: &str) -> anyhow::Result<String> {
    if let Some(value) = stored(db, name).await? {
        return Ok(value);
    }
    let candidate = match read(&data_dir.join("secrets").join(name))? {
        Some(legacy) => legacy,
        None => random_hex(),
    };
    sqlx::query(
        "insert into secrets (name, value, created_at) values ($1, $2, $3) \
         on conflict (name) do nothing",
    )
    .bind(name)
    .bind(&candidate)
    .bind(now_ms())
    .execute(db.pool())
    .await
    .with_context(|| format!("cannot store the secret {name}"))?;
    // Whoever inserted first won; everyone uses the winner's value.
    stored(db, name)
        .await?
        .with_context(|| format!("the secret {name} vanished"))
}

async fn stored(db: &Db, name: &str) -> anyhow::Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("select value from secrets where name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await
        .with_context(|| format!("cannot read the secret {name}"))?;
    Ok(row.map(|(v,)| v).filter(|v| !v.trim().is_empty()))
}

/// 64 random bytes as 128 hex characters.
fn random_hex() -> String {
    let mut bytes = [0u8; 64];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => Ok(Some(text.trim().to_owned())),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}
