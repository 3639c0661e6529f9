//! `/api/v1/webhooks` (endpoints, the delivery log, send again: `settings.manage`) and
//! `/api/v1/api-keys` (`staff.manage`). A key holding `staff.manage` may make keys, never
//! wider than itself, so a leaked key cannot mint a wider one.

use super::caller::Caller;
use super::openapi::{Failure, Message, Page, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::integrations::model::{
    ApiKeyView, DeliveryView, NewEndpoint, NewKey, WebhookEndpointView,
};
use app::integrations::{delivery, keys, webhooks};
use app::platform::error::AppError;
use app::platform::state::AppState;
use app::web::pagination::Pagination;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(
        r,
        "GET,POST",
        "/api/v1/webhooks",
        get(list_webhooks).post(add_webhook),
    );
    let r = add(r, "DELETE", "/api/v1/webhooks/{id}", delete(remove_webhook));
    let r = add(r, "GET", "/api/v1/webhooks/deliveries", get(deliveries));
    let r = add(
        r,
        "POST",
        "/api/v1/webhooks/deliveries/{id}/retry",
        post(retry),
    );
    let r = add(
        r,
        "GET,POST",
        "/api/v1/api-keys",
        get(list_keys).post(make_key),
    );
    let r = add(r, "DELETE", "/api/v1/api-keys/{id}", delete(revoke_key));
    r.with_state(state)
}

/// The whole list as one page (these lists are short).
fn whole<T: serde::Serialize>(items: &[T]) -> Response {
    let n = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let limit = u32::try_from(items.len().max(1)).unwrap_or(u32::MAX);
    app::web::envelope::page(items, &Pagination::new(1, limit, n))
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "integrations", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every endpoint (secrets are shown only when made)", body = Page<WebhookEndpointView>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, AppError> {
    caller.staff(Permission::SettingsManage)?;
    Ok(whole(&webhooks::list(&state.db).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct WebhookBody {
    /// https, to a public address; no credentials in it.
    #[schema(
        pattern = "^https://[a-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$",
        max_length = 500
    )]
    url: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    description: String,
    #[schema(value_type = Vec<EventName>, min_items = 1)]
    events: Vec<String>,
}

/// The events an endpoint may receive.
#[derive(serde::Serialize, ToSchema)]
#[allow(dead_code)] // Only described: the handler takes the names as text.
pub enum EventName {
    #[serde(rename = "order.created")]
    OrderCreated,
    #[serde(rename = "order.paid")]
    OrderPaid,
    #[serde(rename = "order.fulfilled")]
    OrderFulfilled,
    #[serde(rename = "order.cancelled")]
    OrderCancelled,
    #[serde(rename = "order.refunded")]
    OrderRefunded,
    #[serde(rename = "customer.created")]
    CustomerCreated,
    #[serde(rename = "product.updated")]
    ProductUpdated,
    #[serde(rename = "inventory.low")]
    InventoryLow,
}

#[utoipa::path(post, path = "/api/v1/webhooks", tag = "integrations", security(("bearer" = [])),
    request_body = WebhookBody,
    responses(
        (status = 201, description = "Added; the signing secret is in this answer only", body = Success<NewEndpoint>),
        (status = 400, description = "Not https, a private or loopback target, or no or unknown events", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<WebhookBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    let allow = state.config.webhooks.allow_private;
    let (endpoint, secret) = webhooks::create(
        &state.db,
        &actor,
        &body.url,
        &body.description,
        &body.events,
        allow,
    )
    .await?;
    Ok(ok(StatusCode::CREATED, NewEndpoint { endpoint, secret }))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Removed, with its delivery log", body = Success<Message>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 404, description = "No such endpoint", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    webhooks::delete(&state.db, &actor, &id).await?;
    Ok(ok(
        StatusCode::OK,
        Message::new("The endpoint was removed."),
    ))
}

#[utoipa::path(get, path = "/api/v1/webhooks/deliveries", tag = "integrations", security(("bearer" = [])),
    responses(
        (status = 200, description = "The 100 newest deliveries, newest first", body = Page<DeliveryView>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, AppError> {
    caller.staff(Permission::SettingsManage)?;
    Ok(whole(&delivery::log(&state.db, 100).await?))
}

#[utoipa::path(post, path = "/api/v1/webhooks/deliveries/{id}/retry", tag = "integrations",
    security(("bearer" = [])), params(("id" = String, Path, description = "The webhook-id")),
    responses(
        (status = 202, description = "Queued to be sent again now, with the same webhook-id", body = Success<Message>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 404, description = "No such delivery", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    delivery::send_again(&state, &actor, &id).await?;
    Ok(ok(
        StatusCode::ACCEPTED,
        Message::new("Queued to be sent again."),
    ))
}

#[utoipa::path(get, path = "/api/v1/api-keys", tag = "integrations", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every key, never its secret", body = Page<ApiKeyView>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs staff.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list_keys(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, AppError> {
    caller.staff(Permission::StaffManage)?;
    Ok(whole(&keys::list(&state.db).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct KeyBody {
    #[schema(min_length = 1, max_length = 60, pattern = "\\S")]
    name: String,
    /// Permission names, each held by the maker.
    #[schema(value_type = Vec<Permission>, min_items = 1)]
    scopes: Vec<String>,
}

/// The maker of a key: the person or key calling, holding `staff.manage`.
fn maker(caller: &Caller) -> Result<keys::Maker<'_>, AppError> {
    caller.staff(Permission::StaffManage)?;
    Ok(match caller {
        Caller::Key(key) => keys::Maker::Key(key),
        _ => keys::Maker::Person(caller.user()?),
    })
}

#[utoipa::path(post, path = "/api/v1/api-keys", tag = "integrations", security(("bearer" = [])),
    request_body = KeyBody,
    responses(
        (status = 201, description = "Made; the secret is in this answer only", body = Success<NewKey>),
        (status = 400, description = "No name, or a scope unknown or not held by the maker", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs staff.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn make_key(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<KeyBody>,
) -> Result<Response, AppError> {
    let made = keys::create(&state.db, maker(&caller)?, &body.name, &body.scopes).await?;
    Ok(ok(StatusCode::CREATED, made))
}

#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Revoked: refused from now on", body = Success<Message>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs staff.manage", body = Failure),
        (status = 404, description = "No such key", body = Failure),
        (status = 409, description = "Already revoked, or the calling key itself", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn revoke_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::StaffManage)?;
    keys::revoke(&state.db, &actor, &id).await?;
    Ok(ok(StatusCode::OK, Message::new("The key was revoked.")))
}
