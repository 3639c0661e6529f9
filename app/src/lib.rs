//! Oxcart's Leptos application: the storefront and (later) the admin dashboard, rendered
//! on the server and hydrated in the browser. One folder per domain; code under
//! `#[cfg(feature = "ssr")]` (queries, services, server state) never reaches the WASM.

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod audit;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod customers;
pub mod integrations;
pub mod inventory;
pub mod orders;
pub mod payments;
pub mod platform;
pub mod returns;
pub mod settings;
pub mod shell;
pub mod web;

#[cfg(feature = "ssr")]
pub use shell::document::shell;
pub use shell::App;
