//! The REST API under `/api/v1` (DESIGN.md envelope; `docs/api.md`). Handlers are thin:
//! parse, check the caller ([`caller::Caller`]), call one service function, answer in
//! the envelope. Every route is described in the OpenAPI document ([`openapi`]), and a
//! test holds the two lists equal.

pub mod auth;
pub mod caller;
pub mod docs;
pub mod integrations;
pub mod inventory;
pub mod openapi;
pub mod orders;

use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::request::Parts;
use http::StatusCode;
use serde::de::DeserializeOwned;

pub fn router(state: AppState) -> Router {
    auth::router(state.clone())
        .merge(orders::router(state.clone()))
        .merge(inventory::router(state.clone()))
        .merge(integrations::router(state.clone()))
        .merge(openapi::router(state))
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

/// The query string, parsed by the handler (so a bad value is a 400 envelope naming the
/// parameter, not axum's plain-text rejection).
pub struct Query(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.uri.query().unwrap_or_default().to_owned()))
    }
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

pub fn ok(status: StatusCode, data: impl serde::Serialize) -> Response {
    app::web::envelope::success(status, data)
}
