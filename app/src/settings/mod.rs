//! Store-wide settings: the store's name, currency and announcement bar. Owns the
//! `settings` table, the defaults seeded on first start, and the storefront's view of them.

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;

pub use model::Storefront;
