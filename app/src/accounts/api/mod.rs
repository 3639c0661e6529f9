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

    /// Ends a form's server function: the error as [`finish`] maps it, or a redirect to
    /// `to` (a real one for a plain form post, a client-side one after hydration).
    pub async fn done<T>(
        form: &str,
        result: Result<T, AppError>,
        keep: &[(&str, &str)],
        to: &str,
    ) -> Result<(), crate::error::PublicError> {
        finish(form, result, keep).await?;
        leptos_axum::redirect(to);
        Ok(())
    }

    /// Counts this request against the per-IP limit of sign-in, registration and reset,
    /// and reports the counter in the `X-RateLimit-*` headers.
    pub async fn limit(state: &AppState) -> Result<(), AppError> {
        let ip = leptos::prelude::use_context::<http::request::Parts>()
            .map(|p| crate::request::client_ip(&p.headers, &p.extensions, state.config.trust_proxy))
            .unwrap_or_default();
        let decision = state.limiter.hit(crate::limits::AUTH_PER_IP, &ip).await?;
        crate::forms::rate_limit_headers(&decision);
        decision.into_result().map(drop)
    }

    /// A path on this site to continue to after signing in (never another host).
    pub fn local_path(next: Option<&str>, fallback: &str) -> String {
        match next {
            Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => {
                p.to_owned()
            }
            _ => fallback.to_owned(),
        }
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
