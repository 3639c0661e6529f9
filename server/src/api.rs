//! The REST API under `/api/v1` (DESIGN.md envelope, JWT bearer auth). Handlers are thin:
//! parse, authenticate, call one service function, answer in the envelope.

use app::accounts::{avatar, jwt, profile, register, signin};
use app::platform::error::AppError;
use app::platform::limits::Decision;
use app::platform::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::request::Parts;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

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

/// A JSON body whose rejection (bad JSON, wrong type, missing field) is a 400 envelope.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => {
                let message = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => {
                        "send the body as JSON (Content-Type: application/json)".to_owned()
                    }
                    other => format!("the JSON body is not valid: {}", other.body_text()),
                };
                Err(AppError::Validation {
                    field: None,
                    message,
                }
                .into_response())
            }
        }
    }
}

/// The user of the request's bearer token.
pub struct Bearer(pub app::accounts::db::UserRow);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| AppError::Unauthorized.into_response())?;
        jwt::authenticate(state, token.trim())
            .await
            .map(Self)
            .map_err(IntoResponse::into_response)
    }
}

fn ok(status: StatusCode, data: serde_json::Value) -> Response {
    app::web::envelope::success(status, data)
}

/// Adds the counter's `X-RateLimit-*` headers, unless the response is a refusal by
/// another limit (a per-account 429 carries that limit's headers, not the address's).
fn with_limit_headers(mut response: Response, decision: Option<Decision>) -> Response {
    if response.headers().contains_key("x-ratelimit-limit") {
        return response;
    }
    if let Some(decision) = decision {
        for (name, value) in decision.headers() {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(name), value);
            }
        }
    }
    response
}

/// Counts the request against the per-IP auth limit; the decision goes in the headers of
/// whatever the handler answers, a 429 included.
async fn limited<F>(state: &AppState, parts_ip: String, f: F) -> Response
where
    F: std::future::Future<Output = Result<Response, AppError>>,
{
    let decision = match state.limiter.hit_auth(&parts_ip).await {
        Ok(decision) => decision,
        Err(err) => return err.into_response(),
    };
    let response = match decision.into_result() {
        Ok(_) => f.await.unwrap_or_else(IntoResponse::into_response),
        Err(err) => err.into_response(),
    };
    with_limit_headers(response, Some(decision))
}

/// The client address, as the rate limits see it.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(app::platform::request::client_ip(
            &parts.headers,
            &parts.extensions,
            state.config.trust_proxy,
        )))
    }
}

#[derive(Deserialize)]
struct RegisterBody {
    email: String,
    password: String,
    #[serde(default)]
    full_name: String,
}

async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<RegisterBody>,
) -> Response {
    limited(&state.clone(), ip, async move {
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
            json!({ "message": "Check your inbox: follow the link we sent to confirm the address, then log in." }),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<LoginBody>,
) -> Response {
    limited(&state.clone(), ip, async move {
        let user = match signin::authenticate(&state, &body.email, &body.password).await? {
            signin::SignIn::Done(user) => user,
            signin::SignIn::NeedsSecondFactor(_) => {
                return Err(AppError::validation(
                    "totp_code",
                    "this account uses two-factor authentication; sign in on the website",
                ))
            }
        };
        let pair = jwt::start(&state, &user).await?;
        let mut data = json!(pair);
        data["user"] = json!(user.to_current());
        Ok(ok(StatusCode::OK, data))
    })
    .await
}

#[derive(Deserialize)]
struct RefreshBody {
    refresh_token: String,
}

async fn refresh(
    State(state): State<AppState>,
    Body(body): Body<RefreshBody>,
) -> Result<Response, AppError> {
    let pair = jwt::refresh(&state, &body.refresh_token).await?;
    Ok(ok(StatusCode::OK, json!(pair)))
}

async fn logout(
    State(state): State<AppState>,
    Body(body): Body<RefreshBody>,
) -> Result<Response, AppError> {
    jwt::logout(&state, &body.refresh_token).await?;
    Ok(ok(StatusCode::OK, json!({ "message": "Signed out." })))
}

async fn me(Bearer(user): Bearer) -> Response {
    ok(StatusCode::OK, json!(user.to_current()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateMe {
    full_name: String,
    /// Absent or the current URL: kept; `null`: removed; another link: refused
    /// (`accounts::avatar::removal_by_url`).
    #[serde(default, deserialize_with = "present")]
    avatar_url: Option<Option<String>>,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

async fn update_me(
    State(state): State<AppState>,
    Bearer(user): Bearer,
    Body(body): Body<UpdateMe>,
) -> Result<Response, AppError> {
    // Checked before anything is written.
    let clear = avatar::removal_by_url(&user, body.avatar_url.as_ref().map(Option::as_deref))?;
    profile::update_profile(&state, &user, &body.full_name).await?;
    if clear {
        avatar::clear(&state, &user).await?;
    }
    let user = app::accounts::db::by_id(&state.db, &user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(ok(StatusCode::OK, json!(user.to_current())))
}

#[derive(Deserialize)]
struct DeleteMe {
    password: String,
}

async fn delete_me(
    State(state): State<AppState>,
    Bearer(user): Bearer,
    Body(body): Body<DeleteMe>,
) -> Result<Response, AppError> {
    profile::delete_account(&state, &user, &body.password).await?;
    Ok(ok(
        StatusCode::OK,
        json!({ "message": "The account was deleted." }),
    ))
}
