//! Two-factor authentication: turning TOTP on (with recovery codes), checking the second
//! step of a sign-in, turning it off (not for admins: it is required for them).

use super::db::UserRow;
use super::{token, totp};
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::limits;
use crate::platform::state::AppState;

fn wrong_code() -> AppError {
    AppError::validation(
        "code",
        "that code is not right; check that your phone's clock is correct and try the newest code",
    )
}

/// Turns TOTP on once the user proves their app has `secret`; returns the recovery codes
/// (shown once; only their hashes are kept).
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn enable(
    state: &AppState,
    user: &UserRow,
    secret: &str,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let step = totp::matching_step(secret, code, None).ok_or_else(wrong_code)?;
    let codes = totp::recovery_codes();
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("update users set totp_secret = $1, totp_enabled_at = $2, totp_last_step = $3, updated_at = $2 where id = $4")
        .bind(secret)
        .bind(now)
        .bind(step)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from recovery_codes where user_id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    for code in &codes {
        sqlx::query("insert into recovery_codes (user_id, code_hash) values ($1, $2)")
            .bind(&user.id)
            .bind(token::digest(&totp::normalize_recovery(code)))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    tracing::info!("two-factor authentication turned on");
    Ok(codes)
}

/// Checks the second step of a sign-in: a current TOTP code (each usable once) or an
/// unused recovery code. Failures count towards the account's sign-in failure limit.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn verify(state: &AppState, user: &UserRow, code: &str) -> Result<(), AppError> {
    let key = user.email.to_lowercase();
    state
        .limiter
        .attempt(limits::LOGIN_FAILURES_PER_ACCOUNT, &key)
        .await?;
    let secret = user.totp_secret.as_deref().ok_or(AppError::Unauthorized)?;
    let last: Option<(Option<i64>,)> =
        sqlx::query_as("select totp_last_step from users where id = $1")
            .bind(&user.id)
            .fetch_optional(state.db.pool())
            .await?;
    let last_step = last.and_then(|(s,)| s);
    let accepted = if let Some(step) = totp::matching_step(secret, code, last_step) {
        // Conditional, so two sign-ins racing with one code cannot both pass.
        sqlx::query("update users set totp_last_step = $1 where id = $2 and (totp_last_step is null or totp_last_step < $1)")
            .bind(step)
            .bind(&user.id)
            .execute(state.db.pool())
            .await?
            .rows_affected()
            == 1
    } else {
        let normalized = totp::normalize_recovery(code);
        !normalized.is_empty()
            && sqlx::query("update recovery_codes set used_at = $1 where user_id = $2 and code_hash = $3 and used_at is null")
                .bind(now_ms())
                .bind(&user.id)
                .bind(token::digest(&normalized))
                .execute(state.db.pool())
                .await?
                .rows_affected()
                == 1
    };
    if accepted {
        state
            .limiter
            .reset(limits::LOGIN_FAILURES_PER_ACCOUNT, &key)
            .await?;
        Ok(())
    } else {
        Err(wrong_code())
    }
}

/// Turns TOTP off after the password and a code; refused for whoever holds a permission
/// that needs it.
pub async fn disable(
    state: &AppState,
    user: &UserRow,
    current_password: &str,
    code: &str,
) -> Result<(), AppError> {
    if user.permissions().iter().any(|p| p.needs_two_factor()) {
        return Err(AppError::validation(
            "code",
            "two-factor authentication is required for your role in the team",
        ));
    }
    super::signin::confirm_password(state, user, current_password, "current_password").await?;
    verify(state, user, code).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("update users set totp_secret = null, totp_enabled_at = null, totp_last_step = null, updated_at = $1 where id = $2")
        .bind(now_ms())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from recovery_codes where user_id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "two-factor authentication turned off");
    Ok(())
}

/// How many recovery codes are left.
pub async fn recovery_codes_left(state: &AppState, user_id: &str) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from recovery_codes where user_id = $1 and used_at is null",
    )
    .bind(user_id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(n)
}
