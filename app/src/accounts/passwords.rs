//! Forgotten and changed passwords: the reset request queued (the look-up runs as a job,
//! so the answer takes as long for an unknown address), the reset link, the change.

use super::db::{self, Purpose, UserRow};
use super::mail as templates;
use super::service::expired_link;
use super::service::greeting;
use super::service::link;
use super::service::mail_token_link;
use super::service::parse_email;
use super::service::queue_mail;
use super::service::store_name;
use super::service::RESET_TTL_MS;
use super::signin::confirm_password;
use super::{password, token};
use crate::platform::error::AppError;
use crate::platform::jobs::{ResetRequest, Task};
use crate::platform::state::AppState;

/// Queues the reset look-up; the caller always says "if an account exists, we sent a link".
pub async fn request_password_reset(state: &AppState, raw_email: &str) -> Result<(), AppError> {
    let email = parse_email(raw_email)?;
    state
        .jobs
        .enqueue(&Task::ResetRequest(ResetRequest {
            email: email.normalized(),
        }))
        .await
        .map(drop)
}

/// The job behind [`request_password_reset`].
pub async fn send_reset_link(state: &AppState, request: &ResetRequest) -> Result<(), AppError> {
    let Some(user) = db::by_email(&state.db, &request.email)
        .await?
        .filter(UserRow::is_active)
    else {
        tracing::info!("password reset asked for an unknown email: nothing sent");
        return Ok(());
    };
    mail_token_link(
        state,
        &user.id,
        Purpose::ResetPassword,
        None,
        RESET_TTL_MS,
        "account/reset",
        |store, url| templates::reset_password(store, &user.email, url),
    )
    .await?;
    tracing::info!(user_id = %user.id, "password reset link queued");
    Ok(())
}

/// Sets a new password from a reset link: the token is used up, every session of the user
/// ends, the email counts as verified (the link proved it), and a notice is mailed.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    raw_token: &str,
    new_password: &str,
) -> Result<(), AppError> {
    password::validate(new_password, "password")?;
    let hash = password::hash(new_password.to_owned()).await?;
    let store = store_name(state).await?;
    let mut tx = state.db.begin_write().await?;
    let Some((user_id, _)) =
        db::redeem_token(&mut tx, &token::digest(raw_token), Purpose::ResetPassword).await?
    else {
        return Err(expired_link());
    };
    db::set_password(&mut tx, &user_id, &hash).await?;
    db::mark_verified(&mut tx, &user_id).await?;
    let user = db::by_id(&state.db, &user_id)
        .await?
        .ok_or_else(expired_link)?;
    let name = greeting(&user, "Hello");
    queue_mail(
        &mut tx,
        &templates::password_changed(&store, &user.email, name, &link(state, "account/forgot")),
    )
    .await?;
    tx.commit().await?;
    state.jobs.notify();
    tracing::info!(%user_id, "password reset");
    Ok(())
}

/// Changes the password of a signed-in user who knows the current one. Returns the new
/// session epoch: every other session has ended; the caller re-stamps its own.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn change_password(
    state: &AppState,
    user: &UserRow,
    current: &str,
    new_password: &str,
) -> Result<i64, AppError> {
    confirm_password(state, user, current, "current_password").await?;
    password::validate(new_password, "new_password")?;
    let hash = password::hash(new_password.to_owned()).await?;
    let store = store_name(state).await?;
    let mut tx = state.db.begin_write().await?;
    let epoch = db::set_password(&mut tx, &user.id, &hash).await?;
    let name = greeting(user, "Hello");
    queue_mail(
        &mut tx,
        &templates::password_changed(&store, &user.email, name, &link(state, "account/forgot")),
    )
    .await?;
    tx.commit().await?;
    state.jobs.notify();
    tracing::info!("password changed");
    Ok(epoch)
}
