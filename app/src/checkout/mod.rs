//! Checkout: contact, shipping address, shipping method, discount code, review and the
//! start of payment. The draft lives in `checkouts`; every read prices it again from the
//! cart and the staff settings (`rates`), and paying freezes it into a payment
//! (`payments`, `payment_lines`) that holds the stock and the discount use.

pub mod api;
pub mod model;
pub mod pages;
mod pay_pages;
#[cfg(feature = "ssr")]
pub mod pay_step;
#[cfg(feature = "ssr")]
pub mod payment;
pub mod pricing;
#[cfg(feature = "ssr")]
pub mod rates;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod steps;

pub use model::*;
