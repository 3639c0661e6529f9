//! Queries on `users` and `user_tokens`.

use super::model::{CurrentUser, Role};
use super::permissions::Permission;
use crate::platform::db::AnyConnection;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;

/// Where avatars are served from; the stored value is the file name under it.
pub const AVATAR_URL_PREFIX: &str = "/media/avatars/";

/// A user row as the service layer needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: String,
    pub status: String,
    pub email_verified_at: Option<i64>,
    pub session_epoch: i64,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<i64>,
    pub avatar: Option<String>,
    pub created_at: i64,
    /// The staff role's key (`staff_roles`), for staff.
    pub staff_role: Option<String>,
    /// That role's permissions as stored (read with the user, in the same statement).
    pub role_permissions: Option<String>,
}

const COLUMNS: &str = "id, email, password_hash, full_name, role, status, email_verified_at, \
                       session_epoch, totp_secret, totp_enabled_at, avatar, created_at, staff_role, \
                       (select permissions from staff_roles where staff_roles.key = users.staff_role) \
                       as role_permissions";

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Customer)
    }

    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    pub fn has_two_factor(&self) -> bool {
        self.totp_enabled_at.is_some() && self.totp_secret.is_some()
    }

    /// What the account may do in the admin: owners (`admin`) everything, staff their
    /// role's permissions, customers nothing.
    pub fn permissions(&self) -> Vec<Permission> {
        match self.role() {
            Role::Customer => Vec::new(),
            Role::Admin => Permission::ALL.to_vec(),
            Role::Staff => Permission::parse_list(self.role_permissions.as_deref().unwrap_or("")),
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Whether the account holds a permission that needs two-factor and has not turned
    /// it on: it may then do nothing in the admin but set it up.
    pub fn owes_two_factor(&self) -> bool {
        !self.has_two_factor() && self.permissions().iter().any(|p| p.needs_two_factor())
    }

    /// Whether the account may use the admin: staff who owe no second factor.
    pub fn staff_access(&self) -> Result<(), AppError> {
        if !self.role().is_staff() {
            Err(AppError::Forbidden)
        } else if self.owes_two_factor() {
            Err(AppError::TwoFactorRequired)
        } else {
            Ok(())
        }
    }

    /// The staff role's key: `owner` for the admin kind.
    pub fn role_key(&self) -> Option<String> {
        match self.role() {
            Role::Customer => None,
            Role::Admin => Some(super::permissions::OWNER.to_owned()),
            Role::Staff => self.staff_role.clone(),
        }
    }

    pub fn to_current(&self) -> CurrentUser {
        CurrentUser {
            id: self.id.clone(),
            email: self.email.clone(),
            full_name: self.full_name.clone(),
            role: self.role(),
            email_verified: self.email_verified_at.is_some(),
            two_factor: self.has_two_factor(),
            permissions: self.permissions(),
            role_key: self.role_key(),
            avatar_url: self
                .avatar
                .as_ref()
                .map(|name| format!("{}{name}", AVATAR_URL_PREFIX)),
            created_at: self.created_at,
        }
    }
}

/// A live (not deleted) user by normalised email.
pub async fn by_email(db: &Db, normalized: &str) -> Result<Option<UserRow>, AppError> {
    let sql =
        format!("select {COLUMNS} from users where email_normalized = $1 and status <> 'deleted'");
    Ok(sqlx::query_as(&sql)
        .bind(normalized)
        .fetch_optional(db.pool())
        .await?)
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<UserRow>, AppError> {
    let sql = format!("select {COLUMNS} from users where id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// The fields of a new user.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    /// The staff role's key; admins are always `owner`.
    pub staff_role: Option<&'a str>,
    pub email_verified_at: Option<i64>,
}

/// Inserts a user; an email already in use is a `Conflict`.
pub async fn insert(conn: &mut AnyConnection, user: &NewUser<'_>) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "insert into users (id, email, email_normalized, password_hash, full_name, role, status, \
         email_verified_at, session_epoch, created_at, updated_at, staff_role) \
         values ($1, $2, $3, $4, $5, $6, 'active', $7, 0, $8, $8, $9)",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.email_normalized)
    .bind(user.password_hash)
    .bind(user.full_name)
    .bind(user.role.as_str())
    .bind(user.email_verified_at)
    .bind(now)
    .bind(match user.role {
        Role::Admin => Some(super::permissions::OWNER),
        Role::Staff => user.staff_role,
        Role::Customer => None,
    })
    .execute(conn)
    .await
    .map_err(|e| crate::platform::db::on_unique(e, "an account with this email already exists"))?;
    Ok(())
}

/// Sets a new password hash and ends every session of the user (the epoch moves on).
/// Returns the new epoch.
pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: &str,
    hash: &str,
) -> Result<i64, AppError> {
    let (epoch,): (i64,) = sqlx::query_as(
        "update users set password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2 \
         where id = $3 returning session_epoch",
    )
    .bind(hash)
    .bind(now_ms())
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(epoch)
}

/// Ends every session of the user; returns the new epoch.
pub async fn bump_epoch(db: &Db, user_id: &str) -> Result<i64, AppError> {
    let (epoch,): (i64,) = sqlx::query_as(
        "update users set session_epoch = session_epoch + 1, updated_at = $1 where id = $2 \
         returning session_epoch",
    )
    .bind(now_ms())
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(epoch)
}

pub async fn mark_verified(conn: &mut AnyConnection, user_id: &str) -> Result<bool, AppError> {
    let now = now_ms();
    let done = sqlx::query(
        "update users set email_verified_at = $1, updated_at = $1 where id = $2 and email_verified_at is null",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_email(
    conn: &mut AnyConnection,
    user_id: &str,
    email: &str,
    normalized: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "update users set email = $1, email_normalized = $2, email_verified_at = $3, updated_at = $3 where id = $4",
    )
    .bind(email)
    .bind(normalized)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await
    .map_err(|e| crate::platform::db::on_unique(e, "an account with this email already exists"))?;
    Ok(())
}

pub async fn set_profile(db: &Db, user_id: &str, full_name: &str) -> Result<(), AppError> {
    sqlx::query("update users set full_name = $1, updated_at = $2 where id = $3")
        .bind(full_name)
        .bind(now_ms())
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Soft delete: the row stays (orders keep pointing at it), everything personal goes,
/// the email is freed, every session and token ends.
pub async fn scrub(conn: &mut AnyConnection, user_id: &str) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "update users set email = '', email_normalized = $1, password_hash = '!', full_name = '', \
         avatar = null, status = 'deleted', totp_secret = null, totp_enabled_at = null, \
         session_epoch = session_epoch + 1, deleted_at = $2, updated_at = $2 where id = $3",
    )
    .bind(format!("deleted:{user_id}"))
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    for table in [
        "addresses",
        "user_tokens",
        "recovery_codes",
        "refresh_tokens",
    ] {
        sqlx::query(&format!("delete from {table} where user_id = $1"))
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Why a token was mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
    StaffInvite,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::ChangeEmail => "change_email",
            Self::StaffInvite => "staff_invite",
        }
    }
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: &str,
    purpose: Purpose,
    data: Option<&str>,
    ttl_ms: i64,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "insert into user_tokens (token_hash, user_id, purpose, data, expires_at, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(data)
    .bind(now + ttl_ms)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses up a token: one conditional update, so of any number of concurrent redemptions
/// exactly one gets the row. Returns the user id and the token's data.
pub async fn redeem_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    purpose: Purpose,
) -> Result<Option<(String, Option<String>)>, AppError> {
    Ok(sqlx::query_as(
        "update user_tokens set used_at = $1 \
         where token_hash = $2 and purpose = $3 and used_at is null and expires_at > $1 \
         returning user_id, data",
    )
    .bind(now_ms())
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await?)
}

/// Whether a token would be accepted now (for showing the form behind a link).
pub async fn token_is_live(db: &Db, token_hash: &str, purpose: Purpose) -> Result<bool, AppError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "select 1 from user_tokens where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// Retires a user's unused tokens of one purpose (a newer link replaces older ones).
pub async fn retire_tokens(
    conn: &mut AnyConnection,
    user_id: &str,
    purpose: Purpose,
) -> Result<(), AppError> {
    sqlx::query("update user_tokens set used_at = $1 where user_id = $2 and purpose = $3 and used_at is null")
        .bind(now_ms())
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
