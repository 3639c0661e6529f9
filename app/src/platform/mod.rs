//! The platform: what every domain stands on and nothing in it knows a domain. Ids,
//! errors, money, text escaping, and on the server the database (with its dialect and
//! search), Redis, the job queue, rate limits, sessions, file storage, mail transport
//! and the request context. A file here may import only `platform` (a test in
//! `tests/layers.rs` fails otherwise).

pub mod error;
pub mod html;
pub mod money;
pub mod payments;
pub mod text;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod hits;
#[cfg(feature = "ssr")]
pub mod ids;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod redis;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod spreadsheet;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod storage;
