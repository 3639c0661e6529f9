//! The account's own details: a new email address (confirmed from the new inbox), name
//! and profile, deletion.

use super::db::{self, Purpose, UserRow};
use super::mail as templates;
use super::service::clean_name;
use super::service::expired_link;
use super::service::mail_token_link;
use super::service::parse_email;
use super::service::VERIFY_TTL_MS;
use super::signin::confirm_password;
use super::token;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

/// Mails a confirmation link to `new_email`; the change happens when it is followed.
pub async fn request_email_change(
    state: &AppState,
    user: &UserRow,
    current_password: &str,
    new_email: &str,
) -> Result<(), AppError> {
    confirm_password(state, user, current_password, "current_password").await?;
    let email = parse_email(new_email)?;
    if email.normalized() == user.email.to_lowercase() {
        return Err(AppError::validation(
            "email",
            "that is already your email address",
        ));
    }
    mail_token_link(
        state,
        &user.id,
        Purpose::ChangeEmail,
        Some(email.as_str()),
        VERIFY_TTL_MS,
        "account/confirm-email",
        |store, url| templates::confirm_new_email(store, email.as_str(), url),
    )
    .await
}

/// Follows an email-change link; returns the new address.
pub async fn confirm_email_change(state: &AppState, raw_token: &str) -> Result<String, AppError> {
    let mut tx = state.db.begin_write().await?;
    let Some((user_id, Some(new_email))) =
        db::redeem_token(&mut tx, &token::digest(raw_token), Purpose::ChangeEmail).await?
    else {
        return Err(expired_link());
    };
    let email = parse_email(&new_email)?;
    db::set_email(&mut tx, &user_id, email.as_str(), &email.normalized()).await?;
    tx.commit().await?;
    tracing::info!(%user_id, "email changed");
    Ok(email.to_string())
}

pub async fn update_profile(
    state: &AppState,
    user: &UserRow,
    full_name: &str,
) -> Result<(), AppError> {
    let name = clean_name(full_name)?;
    db::set_profile(&state.db, &user.id, &name).await
}

/// Soft-deletes the account after checking the password: personal data scrubbed,
/// addresses and tokens removed, orders (later) kept, every session ended.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn delete_account(
    state: &AppState,
    user: &UserRow,
    current_password: &str,
) -> Result<(), AppError> {
    confirm_password(state, user, current_password, "confirm_password").await?;
    let mut tx = state.db.begin_write().await?;
    db::scrub(&mut tx, &user.id).await?;
    tx.commit().await?;
    super::avatar::remove_file(state, user.avatar.clone()).await;
    tracing::info!("account deleted");
    Ok(())
}
