//! `/api/v1/orders`: a customer's own orders (their token), every order for staff and
//! keys holding `orders.read`, and the fulfilment actions (`orders.fulfil`) and money
//! actions (`orders.refund`) that the order page offers. Each action answers with the
//! order as it now is. Another customer's order is "not found", never "forbidden".

use super::caller::Caller;
use super::openapi::{Failure, Page, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::orders::model::{Order, OrderSummary};
use app::orders::{access, actions, filter};
use app::platform::error::AppError;
use app::platform::state::AppState;
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
    let r = add(r, "GET", "/api/v1/orders", get(list));
    let r = add(r, "GET", "/api/v1/orders/{id}", get(one));
    let r = add(r, "POST", "/api/v1/orders/{id}/fulfil", post(fulfil));
    let r = add(r, "POST", "/api/v1/orders/{id}/deliver", post(deliver));
    let r = add(r, "POST", "/api/v1/orders/{id}/cancel", post(cancel));
    let r = add(r, "POST", "/api/v1/orders/{id}/refunds", post(refund));
    r.with_state(state)
}

/// Newest first by default. Staff and keys with `orders.read` see every order; a
/// customer, their own.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])),
    params(
        ("status" = Option<String>, Query, nullable = false, pattern = "^(|paid|fulfilled|delivered|cancelled)$", description = "paid, fulfilled, delivered or cancelled (empty: any)"),
        ("created_after" = Option<super::openapi::DayOrEmpty>, Query, nullable = false, description = "YYYY-MM-DD, inclusive (UTC)"),
        ("created_before" = Option<super::openapi::DayOrEmpty>, Query, nullable = false, description = "YYYY-MM-DD, inclusive (UTC)"),
        ("search" = Option<String>, Query, nullable = false, max_length = 100, description = "Part of the email, or the order number"),
        ("min_total" = Option<i64>, Query, nullable = false, minimum = 0, description = "Minor units"),
        ("max_total" = Option<i64>, Query, nullable = false, minimum = 0, description = "Minor units"),
        ("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000, description = "From 1"),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 25"),
        ("sort" = Option<String>, Query, nullable = false, pattern = "^(|created_at|number|total)$", description = "created_at (default), number or total"),
        ("order" = Option<String>, Query, nullable = false, pattern = "^(|asc|desc)$", description = "asc or desc (default)")),
    responses(
        (status = 200, description = "A page of orders", body = Page<OrderSummary>),
        (status = 400, description = "A filter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "A key without orders.read", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let f = filter::from_api_query(raw.as_deref().unwrap_or_default())?;
    let own = if caller.holds(Permission::OrdersRead) {
        None
    } else {
        Some(caller.user()?.id.clone())
    };
    let list = filter::list(&state, &f, own.as_deref()).await?;
    Ok(app::web::envelope::page(&list.orders, &list.pagination))
}

/// One order: its customer sees the shopper's view (no staff notes); staff, all of it.
pub(super) async fn view(state: &AppState, caller: &Caller, id: &str) -> Result<Order, AppError> {
    if caller.holds(Permission::OrdersRead) {
        return access::for_staff(state, id).await;
    }
    let user = caller.user()?.clone();
    let (mut order, _) = access::view_as(state, Some(user), id, None).await?;
    // The guest link's token is for mail, not for API clients.
    order.token = None;
    Ok(order)
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = Success<Order>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "A key without orders.read", body = Failure),
        (status = 404, description = "No such order (or not yours)", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    Ok(ok(StatusCode::OK, view(&state, &caller, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct FulfilBody {
    #[schema(min_length = 1, max_length = 60, pattern = "\\S")]
    carrier: String,
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    tracking_number: String,
}

/// Paid → fulfilled; the customer is mailed the tracking number.
#[utoipa::path(post, path = "/api/v1/orders/{id}/fulfil", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = FulfilBody,
    responses(
        (status = 200, description = "Fulfilled", body = Success<Order>),
        (status = 400, description = "Missing carrier or tracking number", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.fulfil", body = Failure),
        (status = 404, description = "No such order", body = Failure),
        (status = 409, description = "Not paid, or on hold", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn fulfil(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<FulfilBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::OrdersFulfil)?;
    actions::fulfil(&state, &actor, &id, &body.carrier, &body.tracking_number).await?;
    Ok(ok(StatusCode::OK, access::for_staff(&state, &id).await?))
}

/// Fulfilled → delivered.
#[utoipa::path(post, path = "/api/v1/orders/{id}/deliver", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Delivered", body = Success<Order>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.fulfil", body = Failure),
        (status = 404, description = "No such order", body = Failure),
        (status = 409, description = "Not fulfilled", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn deliver(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::OrdersFulfil)?;
    actions::deliver(&state, &actor, &id).await?;
    Ok(ok(StatusCode::OK, access::for_staff(&state, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    #[serde(default)]
    #[schema(max_length = 200)]
    reason: String,
}

/// Cancels a paid order: its stock goes back and whatever was captured is refunded.
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ReasonBody,
    responses(
        (status = 200, description = "Cancelled", body = Success<Order>),
        (status = 400, description = "Malformed body", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.refund", body = Failure),
        (status = 404, description = "No such order", body = Failure),
        (status = 409, description = "Already shipped or cancelled", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<ReasonBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::OrdersRefund)?;
    super::short(&body.reason, "reason", 200)?;
    actions::cancel(&state, Some(&actor), &id, &body.reason).await?;
    Ok(ok(StatusCode::OK, access::for_staff(&state, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RefundBody {
    /// Minor units (cents), at most what was captured and not yet refunded.
    #[schema(minimum = 1, maximum = 100_000_000)]
    #[serde(deserialize_with = "super::whole")]
    amount: i64,
    #[serde(default)]
    #[schema(max_length = 200)]
    reason: String,
}

/// Refunds part or all of what was captured, through the payment provider.
#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RefundBody,
    responses(
        (status = 201, description = "Refunded", body = Success<Order>),
        (status = 400, description = "Amount not above 0, or above what is left to refund", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs orders.refund", body = Failure),
        (status = 404, description = "No such order", body = Failure),
        (status = 409, description = "Nothing left to refund", body = Failure),
        (status = 429, description = "Rate limit", body = Failure),
        (status = 503, description = "The payment provider did not answer; nothing was refunded", body = Failure)))]
pub async fn refund(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<RefundBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::OrdersRefund)?;
    super::short(&body.reason, "reason", 200)?;
    actions::refund(&state, &actor, &id, body.amount, &body.reason).await?;
    Ok(ok(
        StatusCode::CREATED,
        access::for_staff(&state, &id).await?,
    ))
}
