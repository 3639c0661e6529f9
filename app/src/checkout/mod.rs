//! Checkout: contact, shipping address, shipping method, discount code, review and the
//! start of payment. The draft lives in `checkouts`; every read prices it again from the
//! cart and the staff settings (`rates`), and paying freezes it into a payment attempt
//! (`payments::attempts`) that holds the stock and the discount use until it ends
//! (`settle`).

#[cfg(feature = "ssr")]
mod address;
pub mod api;
#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod discounts;
pub mod model;
pub mod pages;
mod pay_pages;
#[cfg(feature = "ssr")]
pub mod pay_step;
#[cfg(feature = "ssr")]
pub mod payment;
#[cfg(feature = "ssr")]
pub mod pending;
pub mod pricing;
#[cfg(feature = "ssr")]
pub mod rates;
pub mod rules_api;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod settle;
#[cfg(feature = "ssr")]
pub mod setup;
#[cfg(feature = "ssr")]
pub mod steps;

pub use model::*;
