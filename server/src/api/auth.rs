//! `/api/v1/auth/*` and `/api/v1/users/me`: registration, JWT sign-in, refresh and
//! sign-out, and the signed-in person's profile. The gate counts every auth request in
//! the authentication group (10/min per address).

use super::caller::Caller;
use super::openapi::{Failure, Message, Success};
use super::{ok, Body};
use app::accounts::jwt::TokenPair;
use app::accounts::model::CurrentUser;
use app::accounts::{avatar, jwt, profile, register, signin};
use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "POST", "/api/v1/auth/register", post(register));
    let r = add(r, "POST", "/api/v1/auth/login", post(login));
    let r = add(r, "POST", "/api/v1/auth/refresh", post(refresh));
    let r = add(r, "POST", "/api/v1/auth/logout", post(logout));
    let r = add(
        r,
        "GET,PUT,DELETE",
        "/api/v1/users/me",
        get(me).put(update_me).delete(delete_me),
    );
    r.with_state(state)
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    #[schema(format = Email, max_length = 254)]
    email: String,
    /// 8–128 characters, not a commonly used password.
    #[schema(min_length = 8, max_length = 128)]
    password: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    full_name: String,
}

/// Answers 202 whether or not the address already has an account (the specification's
/// 201 with the new user would tell anyone which addresses are customers here); the mail
/// says which it was.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterBody,
    responses(
        (status = 202, description = "A confirmation link was mailed", body = Success<Message>),
        (status = 400, description = "Invalid email or weak password", body = Failure),
        (status = 429, description = "Too many requests from this address", body = Failure)))]
pub async fn register(
    State(state): State<AppState>,
    Body(body): Body<RegisterBody>,
) -> Result<Response, AppError> {
    register::register(
        &state,
        register::Registration {
            email: &body.email,
            password: &body.password,
            full_name: &body.full_name,
        },
    )
    .await?;
    Ok(ok(
        StatusCode::ACCEPTED,
        Message::new(
            "Check your inbox: follow the link we sent to confirm the address, then log in.",
        ),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

/// Tokens and the user they belong to.
#[derive(Serialize, ToSchema)]
pub struct Login {
    #[serde(flatten)]
    tokens: TokenPair,
    user: CurrentUser,
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = Success<Login>),
        (status = 400, description = "Malformed body, or an account with two-factor (sign in on the website)", body = Failure),
        (status = 401, description = "Wrong email or password", body = Failure),
        (status = 403, description = "Email address not confirmed yet", body = Failure),
        (status = 429, description = "Too many attempts", body = Failure)))]
pub async fn login(
    State(state): State<AppState>,
    Body(body): Body<LoginBody>,
) -> Result<Response, AppError> {
    let user = match signin::authenticate(&state, &body.email, &body.password).await? {
        signin::SignIn::Done(user) => user,
        signin::SignIn::NeedsSecondFactor(_) => {
            return Err(AppError::validation(
                "totp_code",
                "this account uses two-factor authentication; sign in on the website",
            ))
        }
    };
    let tokens = jwt::start(&state, &user).await?;
    let user = user.to_current();
    Ok(ok(StatusCode::OK, Login { tokens, user }))
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    refresh_token: String,
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 200, description = "A new pair (the old refresh token is spent)", body = Success<TokenPair>),
        (status = 400, description = "Malformed body", body = Failure),
        (status = 401, description = "Unknown, spent or expired refresh token", body = Failure),
        (status = 429, description = "Too many requests", body = Failure)))]
pub async fn refresh(
    State(state): State<AppState>,
    Body(body): Body<RefreshBody>,
) -> Result<Response, AppError> {
    let pair = jwt::refresh(&state, &body.refresh_token).await?;
    Ok(ok(StatusCode::OK, pair))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 200, description = "The refresh token is revoked", body = Success<Message>),
        (status = 400, description = "Malformed body", body = Failure),
        (status = 401, description = "Unknown or expired refresh token", body = Failure),
        (status = 429, description = "Too many requests", body = Failure)))]
pub async fn logout(
    State(state): State<AppState>,
    Body(body): Body<RefreshBody>,
) -> Result<Response, AppError> {
    jwt::logout(&state, &body.refresh_token).await?;
    Ok(ok(StatusCode::OK, Message::new("Signed out.")))
}

#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Success<CurrentUser>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "An API key (it has no profile)", body = Failure)))]
pub async fn me(caller: Caller) -> Result<Response, AppError> {
    Ok(ok(StatusCode::OK, caller.user()?.to_current()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[schema(max_length = 100)]
    full_name: String,
    /// Absent or the current URL: kept; `null`: removed; another link: refused
    /// (`accounts::avatar::removal_by_url`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    avatar_url: Option<Option<String>>,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[utoipa::path(put, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])), request_body = UpdateMe,
    responses(
        (status = 200, description = "Updated", body = Success<CurrentUser>),
        (status = 400, description = "Invalid name, or an avatar_url that is not the current picture", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "An API key (it has no profile)", body = Failure)))]
pub async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<UpdateMe>,
) -> Result<Response, AppError> {
    let user = caller.user()?;
    // Checked before anything is written.
    let clear = avatar::removal_by_url(user, body.avatar_url.as_ref().map(Option::as_deref))?;
    profile::update_profile(&state, user, &body.full_name).await?;
    if clear {
        avatar::clear(&state, user).await?;
    }
    let user = app::accounts::db::by_id(&state.db, &user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(ok(StatusCode::OK, user.to_current()))
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteMe {
    password: String,
}

#[utoipa::path(delete, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])), request_body = DeleteMe,
    responses(
        (status = 200, description = "Deleted (personal data erased, orders kept anonymised)", body = Success<Message>),
        (status = 400, description = "Malformed body", body = Failure),
        (status = 401, description = "No or invalid token, or the wrong password", body = Failure),
        (status = 403, description = "An API key, or the last owner of the store", body = Failure),
        (status = 429, description = "Too many password attempts", body = Failure)))]
pub async fn delete_me(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<DeleteMe>,
) -> Result<Response, AppError> {
    profile::delete_account(&state, caller.user()?, &body.password).await?;
    Ok(ok(StatusCode::OK, Message::new("The account was deleted.")))
}
