//! Who is signed in, kept in the server-side session. The session stores the user id, the
//! user's session epoch at sign-in and two times; the user row is read on each request, so
//! a deactivated account, a password change or "log out everywhere" (each moves the
//! epoch) ends every other session at once, whichever store holds them (SQL or Redis).

use super::db::{self, UserRow};
use super::model::CurrentUser;
use super::permissions::Permission;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const AUTH: &str = "auth";
const PENDING_2FA: &str = "pending_2fa";

/// Signed out after this long without a request…
const IDLE_MS: i64 = 7 * 24 * 3600 * 1000;
const STAFF_IDLE_MS: i64 = 8 * 3600 * 1000;
/// …and after this long whatever happens.
const ABSOLUTE_MS: i64 = 30 * 24 * 3600 * 1000;
const STAFF_ABSOLUTE_MS: i64 = 24 * 3600 * 1000;
/// How stale `seen_at` may get before it is written again (saves a write per request).
const TOUCH_MS: i64 = 60 * 1000;
/// A password checked, the second factor not yet: valid this long.
const PENDING_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Auth {
    user_id: String,
    epoch: i64,
    login_at: i64,
    seen_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    user_id: String,
    epoch: i64,
    at: i64,
}

/// Signs `user` in: a new session id (no fixation), then the auth record. Edges sign in
/// through `accounts::edge::sign_in`, which also brings the guest cart along.
pub async fn sign_in(session: &Session, user: &UserRow) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::from)?;
    session
        .remove_value(PENDING_2FA)
        .await
        .map_err(AppError::from)?;
    let now = now_ms();
    let auth = Auth {
        user_id: user.id.clone(),
        epoch: user.session_epoch,
        login_at: now,
        seen_at: now,
    };
    session.insert(AUTH, auth).await.map_err(AppError::from)?;
    // Written now, not at the end of the response: the new id must exist before the
    // cookie naming it reaches the browser.
    session.save().await.map_err(AppError::from)
}

/// Keeps this session signed in after the user's epoch moved (their own password change).
pub async fn restamp(session: &Session, epoch: i64) -> Result<(), AppError> {
    if let Some(mut auth) = session.get::<Auth>(AUTH).await.map_err(AppError::from)? {
        auth.epoch = epoch;
        session.cycle_id().await.map_err(AppError::from)?;
        session.insert(AUTH, auth).await.map_err(AppError::from)?;
    }
    Ok(())
}

/// Ends the session on the server (the row is deleted) and in the browser.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(AppError::from)
}

/// The signed-in user, or `None` (never signed in, timed out, ended elsewhere, deactivated).
pub async fn current(db: &Db, session: &Session) -> Result<Option<UserRow>, AppError> {
    let Some(mut auth) = session.get::<Auth>(AUTH).await.map_err(AppError::from)? else {
        return Ok(None);
    };
    let user = db::by_id(db, &auth.user_id).await?;
    let now = now_ms();
    let valid = user.as_ref().filter(|user| still_valid(user, &auth, now));
    let Some(user) = valid else {
        session.remove_value(AUTH).await.map_err(AppError::from)?;
        return Ok(None);
    };
    if now - auth.seen_at > TOUCH_MS {
        auth.seen_at = now;
        session.insert(AUTH, auth).await.map_err(AppError::from)?;
    }
    Ok(Some(user.clone()))
}

/// Whether a sign-in still holds at `now`: the account is active, nothing ended its
/// sessions since (the epoch), and neither timeout has passed.
fn still_valid(user: &UserRow, auth: &Auth, now: i64) -> bool {
    let (idle, absolute) = if user.role().is_staff() {
        (STAFF_IDLE_MS, STAFF_ABSOLUTE_MS)
    } else {
        (IDLE_MS, ABSOLUTE_MS)
    };
    user.is_active()
        && user.session_epoch == auth.epoch
        && now - auth.seen_at <= idle
        && now - auth.login_at <= absolute
}

/// The signed-in user, or `Unauthorized`.
pub async fn require(db: &Db, session: &Session) -> Result<UserRow, AppError> {
    current(db, session).await?.ok_or(AppError::Unauthorized)
}

/// A staff member who owes no second factor (any permission): for what every member of
/// the team sees, such as the dashboard's frame.
pub async fn require_staff(db: &Db, session: &Session) -> Result<UserRow, AppError> {
    let user = require(db, session).await?;
    user.staff_access()?;
    Ok(user)
}

/// A staff member holding `permission` (else 401, 403, or 403 asking for two-factor
/// when they hold a permission that needs it). The one check of every staff server
/// function (through `accounts::edge::allowed`), REST route and export.
pub async fn require_permission(
    db: &Db,
    session: &Session,
    permission: Permission,
) -> Result<UserRow, AppError> {
    let user = require_staff(db, session).await?;
    if user.can(permission) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Remembers that `user` passed the password step and owes a TOTP code.
pub async fn begin_two_factor(session: &Session, user: &UserRow) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::from)?;
    let pending = Pending {
        user_id: user.id.clone(),
        epoch: user.session_epoch,
        at: now_ms(),
    };
    session
        .insert(PENDING_2FA, pending)
        .await
        .map_err(AppError::from)
}

/// The user waiting for their second factor, if the step is still fresh.
pub async fn pending_two_factor(db: &Db, session: &Session) -> Result<Option<UserRow>, AppError> {
    let Some(pending) = session
        .get::<Pending>(PENDING_2FA)
        .await
        .map_err(AppError::from)?
    else {
        return Ok(None);
    };
    if now_ms() - pending.at > PENDING_MS {
        session
            .remove_value(PENDING_2FA)
            .await
            .map_err(AppError::from)?;
        return Ok(None);
    }
    Ok(db::by_id(db, &pending.user_id)
        .await?
        .filter(|u| u.is_active() && u.session_epoch == pending.epoch))
}

/// The current user as pages see them.
pub async fn current_user(db: &Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    Ok(current(db, session).await?.map(|u| u.to_current()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600 * 1000;
    const DAY: i64 = 24 * HOUR;

    fn user(role: &str) -> UserRow {
        UserRow {
            id: "u".into(),
            email: "a@example.com".into(),
            password_hash: String::new(),
            full_name: String::new(),
            role: role.into(),
            status: "active".into(),
            email_verified_at: Some(0),
            session_epoch: 3,
            totp_secret: None,
            totp_enabled_at: None,
            avatar: None,
            created_at: 0,
            staff_role: None,
            role_permissions: None,
        }
    }

    fn auth(login_at: i64, seen_at: i64) -> Auth {
        Auth {
            user_id: "u".into(),
            epoch: 3,
            login_at,
            seen_at,
        }
    }

    #[test]
    fn customers_time_out_after_a_week_idle_or_a_month_in_all() {
        let customer = user("customer");
        assert!(still_valid(&customer, &auth(0, 0), 6 * DAY));
        assert!(!still_valid(&customer, &auth(0, 0), 8 * DAY), "idle");
        assert!(still_valid(&customer, &auth(0, 29 * DAY), 30 * DAY));
        assert!(
            !still_valid(&customer, &auth(0, 30 * DAY), 31 * DAY),
            "absolute"
        );
    }

    #[test]
    fn staff_time_out_after_eight_hours_idle_or_a_day_in_all() {
        for role in ["staff", "admin"] {
            let member = user(role);
            assert!(still_valid(&member, &auth(0, 0), 7 * HOUR));
            assert!(!still_valid(&member, &auth(0, 0), 9 * HOUR), "{role} idle");
            assert!(
                !still_valid(&member, &auth(0, 23 * HOUR), 25 * HOUR),
                "{role} absolute"
            );
        }
    }

    #[test]
    fn a_moved_epoch_or_an_inactive_account_ends_the_session() {
        let mut moved = user("customer");
        moved.session_epoch = 4;
        assert!(!still_valid(&moved, &auth(0, 0), HOUR));
        let mut off = user("customer");
        off.status = "deactivated".into();
        assert!(!still_valid(&off, &auth(0, 0), HOUR));
    }
}
