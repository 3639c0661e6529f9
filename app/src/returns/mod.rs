//! Returns: a customer (or a guest with the order's link) asks to send back lines of a
//! delivered order within the store's return window, with a reason per line; staff
//! approve or refuse with a message, mark the parcel received, choose per line whether it
//! goes back in stock (the ledger), and the refund goes through the payment provider
//! within what was captured. Every step is on the order's timeline (and so in the audit
//! log) and mailed to the customer.

pub mod admin;
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod service;
