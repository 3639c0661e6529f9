//! Returns under `/api/v1`: a customer asks to send back lines of their own delivered
//! order (`/orders/{id}/returns`, within the shop's return window); staff and keys read
//! them (`orders.read`), approve or refuse them (`orders.fulfil`), and record the parcel's
//! arrival with the refund (`orders.refund`, through the payment provider). The same
//! service functions as the order page and Admin → Returns.

use super::caller::Caller;
use super::openapi::{Failure, Page, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::orders::access;
use app::platform::error::AppError;
use app::platform::money::Money;
use app::platform::state::AppState;
use app::returns::model::{OrderReturns, Return, ReturnStatus};
use app::returns::{read, service};
use app::web::pagination::ListParams;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/api/v1/orders/{id}/returns", get(for_order));
    let r = add(r, "POST", "/api/v1/orders/{id}/returns", post(ask));
    let r = add(r, "GET", "/api/v1/returns", get(list));
    let r = add(r, "GET", "/api/v1/returns/{id}", get(one));
    let r = add(r, "POST", "/api/v1/returns/{id}/decision", post(decide));
    let r = add(r, "POST", "/api/v1/returns/{id}/receipt", post(receive));
    r.with_state(state)
}

/// What can still be sent back, until when, and the order's returns so far.
#[utoipa::path(get, path = "/api/v1/orders/{id}/returns", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order's returns", body = Success<OrderReturns>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "A key without orders.read", body = Failure),
        (status = 404, description = "No such order (or not yours)", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn for_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = super::orders::view(&state, &caller, &id).await?.id;
    Ok(ok(StatusCode::OK, read::for_order(&state.db, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AskLine {
    /// The order line's `position`.
    #[serde(deserialize_with = "super::whole")]
    #[schema(minimum = 0, maximum = 10000)]
    position: i64,
    #[serde(deserialize_with = "super::whole")]
    #[schema(minimum = 1, maximum = 10000)]
    quantity: i64,
    /// doesnt_fit, damaged, not_as_described, changed_mind or other.
    #[schema(pattern = "^(doesnt_fit|damaged|not_as_described|changed_mind|other)$")]
    reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct AskBody {
    #[schema(min_items = 1, max_items = 100)]
    lines: Vec<AskLine>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// Asks to send lines back (the customer, for their own delivered order). The shop is
/// mailed; the customer hears when it is approved or refused.
#[utoipa::path(post, path = "/api/v1/orders/{id}/returns", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path, description = "The order's id")), request_body = AskBody,
    responses(
        (status = 201, description = "Asked; the order's returns", body = Success<OrderReturns>),
        (status = 400, description = "No line, a line not on the order, more than is left to return, or an unknown reason", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "An API key (returns are asked by the customer)", body = Failure),
        (status = 404, description = "No such order (or not yours)", body = Failure),
        (status = 409, description = "Not delivered, or the return window has closed", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn ask(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<AskBody>,
) -> Result<Response, AppError> {
    let user = caller.user()?.clone();
    let by = user.id.clone();
    let (order, _) = access::view_as(&state, Some(user), &id, None).await?;
    let asks: Vec<service::Ask> = body
        .lines
        .into_iter()
        .map(|l| service::Ask {
            position: l.position,
            quantity: l.quantity,
            reason: l.reason,
        })
        .collect();
    service::request(&state, &order.id, Some(&by), &asks, &body.note).await?;
    Ok(ok(
        StatusCode::CREATED,
        read::for_order(&state.db, &order.id).await?,
    ))
}

/// The newest 200 returns, newest first.
#[utoipa::path(get, path = "/api/v1/returns", tag = "returns", security(("bearer" = [])),
    params(
        ("status" = Option<String>, Query, nullable = false, pattern = "^(|requested|approved|refused|received|refunded)$"),
        ("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 50")),
    responses(
        (status = 200, description = "A page of returns", body = Page<Return>),
        (status = 400, description = "A parameter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.read", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    caller.staff(Permission::OrdersRead)?;
    let (mut status, mut list) = (None, ListParams::default());
    super::query(raw.as_deref().unwrap_or_default(), |key, value| {
        if key != "status" {
            return super::take_page(&mut list, key, value);
        }
        let parsed = ReturnStatus::parse(value)
            .ok_or_else(|| AppError::validation("status", "unknown status"))?;
        status = Some(parsed);
        Ok(true)
    })?;
    let returns = read::list(&state.db, status).await?;
    Ok(super::page_of(&returns, list))
}

async fn current(state: &AppState, id: &str) -> Result<Return, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    read::one(&mut conn, id).await
}

#[utoipa::path(get, path = "/api/v1/returns/{id}", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The return", body = Success<Return>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.read", body = Failure),
        (status = 404, description = "No such return", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    caller.staff(Permission::OrdersRead)?;
    Ok(ok(StatusCode::OK, current(&state, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    /// approve or refuse.
    #[schema(pattern = "^(approve|refuse)$")]
    decision: String,
    /// To the customer; required to refuse (up to 1,000 characters are kept).
    #[serde(default)]
    message: String,
    /// The return's `version` you read; left out, the current one.
    #[serde(default)]
    version: Option<i64>,
}

/// Approves (the customer is mailed how to send the parcel) or refuses a requested return.
#[utoipa::path(post, path = "/api/v1/returns/{id}/decision", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DecisionBody,
    responses(
        (status = 200, description = "Decided", body = Success<Return>),
        (status = 400, description = "Neither approve nor refuse, or a refusal without a message", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.fulfil", body = Failure),
        (status = 404, description = "No such return", body = Failure),
        (status = 409, description = "Already decided, or changed since `version`", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<DecisionBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::OrdersFulfil)?;
    let approve = match body.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(AppError::validation("decision", "approve or refuse")),
    };
    let version = match body.version {
        Some(v) => v,
        None => current(&state, &id).await?.version,
    };
    service::decide(&state, &actor, &id, approve, &body.message, version).await?;
    Ok(ok(StatusCode::OK, current(&state, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReceiptBody {
    /// The `position`s of the lines that go back into stock (the rest are written off).
    #[serde(default)]
    #[schema(max_items = 100)]
    restock: Vec<i64>,
    /// Refunded through the payment provider, as a decimal (`0` for none); at most what
    /// is left to refund.
    #[schema(pattern = "^[0-9]{1,6}(\\.[0-9]{1,2})?$")]
    amount: String,
    #[serde(default)]
    version: Option<i64>,
}

/// The parcel came back: restock what can be sold again and refund.
#[utoipa::path(post, path = "/api/v1/returns/{id}/receipt", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ReceiptBody,
    responses(
        (status = 200, description = "Received (and refunded)", body = Success<Return>),
        (status = 400, description = "An amount that does not parse or is more than can be refunded", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.refund", body = Failure),
        (status = 404, description = "No such return", body = Failure),
        (status = 409, description = "Not approved, or changed since `version`", body = Failure),
        (status = 429, description = "Rate limit", body = Failure),
        (status = 502, description = "The payment provider refused the refund", body = Failure)))]
pub async fn receive(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<ReceiptBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::OrdersRefund)?;
    let amount = Money::parse_amount(&body.amount)
        .map_err(|e| AppError::validation("amount", e.message("4.99")))?;
    let version = match body.version {
        Some(v) => v,
        None => current(&state, &id).await?.version,
    };
    service::receive(&state, &actor, &id, &body.restock, amount, version).await?;
    Ok(ok(StatusCode::OK, current(&state, &id).await?))
}
