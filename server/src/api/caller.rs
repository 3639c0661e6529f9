//! Who calls the API, and how much they may: [`gate`] runs before every `/api/v1` handler.
//! It reads `Authorization: Bearer …` once — an API key (`oxk_…`) or a JWT access
//! token — and counts the request in its rate-limit group (the specification's §3.9):
//!
//! | group | limit | counted per |
//! |---|---|---|
//! | authentication (register, login) | 10/min | address |
//! | public (customers, anonymous) | 100/min | account, else address |
//! | admin (staff, API keys) | 1000/min | account or key |
//!
//! Every answer carries the counter's `X-RateLimit-*` headers; the counters live in Redis
//! when it is configured, so N instances share them. Handlers take the [`Caller`] that the
//! gate put in the request.

use app::accounts::db::UserRow;
use app::accounts::jwt;
use app::accounts::permissions::Permission;
use app::integrations::keys::{self, ApiKey};
use app::platform::error::AppError;
use app::platform::limits::{Decision, Limit, ADMIN_API, PUBLIC_API};
use app::platform::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderName, HeaderValue};

/// The authenticated caller of an API request.
#[derive(Clone, Debug)]
pub enum Caller {
    Anonymous,
    User(Box<UserRow>),
    Key(ApiKey),
}

impl Caller {
    /// Reads the bearer credential, if any; a present but wrong one is `Unauthorized`.
    async fn from_parts(state: &AppState, parts: &Parts, ip: &str) -> Result<Self, AppError> {
        let Some(header) = parts.headers.get(http::header::AUTHORIZATION) else {
            return Ok(Self::Anonymous);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        if token.starts_with(keys::PREFIX) {
            Ok(Self::Key(keys::authenticate(&state.db, token, ip).await?))
        } else {
            Ok(Self::User(Box::new(jwt::authenticate(state, token).await?)))
        }
    }

    /// The rate-limit group and the counter's key.
    fn group(&self, ip: &str) -> (Limit, String) {
        match self {
            Self::Key(key) => (ADMIN_API, format!("key:{}", key.id)),
            Self::User(user) if user.role().is_staff() => (ADMIN_API, format!("user:{}", user.id)),
            Self::User(user) => (PUBLIC_API, format!("user:{}", user.id)),
            Self::Anonymous => (PUBLIC_API, format!("ip:{ip}")),
        }
    }

    /// A staff member or key holding `permission`; the id to record as the actor.
    pub fn staff(&self, permission: Permission) -> Result<String, AppError> {
        match self {
            Self::Anonymous => Err(AppError::Unauthorized),
            Self::Key(key) if key.can(permission) => Ok(key.id.clone()),
            Self::Key(_) => Err(AppError::Forbidden),
            Self::User(user) => {
                user.staff_access()?;
                if user.can(permission) {
                    Ok(user.id.clone())
                } else {
                    Err(AppError::Forbidden)
                }
            }
        }
    }

    /// Whether the caller would pass [`staff`](Self::staff) for `permission`.
    pub fn holds(&self, permission: Permission) -> bool {
        self.staff(permission).is_ok()
    }

    /// The signed-in person (a customer's or staff member's token); a key has no person.
    pub fn user(&self) -> Result<&UserRow, AppError> {
        match self {
            Self::User(user) => Ok(user),
            Self::Anonymous => Err(AppError::Unauthorized),
            Self::Key(_) => Err(AppError::Forbidden),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or(Self::Anonymous))
    }
}

/// Authenticates and counts every `/api/v1` request (see the module's table).
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let ip = app::platform::request::client_ip(
        &parts.headers,
        &parts.extensions,
        state.config.trust_proxy,
    );
    // Refresh and logout take an unguessable token, not a password: the public group.
    let credentials = matches!(
        parts.uri.path(),
        "/api/v1/auth/login" | "/api/v1/auth/register"
    );
    let (caller, decision) = if credentials {
        (Ok(Caller::Anonymous), state.limiter.hit_auth(&ip).await)
    } else {
        let caller = Caller::from_parts(&state, &parts, &ip).await;
        // A wrong credential is counted against the address, as anonymous.
        let (limit, key) = caller.as_ref().unwrap_or(&Caller::Anonymous).group(&ip);
        (caller, state.limiter.hit(limit, &key).await)
    };
    let decision = match decision {
        Ok(decision) => decision,
        Err(err) => return err.into_response(),
    };
    let response = match (decision.into_result(), caller) {
        (Err(refused), _) | (Ok(_), Err(refused)) => refused.into_response(),
        (Ok(_), Ok(caller)) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
    };
    with_limit_headers(response, decision)
}

/// Adds the counter's `X-RateLimit-*` headers, unless the response is a refusal by
/// another limit (a per-account 429 carries that limit's headers, not the group's).
fn with_limit_headers(mut response: Response, decision: Decision) -> Response {
    if response.headers().contains_key("x-ratelimit-limit") {
        return response;
    }
    for (name, value) in decision.headers() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    response
}
