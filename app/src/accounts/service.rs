//! The rules of accounts: registering, signing in, verifying, resetting and changing
//! passwords and emails, deleting. Server functions and REST handlers call these.

use super::db::{self, NewUser, Purpose, UserRow};
use super::email::Email;
use super::model::Role;
use super::{password, token};
use crate::platform::error::AppError;
use crate::platform::jobs::{Jobs, ResetRequest, Task};
use crate::platform::limits::{self, Decision};
use super::mail as templates;
use crate::platform::mail::OutgoingMail;
use crate::platform::state::AppState;

pub const VERIFY_TTL_MS: i64 = 24 * 3600 * 1000;
pub const RESET_TTL_MS: i64 = 30 * 60 * 1000;
pub const INVITE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

fn parse_email(raw: &str) -> Result<Email, AppError> {
    Email::parse(raw).map_err(|msg| AppError::validation("email", msg))
}

fn clean_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.chars().count() > 100 {
        return Err(AppError::validation(
            "full_name",
            "use at most 100 characters",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            "full_name",
            "remove the special characters",
        ));
    }
    Ok(name.to_owned())
}

/// An absolute link into the store, from `OXCART_PUBLIC_URL` (never the request's Host).
pub fn link(state: &AppState, path_and_query: &str) -> String {
    state
        .config
        .public_url
        .join(path_and_query.trim_start_matches('/'))
        .map(String::from)
        .unwrap_or_else(|_| path_and_query.to_owned())
}

async fn store_name(state: &AppState) -> Result<String, AppError> {
    Ok(crate::settings::db::storefront(&state.db).await?.name)
}

async fn queue_mail(
    conn: &mut crate::platform::db::AnyConnection,
    mail: &OutgoingMail,
) -> Result<(), AppError> {
    Jobs::enqueue_in(conn, &Task::SendMail(mail.clone()))
        .await
        .map(drop)
}

/// Counts one login/registration/reset request from `ip` against the per-IP limit.
pub async fn limit_ip(state: &AppState, ip: &str) -> Result<Decision, AppError> {
    state
        .limiter
        .hit(limits::AUTH_PER_IP, ip)
        .await?
        .into_result()
}

pub struct Registration<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub full_name: &'a str,
}

/// Creates an unverified customer account and mails a confirmation link. If the email is
/// taken, its owner is mailed instead, and the caller sees the same result either way.
#[tracing::instrument(skip_all)]
pub async fn register(state: &AppState, input: Registration<'_>) -> Result<(), AppError> {
    let email = parse_email(input.email)?;
    password::validate(input.password, "password")?;
    let full_name = clean_name(input.full_name)?;
    let hash = password::hash(input.password.to_owned()).await?;
    let store = store_name(state).await?;
    let id = crate::platform::ids::new_id();
    let verify = token::generate();

    let mut tx = state.db.begin_write().await?;
    let created = db::insert(
        &mut tx,
        &NewUser {
            id: &id,
            email: email.as_str(),
            email_normalized: &email.normalized(),
            password_hash: &hash,
            full_name: &full_name,
            role: Role::Customer,
            email_verified_at: None,
        },
    )
    .await;
    match created {
        Ok(()) => {
            db::insert_token(
                &mut tx,
                &token::digest(&verify),
                &id,
                Purpose::VerifyEmail,
                None,
                VERIFY_TTL_MS,
            )
            .await?;
            let name = if full_name.is_empty() {
                "there".to_owned()
            } else {
                full_name.clone()
            };
            let url = link(state, &format!("account/verify?token={verify}"));
            queue_mail(
                &mut tx,
                &templates::verify_email(&store, email.as_str(), &name, &url),
            )
            .await?;
            tracing::info!(user_id = %id, "account registered");
        }
        Err(AppError::Conflict(_)) => {
            // Never tell the requester; tell the owner.
            tx.rollback().await?;
            tx = state.db.begin_write().await?;
            let url = link(state, "account/forgot");
            queue_mail(
                &mut tx,
                &templates::account_exists(&store, email.as_str(), &url),
            )
            .await?;
            tracing::info!("registration attempted for an existing email");
        }
        Err(other) => return Err(other),
    }
    tx.commit().await?;
    state.jobs.notify();
    Ok(())
}

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
        return Err(AppError::validation(
            "email",
            "confirm your email address first: we have just sent you a new link",
        ));
    }
    if user.has_two_factor() {
        Ok(SignIn::NeedsSecondFactor(user))
    } else {
        tracing::info!(user_id = %user.id, "signed in");
        Ok(SignIn::Done(user))
    }
}

async fn resend_verification(state: &AppState, user: &UserRow) -> Result<(), AppError> {
    let name = greeting(user, "there");
    mail_token_link(
        state,
        &user.id,
        Purpose::VerifyEmail,
        None,
        VERIFY_TTL_MS,
        "account/verify",
        |store, url| templates::verify_email(store, &user.email, name, url),
    )
    .await
}

/// Mails a fresh single-use link to `path?token=…`: the user's older unused links of the
/// same purpose are retired, the new token is stored hashed, and the mail is queued in the
/// same transaction.
async fn mail_token_link(
    state: &AppState,
    user_id: &str,
    purpose: Purpose,
    data: Option<&str>,
    ttl_ms: i64,
    path: &str,
    mail: impl FnOnce(&str, &str) -> OutgoingMail,
) -> Result<(), AppError> {
    let store = store_name(state).await?;
    let raw = token::generate();
    let mut tx = state.db.begin_write().await?;
    db::retire_tokens(&mut tx, user_id, purpose).await?;
    db::insert_token(
        &mut tx,
        &token::digest(&raw),
        user_id,
        purpose,
        data,
        ttl_ms,
    )
    .await?;
    let url = link(state, &format!("{path}?token={raw}"));
    queue_mail(&mut tx, &mail(&store, &url)).await?;
    tx.commit().await?;
    state.jobs.notify();
    Ok(())
}

/// The user's name, or `fallback` when they gave none.
fn greeting<'a>(user: &'a UserRow, fallback: &'a str) -> &'a str {
    if user.full_name.is_empty() {
        fallback
    } else {
        &user.full_name
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

/// Confirms an email address from the mailed link; returns the email.
#[tracing::instrument(skip_all)]
pub async fn verify_email(state: &AppState, raw_token: &str) -> Result<String, AppError> {
    let store = store_name(state).await?;
    let mut tx = state.db.begin_write().await?;
    let Some((user_id, _)) =
        db::redeem_token(&mut tx, &token::digest(raw_token), Purpose::VerifyEmail).await?
    else {
        return Err(expired_link());
    };
    let user = db::by_id(&state.db, &user_id)
        .await?
        .ok_or_else(expired_link)?;
    if db::mark_verified(&mut tx, &user_id).await? {
        let name = greeting(&user, "there");
        queue_mail(
            &mut tx,
            &templates::welcome(&store, &user.email, name, &link(state, "account")),
        )
        .await?;
    }
    tx.commit().await?;
    state.jobs.notify();
    tracing::info!(%user_id, "email verified");
    Ok(user.email)
}

fn expired_link() -> AppError {
    AppError::validation(
        "token",
        "this link has expired or was already used; ask for a new one",
    )
}

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

/// Ends every session of the user, this one included.
pub async fn end_all_sessions(state: &AppState, user: &UserRow) -> Result<(), AppError> {
    db::bump_epoch(&state.db, &user.id).await?;
    tracing::info!(user_id = %user.id, "signed out everywhere");
    Ok(())
}

/// Creates a verified admin account (the `oxcart create-admin` command). The admin is asked
/// to turn on two-factor authentication at first sign-in.
pub async fn create_admin(
    db: &crate::platform::db::Db,
    raw_email: &str,
    new_password: &str,
    full_name: &str,
) -> Result<String, AppError> {
    let email = parse_email(raw_email)?;
    password::validate(new_password, "password")?;
    let full_name = clean_name(full_name)?;
    let hash = password::hash(new_password.to_owned()).await?;
    let id = crate::platform::ids::new_id();
    let mut conn = db.pool().acquire().await?;
    db::insert(
        &mut conn,
        &NewUser {
            id: &id,
            email: email.as_str(),
            email_normalized: &email.normalized(),
            password_hash: &hash,
            full_name: &full_name,
            role: Role::Admin,
            email_verified_at: Some(crate::platform::db::now_ms()),
        },
    )
    .await?;
    tracing::info!(user_id = %id, "admin created");
    Ok(id)
}
