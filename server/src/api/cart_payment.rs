//! Paying for a headless cart (`/api/v1/carts/{token}/payment…`): open the payment for
//! the server's total, then complete it (Stripe, after Stripe.js) or pay with the offline
//! provider's test card. The cart itself is `carts`.

use super::carts::{answer, open, CartAnswer};
use super::openapi::{Failure, Success};
use super::{ok, Body};
use app::checkout::pay_step;
use app::checkout::payment::{self, Started};
use app::platform::error::AppError;
use app::platform::sessions::SessionBackend;
use app::platform::state::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::Extension;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// The order a payment made, and the address its customer can follow it at.
#[derive(Serialize, ToSchema)]
pub struct Placed {
    order_id: String,
    /// The order's page with its guest token (also mailed to the customer).
    order_url: String,
}

fn placed(state: &AppState, order_id: String) -> Response {
    let order_url = app::orders::access::guest_path(state, &order_id);
    ok(
        StatusCode::CREATED,
        Placed {
            order_id,
            order_url,
        },
    )
}

/// Holds the stock and one use of the code for 15 minutes and opens a payment for the
/// server's total (the same one again while it is open). Answers the checkout with
/// `pending` (Stripe: confirm `pending.client_secret` with Stripe.js), or, when nothing
/// is left to pay, the order.
#[utoipa::path(post, path = "/api/v1/carts/{token}/payment", tag = "carts",
    params(("token" = String, Path)),
    responses(
        (status = 200, description = "The payment is open: `checkout.pending`", body = Success<CartAnswer>),
        (status = 201, description = "Nothing to pay: the order is made", body = Success<Placed>),
        (status = 400, description = "Contact, address or shipping method missing, or a code that no longer applies", body = Failure),
        (status = 404, description = "No such cart", body = Failure),
        (status = 409, description = "Empty, sold out since, or too many holds from this address", body = Failure),
        (status = 429, description = "Rate limit", body = Failure),
        (status = 503, description = "The payment provider cannot be reached", body = Failure)))]
pub async fn pay(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    let client = app::platform::request::client_ip(
        request.headers(),
        request.extensions(),
        state.config.trust_proxy,
    );
    match payment::start_payment(&state, &session, &client).await? {
        Started::Pay(_) => answer(&state, &session, StatusCode::OK).await,
        Started::Paid { order_id } => Ok(placed(&state, order_id)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CardBody {
    /// 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined.
    #[schema(max_length = 30)]
    card: String,
}

/// The offline test provider's card (only when Oxcart runs with it): pays the open payment.
#[utoipa::path(post, path = "/api/v1/carts/{token}/payment/test-card", tag = "carts",
    params(("token" = String, Path)), request_body = CardBody,
    responses(
        (status = 201, description = "Paid: the order", body = Success<Placed>),
        (status = 400, description = "Declined, or not a test card", body = Failure),
        (status = 403, description = "The shop takes real payments", body = Failure),
        (status = 404, description = "No such cart, or no open payment", body = Failure),
        (status = 409, description = "The checkout changed since the payment opened (it is cancelled)", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn test_card(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    Body(body): Body<CardBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    let order_id = pay_step::pay_test(&state, &session, &body.card).await?;
    Ok(placed(&state, order_id))
}

#[derive(Deserialize, ToSchema)]
pub struct CompleteBody {
    /// The provider's payment reference (Stripe: the PaymentIntent id, `pi_…`).
    #[schema(max_length = 255)]
    payment_intent: String,
}

/// After the client confirmed the payment with the provider: asks the provider and makes
/// the order (the provider's webhook does the same; whichever comes first makes it once).
#[utoipa::path(post, path = "/api/v1/carts/{token}/payment/complete", tag = "carts",
    params(("token" = String, Path)), request_body = CompleteBody,
    responses(
        (status = 201, description = "Paid: the order", body = Success<Placed>),
        (status = 202, description = "Still processing at the provider: ask again shortly", body = Success<CartAnswer>),
        (status = 400, description = "The payment failed (the reason says why)", body = Failure),
        (status = 404, description = "No such cart, or no such payment of it", body = Failure),
        (status = 429, description = "Rate limit", body = Failure),
        (status = 503, description = "The payment provider cannot be reached", body = Failure)))]
pub async fn complete(
    State(state): State<AppState>,
    Extension(store): Extension<Arc<SessionBackend>>,
    Path(token): Path<String>,
    Body(body): Body<CompleteBody>,
) -> Result<Response, AppError> {
    let session = open(&store, &token).await?;
    match pay_step::complete_return(&state, &session, &body.payment_intent).await? {
        Some(order_id) => Ok(placed(&state, order_id)),
        None => answer(&state, &session, StatusCode::ACCEPTED).await,
    }
}
