//! Staff management (admins only): invitations, roles, deactivation. Staff are users with
//! the `staff` or `admin` role; an invitation creates the account without a usable
//! password and mails a link to choose one.

use super::db::{self, NewUser, Purpose, UserRow};
use super::email::Email;
use super::mail as templates;
use super::model::{Role, StaffMember};
use super::{password, service, token};
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

#[derive(sqlx::FromRow)]
struct StaffRow {
    id: String,
    email: String,
    full_name: String,
    role: String,
    status: String,
    email_verified_at: Option<i64>,
    totp_enabled_at: Option<i64>,
    created_at: i64,
}

/// Every staff member and admin, and deactivated ones.
pub async fn list(state: &AppState) -> Result<Vec<StaffMember>, AppError> {
    let rows: Vec<StaffRow> = sqlx::query_as(
        "select id, email, full_name, role, status, email_verified_at, totp_enabled_at, created_at \
         from users where role in ('staff', 'admin') and status <> 'deleted' order by role, email",
    )
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffMember {
            role: Role::parse(&r.role).unwrap_or(Role::Staff),
            active: r.status == "active",
            invited: r.email_verified_at.is_none(),
            two_factor: r.totp_enabled_at.is_some(),
            id: r.id,
            email: r.email,
            full_name: r.full_name,
            created_at: r.created_at,
        })
        .collect())
}

/// Invites `email` as `role`. A new address gets an account and an invitation link; a
/// verified customer (who proved the address is theirs) is promoted at once. An
/// unverified account proves nothing — anyone may register someone else's address — so
/// it is taken over by the invitation: its password is voided, its sessions end, and only
/// the person who follows the mailed link chooses the password.
#[tracing::instrument(skip_all, fields(by = %admin.id))]
pub async fn invite(
    state: &AppState,
    admin: &UserRow,
    raw_email: &str,
    role: Role,
) -> Result<String, AppError> {
    if !role.is_staff() {
        return Err(AppError::validation("role", "choose staff or admin"));
    }
    let email = Email::parse(raw_email).map_err(|m| AppError::validation("email", m))?;
    let store = crate::settings::db::storefront(&state.db).await?.name;
    let inviter = if admin.full_name.is_empty() {
        admin.email.clone()
    } else {
        admin.full_name.clone()
    };
    let existing = db::by_email(&state.db, &email.normalized()).await?;
    if let Some(existing) = &existing {
        if existing.role().is_staff() {
            return Err(AppError::Conflict(format!(
                "{} is already on the team",
                existing.email
            )));
        }
        if existing.email_verified_at.is_some() {
            set_role(state, admin, &existing.id, role).await?;
            return Ok(format!(
                "{} already had an account and is now {}.",
                existing.email,
                role.label().to_lowercase()
            ));
        }
    }
    let raw = token::generate();
    let mut tx = state.db.begin_write().await?;
    let id = match &existing {
        Some(unverified) => {
            // Conditional on still being unverified: a verification that lands in between
            // wins, and the invitation is refused rather than voiding a real password.
            let taken = sqlx::query(
                "update users set role = $1, password_hash = '!', session_epoch = session_epoch + 1, \
                 updated_at = $2 where id = $3 and email_verified_at is null and role = 'customer'",
            )
            .bind(role.as_str())
            .bind(now_ms())
            .bind(&unverified.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !taken {
                return Err(AppError::Conflict(
                    "that account changed just now; try the invitation again".into(),
                ));
            }
            db::retire_tokens(&mut tx, &unverified.id, Purpose::VerifyEmail).await?;
            sqlx::query("delete from refresh_tokens where user_id = $1")
                .bind(&unverified.id)
                .execute(&mut *tx)
                .await?;
            tracing::info!(user_id = %unverified.id, "unverified account taken over by an invitation");
            unverified.id.clone()
        }
        None => {
            let id = crate::platform::ids::new_id();
            db::insert(
                &mut tx,
                &NewUser {
                    id: &id,
                    email: email.as_str(),
                    email_normalized: &email.normalized(),
                    password_hash: "!",
                    full_name: "",
                    role,
                    email_verified_at: None,
                },
            )
            .await?;
            id
        }
    };
    db::insert_token(
        &mut tx,
        &token::digest(&raw),
        &id,
        Purpose::StaffInvite,
        None,
        service::INVITE_TTL_MS,
    )
    .await?;
    let url = service::link(state, &format!("account/invite?token={raw}"));
    let mail = templates::staff_invite(&store, email.as_str(), &inviter, role.label(), &url);
    crate::platform::jobs::Jobs::enqueue_in(&mut tx, &crate::platform::jobs::Task::SendMail(mail))
        .await?;
    tx.commit().await?;
    state.jobs.notify();
    tracing::info!(user_id = %id, role = role.as_str(), "staff invited");
    Ok(format!("Invitation sent to {}.", email))
}

/// Accepts an invitation: name and password set, email verified (the link proved it).
pub async fn accept(
    state: &AppState,
    raw_token: &str,
    full_name: &str,
    new_password: &str,
) -> Result<UserRow, AppError> {
    password::validate(new_password, "password")?;
    let hash = password::hash(new_password.to_owned()).await?;
    let mut tx = state.db.begin_write().await?;
    let Some((user_id, _)) =
        db::redeem_token(&mut tx, &token::digest(raw_token), Purpose::StaffInvite).await?
    else {
        return Err(AppError::validation(
            "token",
            "this invitation has expired or was already used; ask an admin for a new one",
        ));
    };
    db::set_password(&mut tx, &user_id, &hash).await?;
    db::mark_verified(&mut tx, &user_id).await?;
    sqlx::query("update users set full_name = $1 where id = $2")
        .bind(full_name.trim())
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db::by_id(&state.db, &user_id)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// How many active admins there are (the last one cannot step down or be deactivated).
async fn active_admins(state: &AppState) -> Result<i64, AppError> {
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from users where role = 'admin' and status = 'active'")
            .fetch_one(state.db.pool())
            .await?;
    Ok(n)
}

async fn target(state: &AppState, user_id: &str) -> Result<UserRow, AppError> {
    db::by_id(&state.db, user_id)
        .await?
        .filter(|u| u.status != "deleted")
        .ok_or_else(|| AppError::NotFound("team member".into()))
}

/// Changes a user's role; their sessions end so the new role applies at once.
pub async fn set_role(
    state: &AppState,
    admin: &UserRow,
    user_id: &str,
    role: Role,
) -> Result<(), AppError> {
    let user = target(state, user_id).await?;
    if user.role() == Role::Admin && role != Role::Admin && active_admins(state).await? <= 1 {
        return Err(AppError::validation(
            "role",
            "the store needs at least one admin; make someone else admin first",
        ));
    }
    sqlx::query("update users set role = $1, session_epoch = session_epoch + 1, updated_at = $2 where id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(&user.id)
        .execute(state.db.pool())
        .await?;
    tracing::info!(by = %admin.id, user_id = %user.id, role = role.as_str(), "role changed");
    Ok(())
}

/// Deactivates (every session ends, sign-in refused) or reactivates a team member.
pub async fn set_active(
    state: &AppState,
    admin: &UserRow,
    user_id: &str,
    active: bool,
) -> Result<(), AppError> {
    let user = target(state, user_id).await?;
    if !active && user.id == admin.id {
        return Err(AppError::validation(
            "user",
            "you cannot deactivate yourself",
        ));
    }
    if !active && user.role() == Role::Admin && active_admins(state).await? <= 1 {
        return Err(AppError::validation(
            "user",
            "the store needs at least one active admin",
        ));
    }
    sqlx::query("update users set status = $1, session_epoch = session_epoch + 1, updated_at = $2 where id = $3 and status <> 'deleted'")
        .bind(if active { "active" } else { "deactivated" })
        .bind(now_ms())
        .bind(&user.id)
        .execute(state.db.pool())
        .await?;
    tracing::info!(by = %admin.id, user_id = %user.id, active, "staff status changed");
    Ok(())
}
