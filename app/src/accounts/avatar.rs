//! Profile pictures: an upload is checked by its content (PNG, JPEG or WebP, by magic
//! bytes, never by name or declared type), capped in size, and stored under a generated
//! name in `<data dir>/media/avatars`, served with immutable caching. The format check is the
//! catalog's ([`crate::catalog::images::sniff`]); re-encoding avatars through the catalog's
//! picture pipeline is still to do (docs/catalog.md).

use super::db::UserRow;
use super::token::new_id;
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;
use std::path::PathBuf;

pub const MAX_BYTES: usize = 1024 * 1024;
/// Where avatars are served from; the stored value is the file name under it.
pub const URL_PREFIX: &str = "/media/avatars/";

/// The image format of `bytes`, judged by their first bytes: the extension to store.
pub use crate::catalog::images::sniff;

pub fn dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("media").join("avatars")
}

/// Stores `bytes` as the user's avatar, replacing (and deleting) the previous one.
pub async fn store(state: &AppState, user: &UserRow, bytes: Vec<u8>) -> Result<String, AppError> {
    if bytes.is_empty() {
        return Err(AppError::validation("avatar", "choose a picture to upload"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::validation(
            "avatar",
            "the picture is larger than 1 MB; choose a smaller one",
        ));
    }
    let ext = sniff(&bytes)
        .ok_or_else(|| AppError::validation("avatar", "use a PNG, JPEG or WebP picture"))?;
    let name = format!("{}.{ext}", new_id());
    let dir = dir(state);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("creating the avatar folder"))
    })?;
    let path = dir.join(&name);
    tokio::fs::write(&path, &bytes)
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing an avatar")))?;
    let previous = set(state, &user.id, Some(&name)).await;
    match previous {
        Ok(previous) => {
            remove_file(state, previous).await;
            Ok(name)
        }
        Err(err) => {
            remove_file(state, Some(name)).await;
            Err(err)
        }
    }
}

/// Removes the user's avatar.
pub async fn clear(state: &AppState, user: &UserRow) -> Result<(), AppError> {
    let previous = set(state, &user.id, None).await?;
    remove_file(state, previous).await;
    Ok(())
}

/// Sets the avatar column; returns the previous file name.
async fn set(
    state: &AppState,
    user_id: &str,
    name: Option<&str>,
) -> Result<Option<String>, AppError> {
    let mut tx = state.db.begin_write().await?;
    let (previous,): (Option<String>,) = sqlx::query_as("select avatar from users where id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("update users set avatar = $1, updated_at = $2 where id = $3")
        .bind(name)
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(previous)
}

/// Deletes a stored avatar file; a missing file is not an error worth failing for.
pub async fn remove_file(state: &AppState, name: Option<String>) {
    let Some(name) = name.filter(|n| !n.contains('/') && !n.contains("..")) else {
        return;
    };
    if let Err(err) = tokio::fs::remove_file(dir(state).join(&name)).await {
        tracing::warn!(error = %err, file = %name, "could not delete an old avatar");
    }
}
