//! A checkout's open payment attempt: the latest one as the pages show it (its frozen
//! snapshot, and the fingerprint it was priced at), and giving it up when the checkout
//! changes, here and at the provider.

use super::address::parse_address;
use super::model::*;
use super::settle;
use crate::payments::attempts::{self, Key};
use crate::payments::AttemptStatus;
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;

/// Why an open payment was given up after the shopper changed the checkout.
pub const CHANGED: &str = "Your order changed after you started paying, so that payment was \
     cancelled and nothing was charged. Review your order and pay again.";

/// The latest payment of a checkout, as the pages need it.
pub(super) enum Latest {
    /// Pending, with the fingerprint of what it pays for.
    Pending(Box<PendingPayment>, String),
    /// The last attempt failed, with its message.
    Failed(Option<String>),
}

/// The checkout's latest payment: pending (with its snapshot) or failed.
pub(super) async fn latest(
    state: &AppState,
    checkout_id: &str,
) -> Result<Option<Latest>, AppError> {
    let Some(r) = attempts::latest_of_checkout(&state.db, checkout_id, None).await? else {
        return Ok(None);
    };
    match r.status() {
        Some(AttemptStatus::Pending) => {}
        Some(AttemptStatus::Failed) => return Ok(Some(Latest::Failed(r.last_error))),
        _ => return Ok(None),
    }
    let currency = Currency::parse(&r.currency).unwrap_or_default();
    let m = |minor| Money::new(minor, currency);
    let mut conn = state.db.pool().acquire().await?;
    let lines = attempts::lines(&mut conn, &r.id).await?;
    drop(conn);
    let summary = PaymentSummary {
        lines: lines
            .into_iter()
            .map(|l| PaidLine {
                line_total: m(l.unit_price.saturating_mul(l.quantity)),
                product_name: l.product_name,
                variant_title: l.variant_title,
                sku: l.sku,
                quantity: l.quantity,
            })
            .collect(),
        totals: MoneyTotals {
            subtotal: m(r.subtotal),
            discount: m(r.discount),
            shipping: m(r.shipping),
            tax: m(r.tax),
            total: m(r.total),
            tax_inclusive: r.tax_inclusive == 1,
        },
        email: r.email,
        address: parse_address(&r.address).unwrap_or_default(),
        shipping_name: r.shipping_name,
        discount_code: r.discount_code,
    };
    let pending = PendingPayment {
        id: r.id,
        total: m(r.total),
        client_secret: r.client_secret,
        expires_at: r.expires_at,
        last_error: None,
        summary,
    };
    Ok(Some(Latest::Pending(Box::new(pending), r.fingerprint)))
}

/// Gives up every pending payment of a checkout (after a change to it).
pub async fn cancel_open(
    state: &AppState,
    checkout_id: &str,
    message: &str,
) -> Result<(), AppError> {
    for id in attempts::pending_of_checkout(&state.db, checkout_id).await? {
        abandon(state, &id, message).await?;
    }
    Ok(())
}

/// Gives up a pending payment: its holds are released here, then it is cancelled at the
/// provider, so a pay page still open elsewhere can no longer charge it.
pub async fn abandon(state: &AppState, payment_id: &str, message: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let ended = settle::fail(&mut tx, Key::Id(payment_id), message).await?;
    tx.commit().await?;
    if let Some(ended) = ended {
        state.cache.invalidate().await;
        if let Some(reference) = ended.reference {
            state
                .payments
                .cancel_abandoned(&ended.provider, &reference)
                .await;
        }
    }
    Ok(())
}
