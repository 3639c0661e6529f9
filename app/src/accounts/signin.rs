//! Signing in: the password checked (within the per-account and per-address limits), an
//! unverified account sent a fresh link, a password asked again before a sensitive change,
//! every session ended.

use super::db::{self, UserRow};
use super::email::Email;
use super::password;
use super::register::resend_verification;
use crate::platform::error::AppError;
use crate::platform::limits;
use crate::platform::state::AppState;

/// What a correct password leads to.
pub enum SignIn {
    Done(UserRow),
    /// The account has two-factor on: a TOTP or recovery code comes next.
    NeedsSecondFactor(UserRow),
}

/// Checks an email and password. Every failure is [`BAD_CREDENTIALS`] and costs one
/// argon2 verification; after repeated attempts on one email (known or not) the account
/// is slowed down with a 429. The attempt is counted before the password is checked, so
/// parallel guesses cannot outrun the count.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    state: &AppState,
    raw_email: &str,
    password: &str,
) -> Result<SignIn, AppError> {
    let key = raw_email.trim().to_lowercase();
    state
        .limiter
        .attempt(limits::LOGIN_FAILURES_PER_ACCOUNT, &key)
        .await?;
    let user = match Email::parse(raw_email) {
        Ok(email) => db::by_email(&state.db, &email.normalized()).await?,
        Err(_) => None,
    };
    let user = user.filter(UserRow::is_active);
    let ok = password::verify(
        password.to_owned(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!("sign-in refused");
        return Err(AppError::BadCredentials);
    };
    state
        .limiter
        .reset(limits::LOGIN_FAILURES_PER_ACCOUNT, &key)
        .await?;
    if user.email_verified_at.is_none() {
        resend_verification(state, &user).await?;
        return Err(AppError::Unconfirmed);
    }
    if user.has_two_factor() {
        Ok(SignIn::NeedsSecondFactor(user))
    } else {
        tracing::info!(user_id = %user.id, "signed in");
        Ok(SignIn::Done(user))
    }
}

/// Checks the password the user typed to confirm a sensitive change; a mismatch is a
/// validation error on `field`. Throttled per account like sign-in: a stolen session
/// cannot guess its way to the password.
pub async fn confirm_password(
    state: &AppState,
    user: &UserRow,
    typed: &str,
    field: &str,
) -> Result<(), AppError> {
    state
        .limiter
        .attempt(limits::PASSWORD_CHECKS_PER_ACCOUNT, &user.id)
        .await?;
    if password::verify(typed.to_owned(), Some(user.password_hash.clone())).await? {
        state
            .limiter
            .reset(limits::PASSWORD_CHECKS_PER_ACCOUNT, &user.id)
            .await?;
        Ok(())
    } else {
        Err(AppError::validation(
            field,
            "that is not your current password",
        ))
    }
}

/// Ends every session of the user, this one included.
pub async fn end_all_sessions(state: &AppState, user: &UserRow) -> Result<(), AppError> {
    db::bump_epoch(&state.db, &user.id).await?;
    tracing::info!(user_id = %user.id, "signed out everywhere");
    Ok(())
}
