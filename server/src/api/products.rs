//! The catalog's staff writes under `/api/v1` (`catalog.write`): products with their
//! variants, their pictures, and categories — the same service functions as the product
//! editor. Reads are in `crate::catalog` (shoppers see active products by slug; a caller
//! holding `catalog.write` also sees drafts and archived products, by id or slug).
//!
//! A product is written whole (`PUT` replaces it, as the editor's save does); "deleting"
//! one archives it, because orders keep pointing at it.

use super::caller::Caller;
use super::openapi::{Failure, Message, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::catalog::model::{Category, CategoryInput, Product, ProductInput, Status};
use app::catalog::{categories, media, read, service};
use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{delete, patch, post, put};
use axum::Router;
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "POST", "/api/v1/products", post(create));
    let r = add(r, "PUT", "/api/v1/products/{product}", put(replace));
    let r = add(r, "DELETE", "/api/v1/products/{product}", delete(archive));
    let r = add(
        r,
        "POST",
        "/api/v1/products/{product}/images",
        post(add_image),
    );
    let r = add(
        r,
        "PATCH",
        "/api/v1/products/{product}/images/{image}",
        patch(change_image),
    );
    let r = add(
        r,
        "DELETE",
        "/api/v1/products/{product}/images/{image}",
        delete(remove_image),
    );
    let r = add(r, "POST", "/api/v1/categories", post(add_category));
    let r = add(r, "PUT", "/api/v1/categories/{id}", put(change_category));
    let r = add(
        r,
        "DELETE",
        "/api/v1/categories/{id}",
        delete(remove_category),
    );
    r.with_state(state)
}

/// A new product with its variants.
#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", security(("bearer" = [])),
    request_body = ProductInput,
    responses(
        (status = 201, description = "Made", body = Success<Product>),
        (status = 400, description = "A field that does not validate (named in `field`, e.g. `variants.0.price`)", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 409, description = "The slug or a SKU is taken", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ProductInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    let id = service::save_product(&state, &actor, None, &input).await?;
    Ok(ok(
        StatusCode::CREATED,
        read::product_by_id(&state, &id).await?,
    ))
}

/// Replaces a product and its variants (a variant left out is removed; give `id` to keep
/// one). `version` (the `updated_at` you read) refuses a write over a newer change.
#[utoipa::path(put, path = "/api/v1/products/{product}", tag = "catalog", security(("bearer" = [])),
    params(("product" = String, Path, description = "The product's id")), request_body = ProductInput,
    responses(
        (status = 200, description = "Saved", body = Success<Product>),
        (status = 400, description = "A field that does not validate", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such product", body = Failure),
        (status = 409, description = "Slug or SKU taken, or changed since `version`", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn replace(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(input): Body<ProductInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    read::product_by_id(&state, &id).await?;
    service::save_product(&state, &actor, Some(&id), &input).await?;
    Ok(ok(StatusCode::OK, read::product_by_id(&state, &id).await?))
}

/// Archives the product: off the storefront and out of search, kept for its orders.
#[utoipa::path(delete, path = "/api/v1/products/{product}", tag = "catalog", security(("bearer" = [])),
    params(("product" = String, Path, description = "The product's id")),
    responses(
        (status = 200, description = "Archived", body = Success<Product>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such product", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    read::product_by_id(&state, &id).await?;
    service::set_status(&state, &actor, std::slice::from_ref(&id), Status::Archived).await?;
    Ok(ok(StatusCode::OK, read::product_by_id(&state, &id).await?))
}

/// Adds a picture: the body is the file itself (JPEG, PNG or WebP, at most 10 MB), with
/// its `Content-Type`; `alt` describes it for people who cannot see it.
#[utoipa::path(post, path = "/api/v1/products/{product}/images", tag = "catalog", security(("bearer" = [])),
    params(("product" = String, Path, description = "The product's id"),
        ("alt" = Option<String>, Query, nullable = false, max_length = 250, description = "Alternative text")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The picture's bytes (image/png and image/webp too)"),
    responses(
        (status = 201, description = "Stored in every served width; the product with it last", body = Success<Product>),
        (status = 400, description = "Not a picture, too small, or alt too long", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such product", body = Failure),
        (status = 413, description = "Over 10 MB", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_image(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    let mut alt = String::new();
    super::query(raw.as_deref().unwrap_or_default(), |key, value| {
        if key != "alt" {
            return Ok(false);
        }
        alt = value.to_owned();
        Ok(true)
    })?;
    if bytes.is_empty() {
        return Err(AppError::validation(
            "image",
            "send the picture's bytes as the body",
        ));
    }
    media::add(&state, &actor, &id, bytes.to_vec(), &alt).await?;
    Ok(ok(
        StatusCode::CREATED,
        read::product_by_id(&state, &id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ImageChange {
    /// New alternative text.
    #[schema(max_length = 250)]
    alt: Option<String>,
    /// `up` (towards the first picture, which listings show) or `down`.
    #[schema(pattern = "^(up|down)$")]
    #[serde(rename = "move")]
    shift: Option<String>,
}

/// The picture `image` of `product`, or 404.
async fn own_image(state: &AppState, product_id: &str, image: &str) -> Result<(), AppError> {
    if read::product_by_id(state, product_id)
        .await?
        .images
        .iter()
        .any(|i| i.id == image)
    {
        Ok(())
    } else {
        Err(AppError::NotFound("picture".into()))
    }
}

/// Changes a picture's alternative text and/or moves it one place.
#[utoipa::path(patch, path = "/api/v1/products/{product}/images/{image}", tag = "catalog", security(("bearer" = [])),
    params(("product" = String, Path), ("image" = String, Path)), request_body = ImageChange,
    responses(
        (status = 200, description = "Changed; the product", body = Success<Product>),
        (status = 400, description = "Alt too long, or move not up/down", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such product or picture", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn change_image(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, image)): Path<(String, String)>,
    Body(change): Body<ImageChange>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    let up = match change.shift.as_deref() {
        None => None,
        Some("up") => Some(true),
        Some("down") => Some(false),
        Some(_) => return Err(AppError::validation("move", "up or down")),
    };
    own_image(&state, &id, &image).await?;
    if let Some(alt) = &change.alt {
        media::set_alt(&state, &actor, &image, alt).await?;
    }
    if let Some(up) = up {
        media::shift(&state, &actor, &image, up).await?;
    }
    Ok(ok(StatusCode::OK, read::product_by_id(&state, &id).await?))
}

#[utoipa::path(delete, path = "/api/v1/products/{product}/images/{image}", tag = "catalog", security(("bearer" = [])),
    params(("product" = String, Path), ("image" = String, Path)),
    responses(
        (status = 200, description = "Removed, with its stored files; the product", body = Success<Product>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such product or picture", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_image(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, image)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    own_image(&state, &id, &image).await?;
    media::delete(&state, &actor, &image).await?;
    Ok(ok(StatusCode::OK, read::product_by_id(&state, &id).await?))
}

/// The category as it now is.
async fn category(state: &AppState, id: &str) -> Result<Category, AppError> {
    read::categories(state)
        .await?
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| AppError::NotFound("category".into()))
}

#[utoipa::path(post, path = "/api/v1/categories", tag = "catalog", security(("bearer" = [])),
    request_body = CategoryInput,
    responses(
        (status = 201, description = "Made", body = Success<Category>),
        (status = 400, description = "A field that does not validate, or an unknown parent", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 409, description = "The slug is taken", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_category(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<CategoryInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    let id = categories::save(&state, &actor, None, &input).await?;
    Ok(ok(StatusCode::CREATED, category(&state, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/categories/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CategoryInput,
    responses(
        (status = 200, description = "Saved", body = Success<Category>),
        (status = 400, description = "A field that does not validate, or a parent inside itself", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such category", body = Failure),
        (status = 409, description = "The slug is taken", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn change_category(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(input): Body<CategoryInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    category(&state, &id).await?;
    categories::save(&state, &actor, Some(&id), &input).await?;
    Ok(ok(StatusCode::OK, category(&state, &id).await?))
}

/// Removes a category that has no sub-categories; its products stay, uncategorised.
#[utoipa::path(delete, path = "/api/v1/categories/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Removed", body = Success<Message>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs catalog.write", body = Failure),
        (status = 404, description = "No such category", body = Failure),
        (status = 409, description = "It has sub-categories: move or remove them first", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_category(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CatalogWrite)?;
    category(&state, &id).await?;
    categories::delete(&state, &actor, &id).await?;
    Ok(ok(StatusCode::OK, Message::new("The category is removed.")))
}
