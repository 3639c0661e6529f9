//! Storing and arranging product pictures: the pipeline of [`super::images`] runs off the
//! async threads, its files go to [`crate::platform::storage`], and only then is the row written;
//! a failed write removes the files again, so nothing is left half-stored.

use super::images::{self, Rejected};
use crate::audit::log::{record, Change};
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

pub const MAX_ALT: usize = 250;

/// Checks, re-encodes and stores a picture for `product_id`, last in its gallery.
pub async fn add(
    state: &AppState,
    actor: &str,
    product_id: &str,
    bytes: Vec<u8>,
    alt: &str,
) -> Result<String, AppError> {
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT {
        return Err(AppError::validation("alt", "at most 250 characters"));
    }
    let exists: Option<(String,)> = sqlx::query_as("select id from products where id = $1")
        .bind(product_id)
        .fetch_optional(state.db.pool())
        .await?;
    if exists.is_none() {
        return Err(AppError::NotFound("product".into()));
    }
    let processed = tokio::task::spawn_blocking(move || images::process(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("resizing a picture")))?
        .map_err(|rejected: Rejected| AppError::validation("image", rejected.to_string()))?;
    let key = crate::platform::ids::new_id().to_ascii_lowercase();
    let mut stored = Vec::new();
    for (width, jpeg) in &processed.files {
        let name = images::file_name(&key, *width);
        if let Err(err) = state.storage.put(&name, jpeg.clone()).await {
            remove_files(state, &stored).await;
            return Err(err.into());
        }
        stored.push(name);
    }
    let id = crate::platform::ids::new_id();
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    let inserted = sqlx::query(
        "insert into product_images (id, product_id, position, key, alt, width, height, widths, \
           created_at, updated_at) \
         values ($1, $2, (select coalesce(max(position), 0) + 1 from product_images \
           where product_id = $2), $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(product_id)
    .bind(&key)
    .bind(alt)
    .bind(i64::from(processed.width))
    .bind(i64::from(processed.height))
    .bind(processed.widths())
    .bind(now)
    .execute(&mut *tx)
    .await;
    let change = Change::new("product.picture_add", "product", product_id)
        .summary(format!(
            "Picture added ({} × {})",
            processed.width, processed.height
        ))
        .after(&serde_json::json!({ "picture": id, "alt": alt }));
    let written = match inserted {
        Ok(_) => touch(state, tx, actor, product_id, change).await,
        Err(err) => Err(err.into()),
    };
    if let Err(err) = written {
        remove_files(state, &stored).await;
        return Err(err);
    }
    Ok(id)
}

async fn remove_files(state: &AppState, names: &[String]) {
    for name in names {
        if let Err(err) = state.storage.delete(name).await {
            tracing::warn!(error = ?err, file = %name, "could not delete a picture file");
        }
    }
}

/// Ends a picture change in its transaction `tx`: the product marked changed (sitemaps,
/// caches), the audit row, the commit, the caches emptied.
async fn touch(
    state: &AppState,
    mut tx: crate::platform::db::WriteTx,
    actor: &str,
    product_id: &str,
    change: Change,
) -> Result<(), AppError> {
    sqlx::query("update products set updated_at = $2 where id = $1")
        .bind(product_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    state.cache.invalidate().await;
    Ok(())
}

/// The product a picture belongs to, or `NotFound`.
async fn owner(state: &AppState, image_id: &str) -> Result<(String, String, String), AppError> {
    sqlx::query_as("select product_id, key, widths from product_images where id = $1")
        .bind(image_id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or_else(|| AppError::NotFound("picture".into()))
}

pub async fn set_alt(
    state: &AppState,
    actor: &str,
    image_id: &str,
    alt: &str,
) -> Result<(), AppError> {
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT {
        return Err(AppError::validation("alt", "at most 250 characters"));
    }
    let (product_id, _, _) = owner(state, image_id).await?;
    let mut tx = state.db.begin_write().await?;
    let (before,): (String,) = sqlx::query_as("select alt from product_images where id = $1")
        .bind(image_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("update product_images set alt = $2, updated_at = $3 where id = $1")
        .bind(image_id)
        .bind(alt)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    let change = Change::new("product.picture_alt", "product", &product_id)
        .summary("Picture description changed")
        .before(&serde_json::json!({ "picture": image_id, "alt": before }))
        .after(&serde_json::json!({ "picture": image_id, "alt": alt }));
    touch(state, tx, actor, &product_id, change).await
}

/// Moves a picture one place earlier (`up`) or later in its gallery; the first picture
/// is the one listings show.
pub async fn shift(
    state: &AppState,
    actor: &str,
    image_id: &str,
    up: bool,
) -> Result<(), AppError> {
    let (product_id, _, _) = owner(state, image_id).await?;
    let ids: Vec<(String,)> =
        sqlx::query_as("select id from product_images where product_id = $1 order by position, id")
            .bind(&product_id)
            .fetch_all(state.db.pool())
            .await?;
    let mut ids: Vec<String> = ids.into_iter().map(|(id,)| id).collect();
    let Some(at) = ids.iter().position(|id| id == image_id) else {
        return Err(AppError::NotFound("picture".into()));
    };
    let to = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|t| *t < ids.len())
    };
    let Some(to) = to else {
        return Ok(());
    };
    ids.swap(at, to);
    let mut tx = state.db.begin_write().await?;
    for (position, id) in ids.iter().enumerate() {
        sqlx::query("update product_images set position = $2 where id = $1")
            .bind(id)
            .bind(position as i64 + 1)
            .execute(&mut *tx)
            .await?;
    }
    let change = Change::new("product.picture_move", "product", &product_id)
        .summary(format!("Picture moved to place {}", to + 1))
        .after(&serde_json::json!({ "order": ids }));
    touch(state, tx, actor, &product_id, change).await
}

/// Deletes a picture: the row (and any variant's use of it), then its files.
pub async fn delete(state: &AppState, actor: &str, image_id: &str) -> Result<(), AppError> {
    let (product_id, key, widths) = owner(state, image_id).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("update variants set image_id = null where image_id = $1")
        .bind(image_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from product_images where id = $1")
        .bind(image_id)
        .execute(&mut *tx)
        .await?;
    let change = Change::new("product.picture_delete", "product", &product_id)
        .summary("Picture deleted")
        .before(&serde_json::json!({ "picture": image_id }));
    touch(state, tx, actor, &product_id, change).await?;
    let names: Vec<String> = widths
        .split(',')
        .filter_map(|w| w.parse().ok())
        .map(|w| images::file_name(&key, w))
        .collect();
    remove_files(state, &names).await;
    Ok(())
}
