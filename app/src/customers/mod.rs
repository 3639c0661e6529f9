//! Customers in the back office (`/admin/customers`): the list with its filters, sort
//! and CSV export, guests grouped by email, and each customer's page — profile,
//! addresses, orders, lifetime value, staff notes and tags, a timeline — with the actions
//! staff take (deactivate, password reset, export, erase). Reads need `customers.read`,
//! changes `customers.write`, export and erasure `customers.erase`; every change is
//! audited in its transaction.

pub mod api;
pub mod detail_page;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod actions;
#[cfg(feature = "ssr")]
pub mod erase;
#[cfg(feature = "ssr")]
pub mod filter;
#[cfg(feature = "ssr")]
pub mod read;
