//! Who may call an edge: the signed-in shopper, staff, staff with two-factor for money.
//! Re-exports the web layer's edge helpers, so every domain's server functions start
//! with one `use crate::accounts::edge::*;`.

pub use crate::web::edge::*;

use super::db::UserRow;
use super::session;

/// The state, the session and the signed-in user (else `Unauthorized`).
pub async fn signed_in() -> Result<(AppState, Session, UserRow), AppError> {
    let (state, session) = context().await?;
    let user = session::require(&state.db, &session).await?;
    Ok((state, session, user))
}

/// The state and the signed-in staff member or admin (else 401/403).
pub async fn staff() -> Result<(AppState, UserRow), AppError> {
    let (state, session) = context().await?;
    let user = session::require_staff(&state.db, &session).await?;
    Ok((state, user))
}

/// [`staff`] with two-factor on: for actions that move money (else 403).
pub async fn money_staff() -> Result<(AppState, UserRow), AppError> {
    let (state, session) = context().await?;
    let user = session::require_staff_with_two_factor(&state.db, &session).await?;
    Ok((state, user))
}

/// Signs `user` in ([`session::sign_in`]) and brings along what they put in the cart as
/// a guest; a failed merge does not block the sign-in.
pub async fn sign_in(state: &AppState, session: &Session, user: &UserRow) -> Result<(), AppError> {
    session::sign_in(session, user).await?;
    if let Err(err) = crate::cart::service::merge_at_sign_in(&state.db, session, &user.id).await {
        tracing::warn!(error = %err, "could not merge the guest cart at sign-in");
    }
    Ok(())
}
