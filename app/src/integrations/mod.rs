//! Integrations: what lets another program run the shop — API keys with scopes (`keys`),
//! the REST API that accepts them (`server/src/api`), and outgoing webhooks signed as
//! Standard Webhooks has it (`webhooks`, `delivery`). Admin → Settings → API keys and
//! → Webhooks manage them.

pub mod api;
pub mod model;
pub mod pages;
pub mod webhook_api;
pub mod webhook_pages;

#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod webhooks;
