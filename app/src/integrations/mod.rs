//! Integrations: what lets another program run the shop — API keys with scopes (this
//! module), the REST API that accepts them (`server/src/api`), and later the outgoing
//! webhooks. Admin → Settings → API keys manages the keys.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod keys;
