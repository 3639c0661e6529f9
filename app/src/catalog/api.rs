//! Server functions of the catalog. Storefront reads need no account; staff functions
//! require the staff or admin role. Each one is a thin edge over `read`, `service`,
//! `categories` or `media`.

use super::model::*;
use crate::platform::error::PublicError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod edge {
    pub use crate::accounts::edge::*;
    pub use crate::catalog::read::{self, Audience};
}

#[server]
pub async fn get_home() -> Result<Home, PublicError> {
    use edge::*;
    let state = AppState::from_context()?;
    Ok(read::home(&state).await?)
}

/// A storefront listing: `query` is the page's query string; `category` the slug of
/// `/categories/:slug`, if any.
#[server]
pub async fn get_listing(query: String, category: Option<String>) -> Result<Listing, PublicError> {
    use edge::*;
    let state = AppState::from_context()?;
    let query = read::query_from_url(&query)?;
    let listing = read::listing(&state, &query, category.as_deref(), Audience::Shopper).await?;
    Ok((*listing).clone())
}

#[server]
pub async fn get_product(slug: String) -> Result<Product, PublicError> {
    use edge::*;
    let state = AppState::from_context()?;
    Ok((*read::product(&state, &slug, Audience::Shopper).await?).clone())
}

#[server]
pub async fn get_categories() -> Result<Vec<Category>, PublicError> {
    use edge::*;
    let state = AppState::from_context()?;
    Ok((*read::categories(&state).await?).clone())
}

/// The staff list: every status unless filtered.
#[server]
pub async fn admin_products(query: String) -> Result<Listing, PublicError> {
    use edge::*;
    let (state, _) = allowed(Permission::CatalogWrite).await?;
    let query = read::query_from_url(&query)?;
    Ok((*read::listing(&state, &query, None, Audience::Staff).await?).clone())
}

#[server]
pub async fn admin_product(id: String) -> Result<Product, PublicError> {
    use edge::*;
    let (state, _) = allowed(Permission::CatalogWrite).await?;
    Ok(read::product_by_id(&state, &id).await?)
}

/// Creates (no `id`) or changes a product; returns its id.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn save_product(id: Option<String>, input: ProductInput) -> Result<String, PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    let id = id.filter(|i| !i.is_empty());
    Ok(crate::catalog::service::save_product(&state, &user.id, id.as_deref(), &input).await?)
}

#[server(input = leptos::server_fn::codec::Json)]
pub async fn set_products_status(ids: Vec<String>, status: String) -> Result<u64, PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    let status =
        Status::parse(&status).ok_or_else(|| AppError::validation("status", "unknown status"))?;
    Ok(crate::catalog::service::set_status(&state, &user.id, &ids, status).await?)
}

#[server(input = leptos::server_fn::codec::Json)]
pub async fn save_category(
    id: Option<String>,
    input: CategoryInput,
) -> Result<String, PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    let id = id.filter(|i| !i.is_empty());
    Ok(crate::catalog::categories::save(&state, &user.id, id.as_deref(), &input).await?)
}

#[server]
pub async fn delete_category(id: String) -> Result<(), PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    Ok(crate::catalog::categories::delete(&state, &user.id, &id).await?)
}

/// Uploads a picture (multipart: `product_id`, `alt`, `image`). The file is read in
/// chunks and refused as soon as it passes the size cap.
#[server(input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_product_image(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<String, PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    fn bad_upload(e: impl std::fmt::Display) -> AppError {
        tracing::info!(error = %e, "unreadable picture upload");
        AppError::validation(
            "image",
            "the upload was interrupted or malformed; try again",
        )
    }
    let mut form = data
        .into_inner()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("multipart data missing")))?;
    let (mut product_id, mut alt, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Some(mut field) = form.next_field().await.map_err(bad_upload)? {
        match field.name() {
            Some("image") => {
                while let Some(chunk) = field.chunk().await.map_err(bad_upload)? {
                    if bytes.len() + chunk.len() > crate::catalog::images::MAX_BYTES {
                        return Err(AppError::validation(
                            "image",
                            "the picture is larger than 10 MB; choose a smaller one",
                        )
                        .into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            Some("product_id") => product_id = field.text().await.map_err(bad_upload)?,
            Some("alt") => alt = field.text().await.map_err(bad_upload)?,
            _ => {}
        }
    }
    Ok(crate::catalog::media::add(&state, &user.id, &product_id, bytes, &alt).await?)
}

#[server]
pub async fn set_image_alt(id: String, alt: String) -> Result<(), PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    Ok(crate::catalog::media::set_alt(&state, &user.id, &id, &alt).await?)
}

#[server]
pub async fn move_image(id: String, up: bool) -> Result<(), PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    Ok(crate::catalog::media::shift(&state, &user.id, &id, up).await?)
}

#[server]
pub async fn delete_image(id: String) -> Result<(), PublicError> {
    use edge::*;
    let (state, user) = allowed(Permission::CatalogWrite).await?;
    Ok(crate::catalog::media::delete(&state, &user.id, &id).await?)
}

/// Starts a CSV import (multipart, field `file`); returns the import's id to poll.
#[server(input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_catalog(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<String, PublicError> {
    use edge::*;
    let state = AppState::from_context()?;
    let session = crate::platform::sessions::current().await?;
    let user =
        crate::accounts::session::require_permission(&state.db, &session, Permission::CatalogWrite)
            .await?;
    fn bad(e: impl std::fmt::Display) -> AppError {
        tracing::info!(error = %e, "unreadable CSV upload");
        AppError::validation("file", "the upload was interrupted or malformed; try again")
    }
    let mut form = data
        .into_inner()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("multipart data missing")))?;
    let mut bytes = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > crate::catalog::csv::MAX_BYTES {
                return Err(AppError::validation(
                    "file",
                    "the file is larger than 20 MB; split it",
                )
                .into());
            }
            bytes.extend_from_slice(&chunk);
        }
    }
    if bytes.is_empty() {
        return Err(AppError::validation("file", "choose a CSV file to import").into());
    }
    Ok(crate::catalog::import::start_import(&state, &user.id, bytes).await?)
}

#[server]
pub async fn get_import_status(id: String) -> Result<ImportStatus, PublicError> {
    use edge::*;
    let (state, _) = allowed(Permission::CatalogWrite).await?;
    Ok(crate::catalog::import::status(&state, &id).await?)
}
