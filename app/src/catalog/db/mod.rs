//! The catalog's reads from the database: listing pages ([`listing`]), product pages
//! ([`product`]), the category tree and counts ([`tree`]). Writes are in
//! `catalog::service`; cached reads in `catalog::read`.

mod listing;
mod product;
mod tree;

pub use listing::listing;
pub use product::product;
pub use tree::{active_slugs, categories, count_products};
