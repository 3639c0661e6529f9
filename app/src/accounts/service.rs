//! What the account rules share (`register`, `signin`, `passwords`, `profile`): checked
//! emails and names, links into the store, mails with a single-use link; and the first
//! admin, made from the command line.

use super::db::{self, NewUser, Purpose, UserRow};
use super::email::Email;
use super::model::Role;
use super::{password, token};
use crate::platform::error::AppError;
use crate::platform::jobs::{Jobs, Task};
use crate::platform::mail::OutgoingMail;
use crate::platform::state::AppState;

pub const VERIFY_TTL_MS: i64 = 24 * 3600 * 1000;
pub const RESET_TTL_MS: i64 = 30 * 60 * 1000;
pub const INVITE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

pub(super) fn parse_email(raw: &str) -> Result<Email, AppError> {
    Email::parse(raw).map_err(|msg| AppError::validation("email", msg))
}

pub(super) fn clean_name(raw: &str) -> Result<String, AppError> {
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

pub(super) async fn store_name(state: &AppState) -> Result<String, AppError> {
    Ok(crate::settings::db::storefront(&state.db).await?.name)
}

pub(super) async fn queue_mail(
    conn: &mut crate::platform::db::AnyConnection,
    mail: &OutgoingMail,
) -> Result<(), AppError> {
    Jobs::enqueue_in(conn, &Task::SendMail(mail.clone()))
        .await
        .map(drop)
}

/// Mails a fresh single-use link to `path?token=…`: the user's older unused links of the
/// same purpose are retired, the new token is stored hashed, and the mail is queued in the
/// same transaction.
pub(super) async fn mail_token_link(
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
pub(super) fn greeting<'a>(user: &'a UserRow, fallback: &'a str) -> &'a str {
    if user.full_name.is_empty() {
        fallback
    } else {
        &user.full_name
    }
}

pub(super) fn expired_link() -> AppError {
    AppError::validation(
        "token",
        "this link has expired or was already used; ask for a new one",
    )
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
            staff_role: None,
            email_verified_at: Some(crate::platform::db::now_ms()),
        },
    )
    .await?;
    tracing::info!(user_id = %id, "admin created");
    Ok(id)
}
