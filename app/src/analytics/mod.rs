//! Analytics: the dashboard's headline numbers, the reports (sales over time, products,
//! categories, discount codes, customers, taxes and shipping, the funnel) with charts
//! drawn on the server and CSV exports, and what keeps them fast on a year of history:
//! daily rollups kept exact in the transaction of every order change (`rollup`), and a
//! first-party funnel without cookies (`funnel`). `seed` makes a year of history.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod chart;
#[cfg(feature = "ssr")]
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod funnel;
#[cfg(feature = "ssr")]
pub mod range;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod rebuild;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod rollup;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod seed_orders;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod table;
#[cfg(feature = "ssr")]
pub mod zone;
