//! What the catalog keeps in the platform's [`ReadCache`]: the category tree, listing
//! pages by query, product pages by slug (`None` is a cached "no such product").

use super::model::{Category, Listing, Product};
use crate::platform::cache::ReadCache;
use std::sync::Arc;

const CATEGORIES: &str = "catalog.categories";
const LISTINGS: &str = "catalog.listings";
const PRODUCTS: &str = "catalog.products";

pub fn categories(cache: &ReadCache) -> Option<Arc<Vec<Category>>> {
    cache.get(CATEGORIES, "")
}

pub fn put_categories(cache: &ReadCache, generation: u64, value: Arc<Vec<Category>>) {
    cache.put(CATEGORIES, String::new(), generation, value);
}

pub fn listing(cache: &ReadCache, key: &str) -> Option<Arc<Listing>> {
    cache.get(LISTINGS, key)
}

pub fn put_listing(cache: &ReadCache, key: String, generation: u64, value: Arc<Listing>) {
    cache.put(LISTINGS, key, generation, value);
}

pub fn product(cache: &ReadCache, slug: &str) -> Option<Option<Arc<Product>>> {
    cache.get(PRODUCTS, slug)
}

pub fn put_product(cache: &ReadCache, slug: String, generation: u64, value: Option<Arc<Product>>) {
    cache.put(PRODUCTS, slug, generation, value);
}
