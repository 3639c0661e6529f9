//! The pay step: the checkout's latest payment as the pages show it (its frozen snapshot,
//! and the fingerprint it was priced at), the offline provider's card step, and the
//! shopper's return from Stripe. A payment is paid here only while the checkout still
//! has its fingerprint; a changed checkout cancels it instead.

use super::model::*;
use super::payment::{abandon, CHANGED};
use super::service::{self, price, session_error, CHECKOUT};
use crate::catalog::model::{Currency, Money};
use crate::error::AppError;
use crate::state::AppState;
use tower_sessions::Session;

/// The latest payment of a checkout, as the pages need it.
pub(super) enum Latest {
    /// Pending, with the fingerprint of what it pays for.
    Pending(Box<PendingPayment>, String),
    /// The last attempt failed, with its message.
    Failed(Option<String>),
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: String,
    status: String,
    fingerprint: String,
    client_secret: Option<String>,
    expires_at: i64,
    last_error: Option<String>,
    currency: String,
    email: String,
    address: String,
    shipping_name: String,
    discount_code: Option<String>,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
    tax_inclusive: i64,
}

/// The checkout's latest payment: pending (with its snapshot) or failed.
pub(super) async fn latest(
    state: &AppState,
    checkout_id: &str,
) -> Result<Option<Latest>, AppError> {
    let row: Option<PaymentRow> = sqlx::query_as(
        "select id, status, fingerprint, client_secret, expires_at, last_error, currency, email, \
           address, shipping_name, discount_code, subtotal, discount, shipping, tax, total, \
           tax_inclusive from payments where checkout_id = $1 order by created_at desc limit 1",
    )
    .bind(checkout_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    match r.status.as_str() {
        "pending" => {}
        "failed" => return Ok(Some(Latest::Failed(r.last_error))),
        _ => return Ok(None),
    }
    let currency = Currency::parse(&r.currency).unwrap_or_default();
    let m = |minor| Money::new(minor, currency);
    let lines: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "select product_name, variant_title, sku, unit_price, quantity from payment_lines \
         where payment_id = $1 order by position",
    )
    .bind(&r.id)
    .fetch_all(state.db.pool())
    .await?;
    let summary = PaymentSummary {
        lines: lines
            .into_iter()
            .map(
                |(product_name, variant_title, sku, unit_price, quantity)| PaidLine {
                    product_name,
                    variant_title,
                    sku,
                    quantity,
                    line_total: m(unit_price.saturating_mul(quantity)),
                },
            )
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
        address: service::parse_address(&r.address).unwrap_or_default(),
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

/// The session's payment in progress: (payment id, provider reference, total,
/// fingerprint).
async fn pending_payment(
    state: &AppState,
    session: &Session,
) -> Result<(String, String, i64, String), AppError> {
    let Some(checkout) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(session_error)?
    else {
        return Err(AppError::Conflict(
            "There is no payment in progress.".into(),
        ));
    };
    let row: Option<(String, Option<String>, i64, String)> = sqlx::query_as(
        "select id, reference, total, fingerprint from payments where checkout_id = $1 \
         and status = 'pending' order by created_at desc limit 1",
    )
    .bind(&checkout)
    .fetch_optional(state.db.pool())
    .await?;
    match row {
        Some((id, Some(reference), total, print)) => Ok((id, reference, total, print)),
        _ => Err(AppError::Conflict(
            "There is no payment in progress; review your order and pay again.".into(),
        )),
    }
}

/// The offline provider's card step. Returns the new order's id.
pub async fn pay_test(state: &AppState, session: &Session, card: &str) -> Result<String, AppError> {
    use crate::payments::{card_digits, TEST_CARD_DECLINED, TEST_CARD_OK};
    if state.payments.provider.name() != crate::payments::test::NAME {
        return Err(AppError::Forbidden);
    }
    let digits = card_digits(card);
    if digits != TEST_CARD_OK && digits != TEST_CARD_DECLINED {
        return Err(AppError::validation(
            "card",
            "this is the test payment step: use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined)",
        ));
    }
    let (id, reference, total, print) = pending_payment(state, session).await?;
    // What the pay page showed is what is paid: a draft changed since (another tab, a
    // price changed by staff) cancels the payment instead.
    if price(state, session).await?.fingerprint() != print {
        abandon(state, &id, CHANGED).await?;
        return Err(AppError::Conflict(CHANGED.into()));
    }
    let provider = crate::payments::test::NAME;
    if digits == TEST_CARD_OK {
        let currency: Option<(String,)> =
            sqlx::query_as("select currency from payments where id = $1")
                .bind(&id)
                .fetch_optional(state.db.pool())
                .await?;
        let paid = crate::orders::transition::Paid {
            amount: total,
            currency: currency.map(|(c,)| c),
        };
        crate::orders::transition::payment_succeeded(state, provider, &reference, paid).await
    } else {
        let message = "Your card was declined. Try another card.";
        crate::orders::transition::payment_failed(state, provider, &reference, message).await?;
        Err(AppError::validation("card", message))
    }
}

/// The shopper is back from the provider (Stripe's return URL): asks the provider and, if
/// the payment succeeded, goes through the same transition as the webhook. Returns the
/// order's id, or `None` if the payment is still processing.
pub async fn complete_return(
    state: &AppState,
    session: &Session,
    reference: &str,
) -> Result<Option<String>, AppError> {
    let Some(checkout) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(session_error)?
    else {
        return Err(AppError::NotFound("payment".into()));
    };
    let known: Option<(String,)> =
        sqlx::query_as("select id from payments where checkout_id = $1 and reference = $2")
            .bind(&checkout)
            .bind(reference)
            .fetch_optional(state.db.pool())
            .await?;
    if known.is_none() {
        return Err(AppError::NotFound("payment".into()));
    }
    let provider = state.payments.provider.name();
    match state.payments.provider.status(reference).await? {
        crate::payments::RemoteStatus::Succeeded { amount, currency } => {
            let paid = crate::orders::transition::Paid {
                amount,
                currency: Some(currency),
            };
            Ok(Some(
                crate::orders::transition::payment_succeeded(state, provider, reference, paid)
                    .await?,
            ))
        }
        crate::payments::RemoteStatus::Failed { message } => {
            crate::orders::transition::payment_failed(state, provider, reference, &message).await?;
            Err(AppError::validation("card", message))
        }
        crate::payments::RemoteStatus::Pending => Ok(None),
    }
}
