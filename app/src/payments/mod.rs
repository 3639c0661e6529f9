//! Payments: the attempts to pay a checkout (the only owner of `payments` and
//! `payment_lines`: [`attempts`], with the status rule in [`status`]), and the provider's
//! events about them, each applied once ([`deliveries`], Stripe's [`webhook`]). Checkout
//! starts an attempt; orders react to its outcome (`orders::transition`). The provider
//! itself (create, refund, cancel, ask) is a platform adapter,
//! [`crate::platform::payments`].

pub mod status;

#[cfg(feature = "ssr")]
pub mod attempts;
#[cfg(feature = "ssr")]
pub mod deliveries;
#[cfg(feature = "ssr")]
pub mod webhook;

pub use status::AttemptStatus;
