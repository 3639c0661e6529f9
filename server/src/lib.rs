//! The Oxcart process: configuration, CLI, router assembly, middleware and lifecycle.
//! Domain logic lives in the `app` crate; this crate wires it to the outside world.
// Builds without `--cfg erase_components` (`cargo test`, clippy) name every page's whole
// view type; the product page's buy box nests deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod archive;
pub mod backup;
pub mod bench;
pub mod bodies;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod csp;
pub mod exports;
pub mod funnel;
pub mod health;
pub mod live;
pub mod metrics;
pub mod middleware;
pub mod orders;
pub mod page_cache;
pub mod pages;
pub mod router;
pub mod routes;
pub mod security;
pub mod site;
pub mod startup;
pub mod telemetry;
pub mod worker;

pub use config::Config;
pub use router::build_router;
pub use startup::Application;
