//! The REST API under `/api/v1` (DESIGN.md envelope; `docs/api.md`). Handlers are thin:
//! parse, check the caller ([`caller::Caller`]), call one service function, answer in
//! the envelope. Every route is described in the OpenAPI document ([`openapi`]), and a
//! test holds the two lists equal.

pub mod auth;
pub mod caller;
pub mod cart_payment;
pub mod carts;
pub mod customers;
pub mod docs;
pub mod integrations;
pub mod inventory;
pub mod openapi;
pub mod orders;
pub mod products;
pub mod returns;
pub mod rules;

use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub fn router(state: AppState, carts: app::platform::sessions::SessionBackend) -> Router {
    auth::router(state.clone())
        .merge(carts::router(state.clone(), carts))
        .merge(orders::router(state.clone()))
        .merge(inventory::router(state.clone()))
        .merge(products::router(state.clone()))
        .merge(customers::router(state.clone()))
        .merge(rules::router(state.clone()))
        .merge(returns::router(state.clone()))
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

pub fn ok(status: StatusCode, data: impl serde::Serialize) -> Response {
    app::web::envelope::success(status, data)
}

/// `value`, if it has at most `max` characters; else a 400 naming `field` (the API refuses
/// what the pages would cut short).
pub fn short<'a>(value: &'a str, field: &str, max: usize) -> Result<&'a str, AppError> {
    if value.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("use at most {max} characters"),
        ));
    }
    Ok(value)
}

/// An integer field that also takes a JSON number with no fraction (`6666.0`), as JSON
/// Schema's `integer` does.
pub fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error as _;
    let n = serde_json::Number::deserialize(d)?;
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| D::Error::custom("expected a whole number"))
}

/// `key=value` pairs of a query string, each given to `take` (which says whether it knew
/// the key); an unknown key is a 400 naming it.
pub fn query(
    raw: &str,
    mut take: impl FnMut(&str, &str) -> Result<bool, AppError>,
) -> Result<(), AppError> {
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        // An empty value is no filter (`?search=&low=` from a form).
        if !value.trim().is_empty() && !take(&key, value.trim())? {
            return Err(AppError::validation(
                key.as_ref(),
                format!("“{key}” is not a parameter of this list"),
            ));
        }
    }
    Ok(())
}

/// Takes `page` and `limit` (the only list parameters of a list read whole: a shop has
/// dozens of rules, and the return list stops at 200); `Ok(false)` for any other key.
pub fn take_page(
    list: &mut app::web::pagination::ListParams,
    key: &str,
    value: &str,
) -> Result<bool, AppError> {
    Ok(key != "sort" && key != "order" && list.take(key, value, &[])?)
}

/// The page `list` asks for of `items`, a list read whole (50 to a page by default).
pub fn page_of<T: Serialize>(items: &[T], list: app::web::pagination::ListParams) -> Response {
    let (page, limit) = (
        list.page.max(1),
        if list.limit == 0 { 50 } else { list.limit },
    );
    let start = usize::try_from((page - 1) * limit).unwrap_or(usize::MAX);
    let rows: Vec<&T> = items.iter().skip(start).take(limit as usize).collect();
    let pagination = app::web::pagination::Pagination::new(page, limit, items.len() as i64);
    app::web::envelope::page(&rows, &pagination)
}
