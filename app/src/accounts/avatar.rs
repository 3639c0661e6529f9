//! Profile pictures: an upload is checked by its content (PNG, JPEG or WebP, by magic
//! bytes, never by name or declared type), capped in size, and stored under a generated
//! name in `<data dir>/media/avatars`, served with immutable caching. Re-encoding and
//! resizing arrive with the catalog's image pipeline (issue 4).

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
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

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
    let mut tx = state.db.pool().begin().await?;
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

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn formats_are_known_by_content_not_name() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]), Some("jpg"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }
}
