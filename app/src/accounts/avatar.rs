//! Profile pictures, through the product pictures' pipeline
//! ([`crate::catalog::images::square_jpeg`]): judged by content, decoded under pixel
//! limits (a 20000×20000 PNG is refused, never shown), cropped to a square, re-encoded as
//! a JPEG without metadata (no GPS position survives), and stored through the storage
//! layer (the media folder, or the S3 bucket when `STORAGE_URL` is set) under a generated
//! name `avatars/<id>.jpg`, served from `/media/avatars/…` with immutable caching.

use super::db::UserRow;
use crate::catalog::images;
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::state::AppState;

pub const MAX_BYTES: usize = 1024 * 1024;
/// The side of a stored profile picture, in pixels (shown at 48; sharp on any screen).
pub const SIDE: u32 = 256;
/// The folder of the storage they live in.
const FOLDER: &str = "avatars/";

/// Whether `name` (after `/media/`) is an avatar name this module could have made
/// (`.png` and `.webp` were stored as uploaded by earlier versions).
pub fn is_served_name(name: &str) -> bool {
    let Some(file) = name.strip_prefix(FOLDER) else {
        return false;
    };
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    matches!(ext, "jpg" | "png" | "webp")
        && (1..=64).contains(&stem.len())
        && stem.chars().all(|c| c.is_ascii_hexdigit())
}

/// What a client may ask of the picture by URL (the REST API's `avatar_url`): absent or
/// the current URL keeps it, `null` removes it (`Ok(true)`: remove). Pictures are uploaded
/// here, checked and re-encoded; a link to another site is refused, since it would show
/// its owner's tracking pixel to staff.
pub fn removal_by_url(user: &UserRow, requested: Option<Option<&str>>) -> Result<bool, AppError> {
    let current = user.avatar.as_deref();
    match requested {
        None => Ok(false),
        Some(None) => Ok(current.is_some()),
        Some(Some(url))
            if current.is_some() && url.strip_prefix(super::db::AVATAR_URL_PREFIX) == current =>
        {
            Ok(false)
        }
        Some(Some(_)) => Err(AppError::validation(
            "avatar_url",
            "upload a picture on the website (Account → Profile); links to other sites are \
             not accepted. Send null to remove the picture.",
        )),
    }
}

/// Stores `bytes` as the user's avatar, replacing (and deleting) the previous one.
pub async fn store(state: &AppState, user: &UserRow, bytes: Vec<u8>) -> Result<String, AppError> {
    let jpeg = tokio::task::spawn_blocking(move || images::square_jpeg(&bytes, MAX_BYTES, SIDE))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("resizing an avatar")))?
        .map_err(|rejected| AppError::validation("avatar", rejected.to_string()))?;
    let name = format!("{}.jpg", new_id());
    state.storage.put(&format!("{FOLDER}{name}"), jpeg).await?;
    match set(state, &user.id, Some(&name)).await {
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

/// Deletes a stored avatar; a missing one is not an error worth failing for.
pub async fn remove_file(state: &AppState, name: Option<String>) {
    let Some(path) = name
        .map(|n| format!("{FOLDER}{n}"))
        .filter(|p| is_served_name(p))
    else {
        return;
    };
    if let Err(err) = state.storage.delete(&path).await {
        tracing::warn!(error = %err, file = %path, "could not delete an old avatar");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_avatar_names_are_served() {
        assert!(is_served_name("avatars/0a1b2c3d4e5f.jpg"));
        assert!(is_served_name("avatars/0a1b2c3d4e5f.png"));
        assert!(!is_served_name("avatars/../secrets/jwt.key"));
        assert!(!is_served_name("avatars/x.svg"));
        assert!(!is_served_name("catalog/0a1b.jpg"));
        assert!(!is_served_name("avatars/.jpg"));
    }
}
