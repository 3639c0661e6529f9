//! HTTP edges of buying that are not pages: Stripe's webhook (the order export is
//! `exports`).

use app::platform::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "POST", "/webhooks/stripe", post(stripe_webhook));
    r.with_state(state)
}

/// Stripe's events: 400 for a bad signature or body (nothing changes), 200 once applied
/// (or already applied: a replay), 503 when it cannot be applied yet (Stripe retries).
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    match app::payments::webhook::receive(&state, signature, &body).await {
        Ok(outcome) => {
            tracing::info!(?outcome, "stripe webhook");
            axum::Json(serde_json::json!({ "received": true, "outcome": format!("{outcome:?}").to_lowercase() }))
                .into_response()
        }
        Err(err) => {
            tracing::warn!(error = %err, "stripe webhook refused");
            err.into_response()
        }
    }
}
