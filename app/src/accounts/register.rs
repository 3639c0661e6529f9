//! Registration and the email address's confirmation: the account is made unverified,
//! the mail sent (or an "account exists" mail, so the answer never tells who has one),
//! and the link confirms it.

use super::db::{self, NewUser, Purpose, UserRow};
use super::mail as templates;
use super::model::Role;
use super::service::clean_name;
use super::service::expired_link;
use super::service::greeting;
use super::service::link;
use super::service::mail_token_link;
use super::service::parse_email;
use super::service::queue_mail;
use super::service::store_name;
use super::service::VERIFY_TTL_MS;
use super::{password, token};
use crate::platform::error::AppError;
use crate::platform::state::AppState;

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
            staff_role: None,
            email_verified_at: None,
        },
    )
    .await;
    match created {
        Ok(()) => {
            let customer = serde_json::json!({
                "id": id, "email": email.as_str(), "full_name": full_name,
                "created_at": crate::platform::db::now_ms(),
            });
            crate::integrations::webhooks::emit(&mut tx, "customer.created", customer).await?;
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

pub(super) async fn resend_verification(state: &AppState, user: &UserRow) -> Result<(), AppError> {
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
