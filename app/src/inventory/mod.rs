//! Stock: on hand (`variants.stock`) and reserved (`variants.reserved`) per variant, and
//! the append-only ledger of every change to on-hand stock.
//!
//! Stock never goes negative and is never sold twice: every change is one conditional
//! `update … where <enough is left>` (0 rows = not enough), never a read followed by a
//! write, and a CHECK (0 ≤ reserved ≤ on hand) on both engines backs it up.

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod service;

pub use model::*;
