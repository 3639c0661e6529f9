//! Orders: made by exactly one transition per payment ([`transition`]), then followed by
//! staff (fulfil with carrier and tracking number, mark delivered, cancel with restock
//! and refund, full or partial refunds) and by the customer (history, detail, guest
//! look-up). Order pages are addressed by an opaque id; a guest proves access with a
//! token derived from it (sent in the confirmation mail) or with email + order number.

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod actions;
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod filter;
#[cfg(feature = "ssr")]
mod hooks;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
mod refunded;
#[cfg(feature = "ssr")]
pub mod status;
#[cfg(feature = "ssr")]
pub mod timeline;
#[cfg(feature = "ssr")]
pub mod transition;

pub use model::*;
