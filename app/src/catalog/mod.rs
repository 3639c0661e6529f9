//! The catalog: categories, products with options and variants, pictures, search and
//! browse. Reads go through a cache ([`cache`]) that every write empties; the only SQL
//! that differs between SQLite and PostgreSQL is full-text search (`crate::platform::db::search`).

pub mod admin;
pub mod api;
pub mod model;
pub mod pages;
pub mod query;
pub mod slug;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod categories;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod images;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod validate;
