//! `/api/v1/inventory`: stock levels, adjustments and the ledger, for staff and keys
//! holding `inventory.adjust` (the inventory page's permission). An adjustment is the
//! page's: refused, with nothing written, if it would leave fewer on hand than
//! checkouts hold.

use super::caller::Caller;
use super::openapi::{Failure, Page, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::inventory::model::{Movement, Reason, StockLevel};
use app::inventory::{read, service};
use app::platform::error::AppError;
use app::platform::state::AppState;
use app::web::pagination::ListParams;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/api/v1/inventory", get(levels));
    let r = add(r, "GET", "/api/v1/inventory/ledger", get(ledger));
    let r = add(
        r,
        "POST",
        "/api/v1/inventory/{variant_id}/adjustments",
        post(adjust),
    );
    r.with_state(state)
}

/// Every variant's stock, closest to running out first.
#[utoipa::path(get, path = "/api/v1/inventory", tag = "inventory", security(("bearer" = [])),
    params(
        ("search" = Option<String>, Query, nullable = false, max_length = 100, description = "Part of the SKU or product name"),
        ("low" = Option<bool>, Query, nullable = false, description = "Only variants at or under their low-stock threshold"),
        ("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 50"),
        ("sort" = Option<String>, Query, nullable = false, pattern = "^(|available|sku)$", description = "available or sku (default: closest to the threshold)"),
        ("order" = Option<String>, Query, nullable = false, pattern = "^(|asc|desc)$", description = "asc or desc")),
    responses(
        (status = 200, description = "A page of stock levels", body = Page<StockLevel>),
        (status = 400, description = "A parameter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs inventory.adjust", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn levels(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    caller.staff(Permission::InventoryAdjust)?;
    let (mut list, mut search, mut low) = (ListParams::default(), String::new(), false);
    super::query(raw.as_deref().unwrap_or_default(), |key, value| {
        if list.take(key, value, &["available", "sku"])? {
            return Ok(true);
        }
        match key {
            "search" => search = super::short(value, "search", 100)?.to_owned(),
            "low" => {
                low = value
                    .parse()
                    .map_err(|_| AppError::validation("low", "true or false"))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let page = read::page(&state, &search, low, list).await?;
    Ok(app::web::envelope::page(&page.levels, &page.pagination))
}

/// Every change of stock, newest first: sales, restocks, edits and adjustments.
#[utoipa::path(get, path = "/api/v1/inventory/ledger", tag = "inventory", security(("bearer" = [])),
    params(
        ("variant_id" = Option<String>, Query, nullable = false, description = "One variant's entries"),
        ("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 50")),
    responses(
        (status = 200, description = "A page of ledger entries", body = Page<Movement>),
        (status = 400, description = "A parameter that does not parse", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs inventory.adjust", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn ledger(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    caller.staff(Permission::InventoryAdjust)?;
    let (mut list, mut variant) = (ListParams::default(), None::<String>);
    super::query(raw.as_deref().unwrap_or_default(), |key, value| {
        if key != "sort" && key != "order" && list.take(key, value, &[])? {
            return Ok(true);
        }
        if key == "variant_id" {
            variant = Some(value.to_owned());
            return Ok(true);
        }
        Ok(false)
    })?;
    let (rows, pagination) = read::ledger(&state, variant.as_deref(), list).await?;
    Ok(app::web::envelope::page(&rows, &pagination))
}

#[derive(Deserialize, ToSchema)]
pub struct AdjustBody {
    /// Units in (positive) or out (negative), not 0.
    #[schema(minimum = -1_000_000, maximum = 1_000_000)]
    #[serde(deserialize_with = "super::whole")]
    delta: i64,
    /// received, damaged or correction.
    #[schema(pattern = "^(received|damaged|correction)$")]
    reason: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    note: String,
}

/// The variant's stock after an adjustment.
#[derive(Serialize, ToSchema)]
pub struct Adjusted {
    variant_id: String,
    on_hand: i64,
}

#[utoipa::path(post, path = "/api/v1/inventory/{variant_id}/adjustments", tag = "inventory",
    security(("bearer" = [])), params(("variant_id" = String, Path)), request_body = AdjustBody,
    responses(
        (status = 201, description = "Adjusted, and written to the ledger", body = Success<Adjusted>),
        (status = 400, description = "Delta 0 or too large, unknown reason, or more removed than is free", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs inventory.adjust", body = Failure),
        (status = 404, description = "No such variant", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn adjust(
    State(state): State<AppState>,
    caller: Caller,
    Path(variant_id): Path<String>,
    Body(body): Body<AdjustBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::InventoryAdjust)?;
    let reason = Reason::parse(body.reason.trim())
        .ok_or_else(|| AppError::validation("reason", "received, damaged or correction"))?;
    let on_hand =
        service::adjust(&state, &actor, &variant_id, body.delta, reason, &body.note).await?;
    Ok(ok(
        StatusCode::CREATED,
        Adjusted {
            variant_id,
            on_hand,
        },
    ))
}
