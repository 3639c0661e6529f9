//! Oxcart's Leptos application: the storefront and (later) the admin dashboard, rendered
//! on the server and hydrated in the browser. One folder per domain; code under
//! `#[cfg(feature = "ssr")]` (queries, services, server state) never reaches the WASM.

pub mod accounts;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod error;
pub mod forms;
pub mod html;
pub mod inventory;
pub mod orders;
pub mod pagination;
pub mod payments;
pub mod settings;
pub mod shell;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod envelope;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod spreadsheet;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod storage;

#[cfg(feature = "ssr")]
pub use shell::document::shell;
pub use shell::App;
