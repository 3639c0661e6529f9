//! The web layer: what every edge (server function, REST handler, page) shares. The API
//! envelope, the edge helpers, form results and flash messages, pagination, the 404
//! page. A file here
//! may import only `platform` and `web` (a test in `tests/layers.rs` fails otherwise).

pub mod forms;
pub mod not_found;
pub mod pagination;

#[cfg(feature = "ssr")]
pub mod edge;
#[cfg(feature = "ssr")]
pub mod envelope;
