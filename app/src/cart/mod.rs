//! The cart: lines of variants and quantities, kept in the database. A guest's cart is
//! found through the session (which holds its id); a customer's by their account, and a
//! guest cart is merged into it at sign-in. Prices are never stored with a line: every
//! read recomputes them from the catalog.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use model::*;
