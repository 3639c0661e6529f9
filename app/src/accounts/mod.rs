//! Accounts and access: shoppers and staff, passwords, sessions, verification and reset
//! mails, the address book. Authorisation lives here, in [`session`]'s `require*`
//! functions, which every server function and handler calls before acting.

#[cfg(feature = "ssr")]
pub mod addresses;
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod avatar;
pub mod countries;
#[cfg(feature = "ssr")]
pub mod edge;
pub mod email;
#[cfg(feature = "ssr")]
pub mod jwt;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod model;
pub mod pages;
pub mod permissions;
#[cfg(feature = "ssr")]
pub mod roles;
pub mod roles_admin;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod passwords;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod register;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod signin;
#[cfg(feature = "ssr")]
pub mod staff;
#[cfg(feature = "ssr")]
pub mod token;
#[cfg(feature = "ssr")]
pub mod totp;
#[cfg(feature = "ssr")]
pub mod two_factor;

pub use model::{CurrentUser, Role};
pub use permissions::Permission;
