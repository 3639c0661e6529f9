//! The helpers every edge (server function, page handler) starts from: the state and the
//! session out of the request, the client's address, the per-IP limit of the sign-in
//! family, a safe place to continue to, and the end of a form's server function. The
//! checks of who is signed in are the accounts domain's (`accounts::edge`), which
//! re-exports these, so an edge imports one prelude.

pub use crate::platform::error::{AppError, PublicError};
pub use crate::platform::state::AppState;
pub use crate::web::forms::finish;
pub use tower_sessions::Session;

pub use crate::platform::sessions::current as session;

/// The state and the session.
pub async fn context() -> Result<(AppState, Session), AppError> {
    Ok((AppState::from_context()?, session().await?))
}

/// Ends a form's server function: the error as [`finish`] maps it, or a redirect to
/// `to` (a real one for a plain form post, a client-side one after hydration).
pub async fn done<T>(
    form: &str,
    result: Result<T, AppError>,
    keep: &[(&str, &str)],
    to: &str,
) -> Result<(), PublicError> {
    finish(form, result, keep).await?;
    crate::web::forms::redirect(to);
    Ok(())
}

/// The client's address (see [`crate::platform::request::client_ip`]).
pub fn client_ip(state: &AppState) -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|p| {
            crate::platform::request::client_ip(&p.headers, &p.extensions, state.config.trust_proxy)
        })
        .unwrap_or_default()
}

/// Counts this request against the per-IP limit of sign-in, registration and reset,
/// and reports the counter in the `X-RateLimit-*` headers.
pub async fn limit(state: &AppState) -> Result<(), AppError> {
    let ip = client_ip(state);
    let decision = state.limiter.hit_auth(&ip).await?;
    crate::web::forms::rate_limit_headers(&decision);
    decision.into_result().map(drop)
}

/// A path on this store to continue to after signing in (see
/// [`crate::web::forms::safe_next`]).
pub fn local_path(state: &AppState, next: Option<&str>, fallback: &str) -> String {
    crate::web::forms::safe_next(&state.config.public_url, next, fallback)
}
