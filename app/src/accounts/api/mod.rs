//! Server functions of the accounts domain: thin edges that read the session, call one
//! service function and map the result (see [`crate::forms::finish`] for forms without JS).

#[cfg(feature = "ssr")]
pub(crate) mod edge {
    pub use crate::accounts::{service, session};
    pub use crate::error::AppError;
    pub use crate::forms::finish;
    pub use crate::state::AppState;
    pub use tower_sessions::Session;

    pub async fn context() -> Result<(AppState, Session), AppError> {
        Ok((AppState::from_context()?, crate::state::session().await?))
    }

    /// The state, the session and the signed-in user (else `Unauthorized`).
    pub async fn signed_in() -> Result<(AppState, Session, crate::accounts::db::UserRow), AppError>
    {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        Ok((state, session, user))
    }

    /// The state and the signed-in staff member or admin (else 401/403).
    pub async fn staff() -> Result<(AppState, crate::accounts::db::UserRow), AppError> {
        let (state, session) = context().await?;
        let user = session::require_staff(&state.db, &session).await?;
        Ok((state, user))
    }

    /// [`staff`] with two-factor on: for actions that move money (else 403).
    pub async fn money_staff() -> Result<(AppState, crate::accounts::db::UserRow), AppError> {
        let (state, session) = context().await?;
        let user = session::require_staff_with_two_factor(&state.db, &session).await?;
        Ok((state, user))
    }

    /// Ends a form's server function: the error as [`finish`] maps it, or a redirect to
    /// `to` (a real one for a plain form post, a client-side one after hydration).
    pub async fn done<T>(
        form: &str,
        result: Result<T, AppError>,
        keep: &[(&str, &str)],
        to: &str,
    ) -> Result<(), crate::error::PublicError> {
        finish(form, result, keep).await?;
        crate::forms::redirect(to);
        Ok(())
    }

    /// The client's address (see [`crate::request::client_ip`]).
    pub fn client_ip(state: &AppState) -> String {
        leptos::prelude::use_context::<http::request::Parts>()
            .map(|p| crate::request::client_ip(&p.headers, &p.extensions, state.config.trust_proxy))
            .unwrap_or_default()
    }

    /// Counts this request against the per-IP limit of sign-in, registration and reset,
    /// and reports the counter in the `X-RateLimit-*` headers.
    pub async fn limit(state: &AppState) -> Result<(), AppError> {
        let ip = client_ip(state);
        let decision = state.limiter.hit(crate::limits::AUTH_PER_IP, &ip).await?;
        crate::forms::rate_limit_headers(&decision);
        decision.into_result().map(drop)
    }

    /// A path on this store to continue to after signing in (see [`crate::forms::safe_next`]).
    pub fn local_path(state: &AppState, next: Option<&str>, fallback: &str) -> String {
        crate::forms::safe_next(&state.config.public_url, next, fallback)
    }
}

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
