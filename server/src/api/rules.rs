//! The checkout's rules under `/api/v1`: shipping rates and tax rates (`settings.manage`)
//! and discount codes (`discounts.manage`), with the service functions of Admin →
//! Settings → Checkout. A `PUT` replaces a rule (and may switch it off with
//! `"active": false`); `version` refuses a write over a newer change. Deleting a code
//! that was used switches it off instead, so orders keep pointing at it.

use super::caller::Caller;
use super::openapi::{Failure, Message, Page, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::checkout::codes::save_discount;
use app::checkout::model::{
    CheckoutSettings, Discount, DiscountInput, ShippingRateInput, TaxRateInput,
};
use app::checkout::pricing::{ShippingRate, TaxRate};
use app::checkout::rates;
use app::checkout::setup::{self, save_shipping, save_tax, Target};
use app::platform::error::AppError;
use app::platform::state::AppState;
use app::web::pagination::ListParams;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/api/v1/shipping-rates", get(list_shipping));
    let r = add(r, "POST", "/api/v1/shipping-rates", post(add_shipping));
    let r = add(r, "PUT", "/api/v1/shipping-rates/{id}", put(edit_shipping));
    let r = add(
        r,
        "DELETE",
        "/api/v1/shipping-rates/{id}",
        delete(remove_shipping),
    );
    let r = add(r, "GET", "/api/v1/tax-rates", get(list_taxes));
    let r = add(r, "POST", "/api/v1/tax-rates", post(add_tax));
    let r = add(r, "PUT", "/api/v1/tax-rates/{id}", put(edit_tax));
    let r = add(r, "DELETE", "/api/v1/tax-rates/{id}", delete(remove_tax));
    let r = add(r, "GET", "/api/v1/discount-codes", get(list_codes));
    let r = add(r, "POST", "/api/v1/discount-codes", post(add_code));
    let r = add(r, "PUT", "/api/v1/discount-codes/{id}", put(edit_code));
    let r = add(
        r,
        "DELETE",
        "/api/v1/discount-codes/{id}",
        delete(remove_code),
    );
    r.with_state(state)
}

/// What a `PUT` adds to the rule's fields.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct Edit {
    /// false: kept but not offered (or charged, or accepted); left out: as it is.
    active: Option<bool>,
    /// The `version` you read; left out, the write replaces whatever is there.
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct ShippingBody {
    #[serde(flatten)]
    rate: ShippingRateInput,
    #[serde(flatten)]
    edit: Edit,
}

#[derive(Deserialize, ToSchema)]
pub struct TaxBody {
    #[serde(flatten)]
    rate: TaxRateInput,
    #[serde(flatten)]
    edit: Edit,
}

#[derive(Deserialize, ToSchema)]
pub struct CodeBody {
    #[serde(flatten)]
    code: DiscountInput,
    #[serde(flatten)]
    edit: Edit,
}

/// Every rule, after the caller's permission, and the page the query asks for.
async fn all(
    state: &AppState,
    caller: &Caller,
    needs: Permission,
    raw: Option<&str>,
) -> Result<(CheckoutSettings, ListParams), AppError> {
    caller.staff(needs)?;
    let mut list = ListParams::default();
    super::query(raw.unwrap_or_default(), |key, value| {
        super::take_page(&mut list, key, value)
    })?;
    Ok((rates::settings(&state.db).await?, list))
}

/// The saved rule `id` of one kind, or 404.
fn find<T: Clone>(rules: &[T], id: &str, id_of: impl Fn(&T) -> &str) -> Result<T, AppError> {
    rules
        .iter()
        .find(|r| id_of(r) == id)
        .cloned()
        .ok_or_else(|| AppError::NotFound("setting".into()))
}

/// The edit of `id`: at the given version, else at the one stored now.
fn target<'a>(id: &'a str, edit: &Edit, stored: (i64, bool)) -> Target<'a> {
    Target::Edit {
        id,
        version: edit.version.unwrap_or(stored.0),
        active: edit.active.unwrap_or(stored.1),
    }
}

#[utoipa::path(get, path = "/api/v1/shipping-rates", tag = "checkout", security(("bearer" = [])),
    params(("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 50")),
    responses(
        (status = 200, description = "Active rates first, by country", body = Page<ShippingRate>),
        (status = 400, description = "A parameter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list_shipping(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (all, list) = all(&state, &caller, Permission::SettingsManage, raw.as_deref()).await?;
    Ok(super::page_of(&all.shipping, list))
}

async fn shipping(state: &AppState, id: &str) -> Result<ShippingRate, AppError> {
    find(&rates::settings(&state.db).await?.shipping, id, |r| &r.id)
}

#[utoipa::path(post, path = "/api/v1/shipping-rates", tag = "checkout", security(("bearer" = [])),
    request_body = ShippingRateInput,
    responses(
        (status = 201, description = "Added (active)", body = Success<ShippingRate>),
        (status = 400, description = "A field that does not validate (named)", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_shipping(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ShippingRateInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    let id = save_shipping(&state.db, &actor, Target::New, &input).await?;
    Ok(ok(StatusCode::CREATED, shipping(&state, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/shipping-rates/{id}", tag = "checkout", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ShippingBody,
    responses(
        (status = 200, description = "Saved", body = Success<ShippingRate>),
        (status = 400, description = "A field that does not validate", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 404, description = "No such rate", body = Failure),
        (status = 409, description = "Changed since `version`", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn edit_shipping(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<ShippingBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    let now = shipping(&state, &id).await?;
    let target = target(&id, &body.edit, (now.version, now.active));
    save_shipping(&state.db, &actor, target, &body.rate).await?;
    Ok(ok(StatusCode::OK, shipping(&state, &id).await?))
}

#[utoipa::path(delete, path = "/api/v1/shipping-rates/{id}", tag = "checkout", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Removed", body = Success<Message>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 404, description = "No such rate", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_shipping(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    setup::delete(&state.db, &actor, "shipping", &id).await?;
    Ok(ok(
        StatusCode::OK,
        Message::new("The shipping rate is removed."),
    ))
}

#[utoipa::path(get, path = "/api/v1/tax-rates", tag = "checkout", security(("bearer" = [])),
    params(("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 50")),
    responses(
        (status = 200, description = "Active rates first, by country and region", body = Page<TaxRate>),
        (status = 400, description = "A parameter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list_taxes(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (all, list) = all(&state, &caller, Permission::SettingsManage, raw.as_deref()).await?;
    Ok(super::page_of(&all.taxes, list))
}

async fn tax(state: &AppState, id: &str) -> Result<TaxRate, AppError> {
    find(&rates::settings(&state.db).await?.taxes, id, |r| &r.id)
}

#[utoipa::path(post, path = "/api/v1/tax-rates", tag = "checkout", security(("bearer" = [])),
    request_body = TaxRateInput,
    responses(
        (status = 201, description = "Added (active)", body = Success<TaxRate>),
        (status = 400, description = "A field that does not validate (named)", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 409, description = "That country and region has a rate already", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_tax(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<TaxRateInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    let id = save_tax(&state.db, &actor, Target::New, &input).await?;
    Ok(ok(StatusCode::CREATED, tax(&state, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/tax-rates/{id}", tag = "checkout", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TaxBody,
    responses(
        (status = 200, description = "Saved", body = Success<TaxRate>),
        (status = 400, description = "A field that does not validate", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 404, description = "No such rate", body = Failure),
        (status = 409, description = "Changed since `version`, or the place has a rate already", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn edit_tax(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<TaxBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    let now = tax(&state, &id).await?;
    let target = target(&id, &body.edit, (now.version, now.active));
    save_tax(&state.db, &actor, target, &body.rate).await?;
    Ok(ok(StatusCode::OK, tax(&state, &id).await?))
}

#[utoipa::path(delete, path = "/api/v1/tax-rates/{id}", tag = "checkout", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Removed", body = Success<Message>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs settings.manage", body = Failure),
        (status = 404, description = "No such rate", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_tax(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::SettingsManage)?;
    setup::delete(&state.db, &actor, "tax", &id).await?;
    Ok(ok(StatusCode::OK, Message::new("The tax rate is removed.")))
}

#[utoipa::path(get, path = "/api/v1/discount-codes", tag = "checkout", security(("bearer" = [])),
    params(("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 50")),
    responses(
        (status = 200, description = "Every code with its uses", body = Page<Discount>),
        (status = 400, description = "A parameter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs discounts.manage", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list_codes(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (all, list) = all(&state, &caller, Permission::DiscountsManage, raw.as_deref()).await?;
    Ok(super::page_of(&all.discounts, list))
}

async fn code(state: &AppState, id: &str) -> Result<Discount, AppError> {
    find(&rates::settings(&state.db).await?.discounts, id, |d| &d.id)
}

#[utoipa::path(post, path = "/api/v1/discount-codes", tag = "checkout", security(("bearer" = [])),
    request_body = DiscountInput,
    responses(
        (status = 201, description = "Added (active)", body = Success<Discount>),
        (status = 400, description = "A field that does not validate (named)", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs discounts.manage", body = Failure),
        (status = 409, description = "The code exists already", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_code(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<DiscountInput>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::DiscountsManage)?;
    let id = save_discount(&state.db, &actor, Target::New, &input).await?;
    Ok(ok(StatusCode::CREATED, code(&state, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/discount-codes/{id}", tag = "checkout", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CodeBody,
    responses(
        (status = 200, description = "Saved", body = Success<Discount>),
        (status = 400, description = "A field that does not validate, or a usage limit below the uses", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs discounts.manage", body = Failure),
        (status = 404, description = "No such code", body = Failure),
        (status = 409, description = "Changed since `version`, or the code exists already", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn edit_code(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<CodeBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::DiscountsManage)?;
    let now = code(&state, &id).await?;
    let target = target(&id, &body.edit, (now.version, now.active));
    save_discount(&state.db, &actor, target, &body.code).await?;
    Ok(ok(StatusCode::OK, code(&state, &id).await?))
}

/// Switches the code off (codes are kept: orders point at them).
#[utoipa::path(delete, path = "/api/v1/discount-codes/{id}", tag = "checkout", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Switched off; the code", body = Success<Discount>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs discounts.manage", body = Failure),
        (status = 404, description = "No such code", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_code(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::DiscountsManage)?;
    setup::delete(&state.db, &actor, "discount", &id).await?;
    Ok(ok(StatusCode::OK, code(&state, &id).await?))
}
