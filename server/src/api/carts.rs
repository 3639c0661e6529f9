//! `/api/v1/carts`: the cart and checkout for headless front ends. A cart is named by an
//! unguessable token (128 random bits): a server-side session of its own, kept 30 days
//! from its last use, which no cookie points to. Every step calls the same service
//! function as the storefront's checkout, so stock, prices, codes, rates, taxes and the
//! amount charged are the server's, never the client's. Every answer is the whole priced
//! checkout (`CheckoutView`): lines, problems, rates for the address, totals, the open
//! payment.
//!
//! Payment (`cart_payment`): `POST …/payment` holds the stock and opens a payment for the server's total;
//! with Stripe the client confirms `pending.client_secret` with Stripe.js, then calls
//! `…/payment/complete`; with the offline test provider, `…/payment/test-card`.

use super::cart_payment;
use super::openapi::{Failure, Success};
use super::{ok, Body};
use app::accounts::model::AddressInput;
use app::checkout::model::CheckoutView;
use app::checkout::{service as checkout, steps};
use app::platform::error::AppError;
use app::platform::sessions::SessionBackend;
use app::platform::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_sessions::session::{Expiry, Id};
use tower_sessions::Session;
use utoipa::ToSchema;

/// Marks a session as an API cart: only those are carts (a browser's session is not).
const API_CART: &str = "api_cart";
/// A cart lasts this long after its last use.
const IDLE: time::Duration = time::Duration::days(30);

pub fn router(state: AppState, store: SessionBackend) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "POST", "/api/v1/carts", post(create));
    let r = add(r, "GET", "/api/v1/carts/{token}", get(show));
    let r = add(r, "POST", "/api/v1/carts/{token}/lines", post(add_line));
    let r = add(
        r,
        "PUT",
        "/api/v1/carts/{token}/lines/{variant_id}",
        put(set_line),
    );
    let r = add(
        r,
        "DELETE",
        "/api/v1/carts/{token}/lines/{variant_id}",
        delete(remove_line),
    );
    let r = add(r, "PUT", "/api/v1/carts/{token}/discount", put(discount));
    let r = add(r, "PUT", "/api/v1/carts/{token}/contact", put(contact));
    let r = add(r, "PUT", "/api/v1/carts/{token}/shipping", put(shipping));
    let r = add(
        r,
        "POST",
        "/api/v1/carts/{token}/payment",
        post(cart_payment::pay),
    );
    let r = add(
        r,
        "POST",
        "/api/v1/carts/{token}/payment/test-card",
        post(cart_payment::test_card),
    );
    let r = add(
        r,
        "POST",
        "/api/v1/carts/{token}/payment/complete",
        post(cart_payment::complete),
    );
    r.layer(Extension(Arc::new(store))).with_state(state)
}

/// The cart `token` names; an unknown, expired or non-cart token is 404.
pub(super) async fn open(store: &Arc<SessionBackend>, token: &str) -> Result<Session, AppError> {
    let not_found = || AppError::NotFound("cart".into());
    let id: Id = token.parse().map_err(|_| not_found())?;
    let session = Session::new(Some(id), store.clone(), Some(Expiry::OnInactivity(IDLE)));
    match session.get::<bool>(API_CART).await {
        Ok(Some(true)) => Ok(session),
        Ok(_) => Err(not_found()),
        Err(err) => Err(AppError::Internal(anyhow::anyhow!("cart session: {err}"))),
    }
}

/// A cart: its token, and the checkout priced now.
#[derive(Serialize, ToSchema)]
pub struct CartAnswer {
    /// Keep it secret: whoever holds it can change the cart and pay for it.
    token: String,
    checkout: CheckoutView,
}

/// Saves the session (its cart and checkout ids, and a fresh expiry) and answers with
/// the checkout as it now is.
pub(super) async fn answer(
    state: &AppState,
    session: &Session,
    status: StatusCode,
) -> Result<Response, AppError> {
    let view = checkout::view(state, session).await?;
    session
        .save()
        .await
        .map_err(|err| AppError::Internal(anyhow::anyhow!("cart session: {err}")))?;
    let token = session.id().map(|id| id.to_string()).unwrap_or_default();
    Ok(ok(
        status,
        CartAnswer {
            token,
            checkout: view,
        },
    ))
}

/// A new, empty cart.
#[utoipa::path(post, path = "/api/v1/carts", tag = "carts",
    responses(
        (status = 201, description = "Made: keep the token", body = Success<CartAnswer>),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
) -> Result<Response, AppError> {
    let session = Session::new(None, store, Some(Expiry::OnInactivity(IDLE)));
    session
        .insert(API_CART, true)
        .await
        .map_err(|err| AppError::Internal(anyhow::anyhow!("cart session: {err}")))?;
    answer(&state, &session, StatusCode::CREATED).await
}

#[utoipa::path(get, path = "/api/v1/carts/{token}", tag = "carts",
    params(("token" = String, Path)),
    responses(
        (status = 200, description = "The cart and its checkout, priced now", body = Success<CartAnswer>),
        (status = 404, description = "No such cart (or expired)", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn show(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    answer(&state, &session, StatusCode::OK).await
}

#[derive(Deserialize, ToSchema)]
pub struct LineBody {
    variant_id: String,
    /// 1–99 more of it (capped by what is left).
    #[serde(deserialize_with = "super::whole")]
    #[schema(minimum = 1, maximum = 99)]
    quantity: i64,
}

/// Adds units of a variant to what the cart has.
#[utoipa::path(post, path = "/api/v1/carts/{token}/lines", tag = "carts",
    params(("token" = String, Path)), request_body = LineBody,
    responses(
        (status = 200, description = "Added", body = Success<CartAnswer>),
        (status = 400, description = "A quantity outside 1–99, or more than is left", body = Failure),
        (status = 404, description = "No such cart, or no such product on sale", body = Failure),
        (status = 409, description = "Sold out", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn add_line(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    Body(body): Body<LineBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    let quantity = body.quantity.to_string();
    app::cart::service::add(&state, &session, &body.variant_id, &quantity).await?;
    steps::cart_changed(&state, &session).await?;
    answer(&state, &session, StatusCode::OK).await
}

#[derive(Deserialize, ToSchema)]
pub struct QuantityBody {
    /// 0 removes the line.
    #[serde(deserialize_with = "super::whole")]
    #[schema(minimum = 0, maximum = 99)]
    quantity: i64,
}

/// Sets a line's quantity.
#[utoipa::path(put, path = "/api/v1/carts/{token}/lines/{variant_id}", tag = "carts",
    params(("token" = String, Path), ("variant_id" = String, Path)), request_body = QuantityBody,
    responses(
        (status = 200, description = "Changed", body = Success<CartAnswer>),
        (status = 400, description = "A quantity outside 0–99, or more than is left", body = Failure),
        (status = 404, description = "No such cart, or the variant is not in it", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn set_line(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path((token, variant)): Path<(String, String)>,
    Body(body): Body<QuantityBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    change_line(&state, &session, &variant, body.quantity).await
}

#[utoipa::path(delete, path = "/api/v1/carts/{token}/lines/{variant_id}", tag = "carts",
    params(("token" = String, Path), ("variant_id" = String, Path)),
    responses(
        (status = 200, description = "Removed (or was not there)", body = Success<CartAnswer>),
        (status = 404, description = "No such cart", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn remove_line(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path((token, variant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    change_line(&state, &session, &variant, 0).await
}

async fn change_line(
    state: &AppState,
    session: &Session,
    variant: &str,
    quantity: i64,
) -> Result<Response, AppError> {
    let quantity = quantity.to_string();
    app::cart::service::set_quantity(state, session, variant, &quantity).await?;
    steps::cart_changed(state, session).await?;
    answer(state, session, StatusCode::OK).await
}

#[derive(Deserialize, ToSchema)]
pub struct CodeBody {
    /// Empty removes the code.
    #[schema(max_length = 40)]
    code: String,
}

/// Applies a discount code (checked against the cart now) or, empty, removes it.
#[utoipa::path(put, path = "/api/v1/carts/{token}/discount", tag = "carts",
    params(("token" = String, Path)), request_body = CodeBody,
    responses(
        (status = 200, description = "Applied", body = Success<CartAnswer>),
        (status = 400, description = "The code does not exist or does not apply (the reason says why)", body = Failure),
        (status = 404, description = "No such cart", body = Failure),
        (status = 409, description = "The cart is empty", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn discount(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    Body(body): Body<CodeBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    super::short(&body.code, "code", 40)?;
    steps::apply_discount(&state, &session, &body.code).await?;
    answer(&state, &session, StatusCode::OK).await
}

#[derive(Deserialize, ToSchema)]
pub struct ContactBody {
    /// Where the receipt and the shipping mails go.
    #[schema(max_length = 254)]
    email: String,
    address: AddressInput,
}

/// The contact email and the shipping address; the rates for its country follow.
#[utoipa::path(put, path = "/api/v1/carts/{token}/contact", tag = "carts",
    params(("token" = String, Path)), request_body = ContactBody,
    responses(
        (status = 200, description = "Saved; `rates` lists the shipping methods for the address", body = Success<CartAnswer>),
        (status = 400, description = "An email or address field that does not validate (named)", body = Failure),
        (status = 404, description = "No such cart", body = Failure),
        (status = 409, description = "The cart is empty", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn contact(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    Body(body): Body<ContactBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    steps::save_contact(&state, &session, &body.email, None, &body.address).await?;
    answer(&state, &session, StatusCode::OK).await
}

#[derive(Deserialize, ToSchema)]
pub struct ShippingBody {
    /// One of the checkout's `rates`.
    rate_id: String,
}

#[utoipa::path(put, path = "/api/v1/carts/{token}/shipping", tag = "carts",
    params(("token" = String, Path)), request_body = ShippingBody,
    responses(
        (status = 200, description = "Chosen; the totals include it", body = Success<CartAnswer>),
        (status = 400, description = "No address yet, or not one of the rates offered", body = Failure),
        (status = 404, description = "No such cart", body = Failure),
        (status = 409, description = "The cart is empty", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn shipping(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    Body(body): Body<ShippingBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    steps::choose_shipping(&state, &session, &body.rate_id).await?;
    answer(&state, &session, StatusCode::OK).await
}
