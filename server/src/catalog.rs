//! The catalog's HTTP surface outside the pages: the REST API's reads (`/api/v1/products`,
//! `/api/v1/categories`; the staff writes are `api::products`), stored pictures
//! (`/media/catalog/…`, and profile pictures under `/media/avatars/…`), the sitemap and
//! robots.txt. Drafts never appear in any of them, except to an API caller holding
//! `catalog.write` (the staff CSV export is `exports`).

use crate::api::caller::Caller;
use app::accounts::permissions::Permission;
use app::catalog::model::{Category, Product, ProductCard};
use app::catalog::read::{self, Audience};
use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue, StatusCode};
use std::sync::Arc;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/api/v1/products", get(list_products));
    let r = add(r, "GET", "/api/v1/products/{product}", get(product));
    let r = add(r, "GET", "/api/v1/categories", get(categories));
    let r = add(r, "GET", "/media/{*name}", get(media));
    let r = add(r, "GET", "/sitemap.xml", get(sitemap));
    let r = add(r, "GET", "/robots.txt", get(robots));
    r.with_state(state)
}

/// Active products as the storefront lists them; a caller holding `catalog.write` lists
/// every status and may filter by `status`.
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog",
    params(
        ("status" = Option<String>, Query, nullable = false, pattern = "^(|all|draft|active|archived)$", description = "Staff only: draft, active, archived or all (shoppers always get active)"),
        ("q" = Option<String>, Query, nullable = false, description = "Search words (the first 200 characters count)"),
        ("category" = Option<String>, Query, nullable = false, description = "A category's slug (unknown: 404)"),
        ("min" = Option<String>, Query, nullable = false, pattern = "^(|[0-9]{1,6}(\\.[0-9]{1,2})?)$", description = "Lowest price, as a decimal (19.99)"),
        ("max" = Option<String>, Query, nullable = false, pattern = "^(|[0-9]{1,6}(\\.[0-9]{1,2})?)$", description = "Highest price, as a decimal (not below min)"),
        ("in_stock" = Option<bool>, Query, nullable = false, description = "true: only what can be bought now"),
        ("sort" = Option<String>, Query, nullable = false, pattern = "^(|relevance|price-asc|price-desc|newest|name)$", description = "relevance (default), price-asc, price-desc, newest or name"),
        ("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100")),
    responses(
        (status = 200, description = "A page of products", body = crate::api::openapi::Page<ProductCard>),
        (status = 400, description = "A parameter that does not parse, or min above max", body = crate::api::openapi::Failure),
        (status = 404, description = "No such category", body = crate::api::openapi::Failure),
        (status = 429, description = "Rate limit", body = crate::api::openapi::Failure)))]
pub async fn list_products(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let query = read::query_from_url(raw.as_deref().unwrap_or_default())?;
        read::listing(&state, &query, None, audience(&caller)).await
    }
    .await;
    match result {
        Ok(listing) => app::web::envelope::page(&listing.items, &listing.pagination),
        Err(err) => err.into_response(),
    }
}

/// An active product by slug; a caller holding `catalog.write` gets any product, by slug
/// or id.
#[utoipa::path(get, path = "/api/v1/products/{product}", tag = "catalog",
    params(("product" = String, Path, description = "The product's URL name (slug); staff may also give its id")),
    responses(
        (status = 200, description = "The product, its variants and pictures", body = crate::api::openapi::Success<Product>),
        (status = 404, description = "No such active product", body = crate::api::openapi::Failure),
        (status = 429, description = "Rate limit", body = crate::api::openapi::Failure)))]
pub async fn product(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Response {
    let audience = audience(&caller);
    let found = match read::product(&state, &key, audience).await {
        Err(AppError::NotFound(_)) if audience == Audience::Staff => {
            read::product_by_id(&state, &key).await.map(Arc::new)
        }
        other => other,
    };
    match found {
        Ok(p) => app::web::envelope::success(StatusCode::OK, &*p),
        Err(err) => err.into_response(),
    }
}

/// Staff and keys that may edit the catalog see every status (and `status` filters).
fn audience(caller: &Caller) -> Audience {
    if caller.holds(Permission::CatalogWrite) {
        Audience::Staff
    } else {
        Audience::Shopper
    }
}

#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog",
    responses(
        (status = 200, description = "Every category, parents before children", body = crate::api::openapi::Success<Vec<Category>>),
        (status = 429, description = "Rate limit", body = crate::api::openapi::Failure)))]
pub async fn categories(State(state): State<AppState>) -> Response {
    match read::categories(&state).await {
        Ok(all) => app::web::envelope::success(StatusCode::OK, &*all),
        Err(err) => err.into_response(),
    }
}

/// A stored picture (a product picture or a profile picture). Names are generated and
/// never reused, so they are cached for a year.
async fn media(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let served =
        app::catalog::images::is_served_name(&name) || app::accounts::avatar::is_served_name(&name);
    if !served {
        return StatusCode::NOT_FOUND.into_response();
    }
    let content_type = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    };
    match state.storage.get(&name).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = ?err, "could not read a stored picture");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn date(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// Every active product and every category, plus the fixed pages.
async fn sitemap(State(state): State<AppState>) -> Response {
    let result = async {
        let products = app::catalog::db::active_slugs(&state.db).await?;
        let categories = read::categories(&state).await?;
        Ok::<_, AppError>((products, categories))
    }
    .await;
    let (products, categories) = match result {
        Ok(found) => found,
        Err(err) => return err.into_response(),
    };
    let origin = state.config.public_url.origin().ascii_serialization();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/products", "/categories"] {
        xml.push_str(&format!("  <url><loc>{origin}{path}</loc></url>\n"));
    }
    for c in categories.iter() {
        xml.push_str(&format!(
            "  <url><loc>{origin}/categories/{}</loc></url>\n",
            app::catalog::model::Slug::url_path(&c.slug)
        ));
    }
    for (slug, updated) in products {
        xml.push_str(&format!(
            "  <url><loc>{origin}/products/{}</loc><lastmod>{}</lastmod></url>\n",
            app::catalog::model::Slug::url_path(&slug),
            date(updated)
        ));
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

async fn robots(State(state): State<AppState>) -> Response {
    let origin = state.config.public_url.origin().ascii_serialization();
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /account\nDisallow: /cart\n\
         Disallow: /checkout\nDisallow: /api/\nDisallow: /search\n\nSitemap: {origin}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
