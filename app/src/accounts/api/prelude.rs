//! What every accounts server function starts from: the edge helpers and the accounts
//! services they call.

pub use crate::accounts::edge::*;
pub use crate::accounts::{passwords, profile, register, session, signin};
