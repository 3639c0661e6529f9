//! REST API tokens. Access tokens are JWTs (HS256 only, 1 hour) carrying the user id and
//! their session epoch, so a password change or "log out everywhere" voids them too.
//! Refresh tokens are random, stored hashed, live 7 days and are rotated on every use;
//! presenting one that was already used revokes its whole family (the login it came from).
//! Each also remembers the user's session epoch: after a password change or reset, "log
//! out everywhere", a role change, deactivation or deletion, it is refused (and its family
//! revoked) like the access tokens.

use super::db::{self as users, UserRow};
use super::token;
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ACCESS_TTL_SECS: i64 = 3600;
pub const REFRESH_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
pub const AUDIENCE: &str = "oxcart-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// The user's session epoch when the token was made.
    pub epoch: i64,
}

/// What a login or refresh returns.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
}

fn issuer(state: &AppState) -> String {
    state.config.public_url.origin().ascii_serialization()
}

pub fn issue_access(state: &AppState, user: &UserRow) -> Result<String, AppError> {
    let now = now_ms() / 1000;
    let claims = Claims {
        sub: user.id.clone(),
        iss: issuer(state),
        aud: AUDIENCE.to_owned(),
        iat: now,
        exp: now + ACCESS_TTL_SECS,
        epoch: user.session_epoch,
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&state.config.jwt_secret),
    )
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("signing a token")))
}

/// The user a bearer token speaks for. Anything wrong (another algorithm or `none`, bad
/// signature, expired, wrong issuer or audience, missing claims, a moved epoch, an
/// inactive account) is `Unauthorized`, with no detail for the caller.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<UserRow, AppError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    validation.set_issuer(&[issuer(state)]);
    validation.set_audience(&[AUDIENCE]);
    validation.leeway = 5;
    let data = decode::<Claims>(
        bearer,
        &DecodingKey::from_secret(&state.config.jwt_secret),
        &validation,
    )
    .map_err(|e| {
        tracing::info!(reason = %e, "bearer token refused");
        AppError::Unauthorized
    })?;
    let user = users::by_id(&state.db, &data.claims.sub)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !user.is_active() || user.session_epoch != data.claims.epoch {
        return Err(AppError::Unauthorized);
    }
    Ok(user)
}

/// A new access token and a refresh token starting a new family.
pub async fn start(state: &AppState, user: &UserRow) -> Result<TokenPair, AppError> {
    let family = crate::platform::ids::new_id();
    let refresh = insert_refresh(state, &family, user).await?;
    Ok(TokenPair {
        access_token: issue_access(state, user)?,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECS,
        refresh_token: refresh,
    })
}

async fn insert_refresh(
    state: &AppState,
    family: &str,
    user: &UserRow,
) -> Result<String, AppError> {
    let raw = token::generate();
    let now = now_ms();
    sqlx::query(
        "insert into refresh_tokens (token_hash, family_id, user_id, epoch, expires_at, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token::digest(&raw))
    .bind(family)
    .bind(&user.id)
    .bind(user.session_epoch)
    .bind(now + REFRESH_TTL_MS)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    Ok(raw)
}

async fn revoke_family(state: &AppState, family: &str) -> Result<(), AppError> {
    sqlx::query(
        "update refresh_tokens set revoked_at = $1 where family_id = $2 and revoked_at is null",
    )
    .bind(now_ms())
    .bind(family)
    .execute(state.db.pool())
    .await?;
    Ok(())
}

/// family, user, epoch, expires_at, used_at, revoked_at
type RefreshRow = (String, String, Option<i64>, i64, Option<i64>, Option<i64>);

/// Rotates a refresh token: the presented one is used up, a new one of the same family
/// comes back with a new access token. Reuse of a used token revokes the family.
pub async fn refresh(state: &AppState, raw: &str) -> Result<TokenPair, AppError> {
    let hash = token::digest(raw);
    let row: Option<RefreshRow> = sqlx::query_as(
        "select family_id, user_id, epoch, expires_at, used_at, revoked_at from refresh_tokens \
         where token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(state.db.pool())
    .await?;
    let Some((family, user_id, epoch, expires_at, used_at, revoked_at)) = row else {
        return Err(AppError::Unauthorized);
    };
    if revoked_at.is_some() || expires_at <= now_ms() {
        return Err(AppError::Unauthorized);
    }
    if used_at.is_some() {
        tracing::warn!(%user_id, "refresh token reused: revoking its family");
        revoke_family(state, &family).await?;
        return Err(AppError::Unauthorized);
    }
    let claimed = sqlx::query(
        "update refresh_tokens set used_at = $1 where token_hash = $2 and used_at is null and revoked_at is null",
    )
    .bind(now_ms())
    .bind(&hash)
    .execute(state.db.pool())
    .await?;
    if claimed.rows_affected() != 1 {
        // Two uses at once: one of them is not the rightful holder.
        revoke_family(state, &family).await?;
        return Err(AppError::Unauthorized);
    }
    let user = users::by_id(&state.db, &user_id)
        .await?
        .filter(|u| u.is_active() && Some(u.session_epoch) == epoch);
    let Some(user) = user else {
        // Every session of the account ended since this login: so does the login.
        revoke_family(state, &family).await?;
        return Err(AppError::Unauthorized);
    };
    let refresh = insert_refresh(state, &family, &user).await?;
    Ok(TokenPair {
        access_token: issue_access(state, &user)?,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECS,
        refresh_token: refresh,
    })
}

/// Ends the login a refresh token belongs to.
pub async fn logout(state: &AppState, raw: &str) -> Result<(), AppError> {
    let family: Option<(String,)> =
        sqlx::query_as("select family_id from refresh_tokens where token_hash = $1")
            .bind(token::digest(raw))
            .fetch_optional(state.db.pool())
            .await?;
    match family {
        Some((family,)) => revoke_family(state, &family).await,
        None => Err(AppError::Unauthorized),
    }
}
