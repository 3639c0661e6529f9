//! The pages under `/account`: signing in and up, the links mailed to users, and the
//! signed-in area (overview, profile, addresses, security). Every form is a plain HTML
//! form first (see [`crate::web::forms`]); hydration turns it into an in-page action.

mod addresses;
mod area;
mod auth;
pub mod parts;
mod two_factor;

pub use addresses::AddressesPage;
pub use area::{AccountPage, ProfilePage, SecurityPage};
pub use auth::{
    CheckEmailPage, ConfirmEmailPage, ForgotPage, InvitePage, LoginPage, RegisterPage, ResetPage,
    VerifyPage,
};
pub use parts::{provide_user_resource, urlencode, use_user, RequireUser, UserResource};
pub use two_factor::{TwoFactorLoginPage, TwoFactorPage};
