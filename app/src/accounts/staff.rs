//! Team management (`staff.manage`): invitations, roles, deactivation. Staff are users of
//! the `staff` kind with a role of `staff_roles`, or owners (the `admin` kind); an
//! invitation creates the account without a usable password and mails a link to choose
//! one. Every change is audited in its transaction.

use super::db::{self, NewUser, Purpose, UserRow};
use super::email::Email;
use super::mail as templates;
use super::model::{Role, StaffMember};
use super::roles;
use super::{password, service, token};
use crate::audit::log::{record, Change};
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

#[derive(sqlx::FromRow)]
struct StaffRow {
    id: String,
    email: String,
    full_name: String,
    role: String,
    role_key: String,
    role_name: String,
    status: String,
    email_verified_at: Option<i64>,
    totp_enabled_at: Option<i64>,
    created_at: i64,
}

/// Every staff member and admin, and deactivated ones.
pub async fn list(state: &AppState) -> Result<Vec<StaffMember>, AppError> {
    let rows: Vec<StaffRow> = sqlx::query_as(
        "select u.id, u.email, u.full_name, u.role, coalesce(r.key, '') as role_key, \
           coalesce(r.name, '') as role_name, u.status, u.email_verified_at, u.totp_enabled_at, u.created_at \
         from users u left join staff_roles r on r.key = u.staff_role \
         where u.role in ('staff', 'admin') and u.status <> 'deleted' order by u.role, u.email",
    )
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffMember {
            role: Role::parse(&r.role).unwrap_or(Role::Staff),
            role_key: r.role_key,
            role_name: r.role_name,
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

/// Invites `email` with the role `role_key`. A new address gets an account and an invitation link; a
/// verified customer (who proved the address is theirs) is promoted at once. An
/// unverified account proves nothing — anyone may register someone else's address — so
/// it is taken over by the invitation: its password is voided, its sessions end, and only
/// the person who follows the mailed link chooses the password.
#[tracing::instrument(skip_all, fields(by = %admin.id))]
pub async fn invite(
    state: &AppState,
    admin: &UserRow,
    raw_email: &str,
    role_key: &str,
) -> Result<String, AppError> {
    let (role, role_key) = {
        let mut conn = state.db.pool().acquire().await?;
        roles::resolve(&mut conn, role_key).await?
    };
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
            set_role(state, admin, &existing.id, &role_key).await?;
            return Ok(format!(
                "{} already had an account and is now on the team.",
                existing.email
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
                 updated_at = $2, staff_role = $4 where id = $3 and email_verified_at is null and role = 'customer'",
            )
            .bind(role.as_str())
            .bind(now_ms())
            .bind(&unverified.id)
            .bind(&role_key)
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
                    staff_role: Some(&role_key),
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
    let role_name = role_name(&mut tx, &role_key).await?;
    let mail = templates::staff_invite(&store, email.as_str(), &inviter, &role_name, &url);
    record(
        &mut tx,
        Some(&admin.id),
        Change::new("staff.invite", "staff", &id)
            .summary(format!("{} invited as {role_name}", email.as_str()))
            .after(&serde_json::json!({"email": email.as_str(), "role": role_key})),
    )
    .await?;
    crate::platform::jobs::Jobs::enqueue_in(&mut tx, &crate::platform::jobs::Task::SendMail(mail))
        .await?;
    tx.commit().await?;
    state.jobs.notify();
    tracing::info!(user_id = %id, role = %role_key, "staff invited");
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

async fn role_name(
    conn: &mut crate::platform::db::AnyConnection,
    key: &str,
) -> Result<String, AppError> {
    let row: Option<(String,)> = sqlx::query_as("select name from staff_roles where key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(row.map_or_else(|| key.to_owned(), |(name,)| name))
}

/// Gives a user the role `role_key`; their sessions end so the new role applies at once.
pub async fn set_role(
    state: &AppState,
    admin: &UserRow,
    user_id: &str,
    role_key: &str,
) -> Result<(), AppError> {
    let user = target(state, user_id).await?;
    let mut tx = state.db.begin_write().await?;
    let (role, key) = roles::resolve(&mut tx, role_key).await?;
    if user.role() == Role::Admin && role != Role::Admin && active_admins(state).await? <= 1 {
        return Err(AppError::validation(
            "role",
            "the store needs at least one owner; make someone else owner first",
        ));
    }
    sqlx::query("update users set role = $1, staff_role = $4, session_epoch = session_epoch + 1, updated_at = $2 where id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(&user.id)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    let before = user
        .role_key()
        .unwrap_or_else(|| user.role().as_str().to_owned());
    let name = role_name(&mut tx, &key).await?;
    record(
        &mut tx,
        Some(&admin.id),
        Change::new("staff.role", "staff", &user.id)
            .summary(format!("{} is now {name}", user.email))
            .before(&serde_json::json!({"role": before}))
            .after(&serde_json::json!({"role": key})),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(by = %admin.id, user_id = %user.id, role = %key, "role changed");
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
            "the store needs at least one active owner",
        ));
    }
    let status = if active { "active" } else { "deactivated" };
    let mut tx = state.db.begin_write().await?;
    sqlx::query("update users set status = $1, session_epoch = session_epoch + 1, updated_at = $2 where id = $3 and status <> 'deleted'")
        .bind(status)
        .bind(now_ms())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from refresh_tokens where user_id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        Some(&admin.id),
        Change::new(
            if active {
                "staff.reactivate"
            } else {
                "staff.deactivate"
            },
            "staff",
            &user.id,
        )
        .summary(format!(
            "{} {}",
            user.email,
            if active { "reactivated" } else { "deactivated" }
        ))
        .before(&serde_json::json!({"status": user.status}))
        .after(&serde_json::json!({"status": status})),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(by = %admin.id, user_id = %user.id, active, "staff status changed");
    Ok(())
}
