//! HTTP edges of buying that are not pages: Stripe's webhook and the staff order export.

use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "POST", "/webhooks/stripe", post(stripe_webhook));
    let r = add(r, "GET", "/admin/orders/export.csv", get(export));
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

async fn export(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        app::accounts::session::require_staff(&state.db, &session).await?;
        let filter = app::orders::filter::OrderFilter::from_query(query.as_deref().unwrap_or(""))?;
        app::orders::export::export_csv(&state, &filter).await
    }
    .await;
    match result {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"orders.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Err(AppError::Unauthorized) => {
            axum::response::Redirect::to("/account/login?next=%2Fadmin%2Forders").into_response()
        }
        Err(err) => err.into_response(),
    }
}
