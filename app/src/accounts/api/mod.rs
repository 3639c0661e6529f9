//! Server functions of the accounts domain: thin edges that read the session, call one
//! service function and map the result (see [`crate::web::forms::finish`] for forms without JS).

#[cfg(feature = "ssr")]
mod prelude;

mod addresses;
mod auth;
mod profile;
mod staff;
mod two_factor;

pub use addresses::*;
pub use auth::*;
pub use profile::*;
pub use staff::*;
pub use two_factor::*;
