//! Who may call an edge: the signed-in shopper, staff, staff with two-factor for money.
//! Re-exports the web layer's edge helpers, so every domain's server functions start
//! with one `use crate::accounts::edge::*;`.

pub use crate::web::edge::*;

use super::db::UserRow;
pub use super::permissions::Permission;
use super::session;

/// The state, the session and the signed-in user (else `Unauthorized`).
pub async fn signed_in() -> Result<(AppState, Session, UserRow), AppError> {
    let (state, session) = context().await?;
    let user = session::require(&state.db, &session).await?;
    Ok((state, session, user))
}

/// The state and the signed-in staff member, whatever they may do (else 401/403): for
/// what every member of the team sees, such as the dashboard's frame and its counts.
pub async fn staff() -> Result<(AppState, UserRow), AppError> {
    let (state, session) = context().await?;
    let user = session::require_staff(&state.db, &session).await?;
    Ok((state, user))
}

/// The state and the signed-in staff member holding `permission` (else 401, or 403 —
/// also when they hold a permission that needs two-factor and have not turned it on).
/// Every staff server function starts here; REST routes and exports call
/// [`session::require_permission`], which this wraps.
pub async fn allowed(permission: Permission) -> Result<(AppState, UserRow), AppError> {
    let (state, session) = context().await?;
    let user = session::require_permission(&state.db, &session, permission).await?;
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
