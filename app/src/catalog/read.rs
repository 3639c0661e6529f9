//! Catalog reads as pages and the API ask for them, through the cache. Shoppers see
//! active products only; staff (the admin list and editor) see every status.

use super::model::*;
use super::query::ListingQuery;
use super::{cache, db};
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use std::sync::Arc;

/// Who is looking: shoppers never see drafts or archived products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Shopper,
    Staff,
}

/// A listing query from a URL query string (`q=linen&page=2`); a bad value is a
/// validation error naming its parameter. Server functions and the REST API both use it.
pub fn query_from_url(raw: &str) -> Result<ListingQuery, AppError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    ListingQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| AppError::validation(e.field, e.message))
}

/// The category tree (flat, in position order).
pub async fn categories(state: &AppState) -> Result<Arc<Vec<Category>>, AppError> {
    if let Some(hit) = cache::categories(&state.cache) {
        return Ok(hit);
    }
    let generation = state.cache.generation();
    let all = Arc::new(db::categories(&state.db).await?);
    cache::put_categories(&state.cache, generation, all.clone());
    Ok(all)
}

/// `id` and every category below it.
pub fn subtree(all: &[Category], id: &str) -> Vec<String> {
    let mut ids = vec![id.to_owned()];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i].clone();
        ids.extend(
            all.iter()
                .filter(|c| c.parent_id.as_deref() == Some(parent.as_str()))
                .map(|c| c.id.clone()),
        );
        i += 1;
        if ids.len() > all.len() {
            break; // a cycle; the service never makes one, but never loop forever
        }
    }
    ids
}

/// The path from the root to `id` (inclusive).
pub fn trail(all: &[Category], id: &str) -> Vec<Category> {
    let mut out = Vec::new();
    let mut next = Some(id.to_owned());
    while let Some(id) = next.take() {
        let Some(c) = all.iter().find(|c| c.id == id) else {
            break;
        };
        if out.iter().any(|o: &Category| o.id == c.id) {
            break;
        }
        next = c.parent_id.clone();
        out.push(c.clone());
    }
    out.reverse();
    out
}

/// One page of a listing, optionally inside the category `category_slug` (and its
/// sub-categories). Unknown categories are `NotFound`.
pub async fn listing(
    state: &AppState,
    query: &ListingQuery,
    category_slug: Option<&str>,
    audience: Audience,
) -> Result<Arc<Listing>, AppError> {
    let mut query = query.clone();
    if audience == Audience::Shopper {
        query.status = Some(Status::Active);
    }
    // A slug in another script may arrive percent-encoded, as browsers send it.
    let slug = category_slug
        .or(query.category.as_deref())
        .map(|s| crate::catalog::model::Slug::from_path(s).unwrap_or_else(|| s.to_owned()));
    let key = format!("{audience:?}|{slug:?}|{query:?}");
    if let Some(hit) = cache::listing(&state.cache, &key) {
        return Ok(hit);
    }
    let generation = state.cache.generation();
    let all = categories(state).await?;
    let category = match &slug {
        Some(slug) => Some(
            all.iter()
                .find(|c| &c.slug == slug)
                .cloned()
                .ok_or_else(|| AppError::NotFound("category".into()))?,
        ),
        None => None,
    };
    let ids = category.as_ref().map(|c| subtree(&all, &c.id));
    let (items, total, facets) = db::listing(&state.db, &query, ids.as_deref()).await?;
    let listing = Arc::new(Listing {
        items,
        pagination: Pagination::new(query.page, query.limit, total),
        facets,
        breadcrumbs: category
            .as_ref()
            .map(|c| trail(&all, &c.id))
            .unwrap_or_default(),
        category,
    });
    cache::put_listing(&state.cache, key, generation, listing.clone());
    Ok(listing)
}

/// A product by slug. Shoppers get `NotFound` for drafts and archived products.
pub async fn product(
    state: &AppState,
    slug: &str,
    audience: Audience,
) -> Result<Arc<Product>, AppError> {
    let decoded = crate::catalog::model::Slug::from_path(slug);
    let slug = decoded.as_deref().unwrap_or(slug);
    let found = match cache::product(&state.cache, slug) {
        Some(hit) => hit,
        None => {
            let generation = state.cache.generation();
            let found = load(state, "slug", slug).await?.map(Arc::new);
            cache::put_product(&state.cache, slug.to_owned(), generation, found.clone());
            found
        }
    };
    match found {
        Some(p) if audience == Audience::Staff || p.status == Status::Active => Ok(p),
        _ => Err(AppError::NotFound("product".into())),
    }
}

/// A product by id, uncached (the staff editor).
pub async fn product_by_id(state: &AppState, id: &str) -> Result<Product, AppError> {
    load(state, "id", id)
        .await?
        .ok_or_else(|| AppError::NotFound("product".into()))
}

async fn load(state: &AppState, by: &str, key: &str) -> Result<Option<Product>, AppError> {
    let Some(mut product) = db::product(&state.db, by, key).await? else {
        return Ok(None);
    };
    if let Some(id) = product.category.as_ref().map(|c| c.id.clone()) {
        let all = categories(state).await?;
        product.breadcrumbs = trail(&all, &id);
        product.category = product.breadcrumbs.last().cloned();
    }
    Ok(Some(product))
}

pub async fn home(state: &AppState) -> Result<Home, AppError> {
    let all = categories(state).await?;
    let mut featured: Vec<Category> = all.iter().filter(|c| c.featured).cloned().collect();
    if featured.is_empty() {
        featured = all
            .iter()
            .filter(|c| c.parent_id.is_none())
            .cloned()
            .collect();
    }
    featured.truncate(6);
    let query = ListingQuery {
        limit: 8,
        page: 1,
        ..Default::default()
    };
    let listing = listing(state, &query, None, Audience::Shopper).await?;
    Ok(Home {
        categories: featured,
        products: listing.items.clone(),
    })
}
