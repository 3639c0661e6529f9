//! Paying for a checkout. "Pay" freezes the priced draft into a payment that holds the
//! stock and the discount use; the pay step ([`super::pay_step`]) shows that frozen
//! snapshot and pays it only while the draft still has the snapshot's fingerprint — so
//! what the page shows is what is charged and shipped. Pressing "Pay" again reuses the
//! open payment (and its PaymentIntent) while nothing changed; any change cancels it,
//! here and at the provider. Holds are capped: one open payment per checkout, a few per
//! client address.

use super::address::json;
use super::discounts;
use super::model::*;
use super::pending::{abandon, cancel_open, latest, Latest};
use super::service::price;
use crate::payments::attempts::{self, AttemptLine, NewAttempt, Paid};
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::jobs::{ExpirePayment, Jobs, Task};
use crate::platform::state::AppState;
use tower_sessions::Session;

/// Payments holding stock at once from one client address. One shopper needs one; a
/// household or an office behind one address a few; more is someone emptying the shop.
pub const MAX_HOLDS_PER_CLIENT: i64 = 5;

/// An open payment is reused only if it holds for at least this long still; else a new
/// one starts with a fresh hold.
const REUSE_MARGIN_MS: i64 = 2 * 60 * 1000;

/// What pressing "Pay" led to.
#[derive(Debug)]
pub enum Started {
    /// The pay step comes next.
    Pay(Box<PendingPayment>),
    /// Nothing was left to charge (a 100 % code, free shipping): this order was made.
    Paid { order_id: String },
}

/// Whether the checkout can be paid as it stands: every line buyable, contact and address
/// given, a shipping method chosen, the code and the total acceptable. Returns the
/// chosen method's name.
fn ready_to_pay(view: &CheckoutView) -> Result<String, AppError> {
    if let Some(line) = view.cart.lines.iter().find(|l| l.problem.is_some()) {
        return Err(AppError::Conflict(format!(
            "{}: {}",
            line.product_name,
            line.problem.clone().unwrap_or_default()
        )));
    }
    if view.email.is_empty() || view.address.is_none() {
        return Err(AppError::validation(
            "email",
            "enter your email and shipping address",
        ));
    }
    let shipping_name = view
        .rates
        .iter()
        .find(|r| Some(&r.id) == view.shipping_rate_id.as_ref())
        .map(|r| r.name.clone())
        .ok_or_else(|| AppError::validation("rate_id", "choose a shipping method"))?;
    if let Some(problem) = &view.discount_problem {
        return Err(AppError::validation("code", problem.clone()));
    }
    if let Some(problem) = &view.problem {
        return Err(AppError::Conflict(problem.clone()));
    }
    Ok(shipping_name)
}

/// Freezes the checkout into a payment: holds the stock of every line and one use of the
/// discount code (all or nothing), queues the hold's expiry, then asks the provider for a
/// payment of the server's total. An open payment for the very same draft is handed back
/// as it is (the same PaymentIntent); one for an older draft is cancelled first.
/// `client` is the shopper's address, for the cap on holds.
pub async fn start_payment(
    state: &AppState,
    session: &Session,
    client: &str,
) -> Result<Started, AppError> {
    let priced = price(state, session).await?;
    let view = &priced.view;
    let checkout_id = priced
        .checkout_id
        .clone()
        .ok_or_else(|| AppError::Conflict("Your cart is empty.".into()))?;
    let shipping_name = ready_to_pay(view)?;
    let fingerprint = priced.fingerprint();
    if let Some(pending) = &view.pending {
        if pending.expires_at - now_ms() > REUSE_MARGIN_MS {
            return Ok(Started::Pay(Box::new(pending.clone())));
        }
    }
    state
        .limiter
        .hit(crate::platform::limits::PAYMENT_STARTS_PER_CLIENT, client)
        .await?
        .into_result()?;
    // An earlier attempt still holding stock is given up, here and at the provider (a
    // success that still arrives makes its order: see orders::transition).
    cancel_open(state, &checkout_id, "Replaced by a new payment attempt.").await?;

    let payment_id = new_id();
    let now = now_ms();
    let expires_at = now + HOLD_MS;
    let totals = priced.totals;
    let currency = view.cart.subtotal.currency;
    let customer = priced
        .discount
        .as_ref()
        .and(priced.discount_customer.clone());
    let mut tx = state.db.begin_write().await?;
    if attempts::holding_from(&mut tx, client, now).await? >= MAX_HOLDS_PER_CLIENT {
        return Err(AppError::Conflict(
            "Too many checkouts from your connection are holding items right now. Finish one, \
             or try again in 15 minutes when their holds end."
                .into(),
        ));
    }
    for line in &view.cart.lines {
        if !crate::inventory::service::reserve(&mut tx, &line.variant_id, line.quantity).await? {
            return Err(AppError::Conflict(format!(
                "Sorry, {} ({}) sold out while you were checking out. Your cart shows what is left.",
                line.product_name,
                if line.variant_title.is_empty() { &line.sku } else { &line.variant_title }
            )));
        }
    }
    if let Some(discount) = &priced.discount {
        if !discounts::take_use(&mut tx, &discount.id, customer.as_deref()).await? {
            return Err(AppError::validation(
                "code",
                format!(
                    "{} has just been used up; remove it to continue.",
                    discount.code
                ),
            ));
        }
    }
    let address = view.address.as_ref().map(json).unwrap_or_default();
    let new = NewAttempt {
        id: &payment_id,
        checkout_id: &checkout_id,
        provider: state.payments.provider.name(),
        user_id: priced.user_id.as_deref(),
        email: &view.email,
        address: &address,
        shipping_name: &shipping_name,
        discount_id: priced.discount.as_ref().map(|d| d.id.as_str()),
        discount_code: priced.discount.as_ref().map(|d| d.code.as_str()),
        discount_customer: customer.as_deref(),
        currency: currency.code(),
        subtotal: totals.subtotal,
        discount: totals.discount,
        shipping: totals.shipping,
        tax: totals.tax,
        total: totals.total,
        tax_inclusive: totals.tax_inclusive,
        expires_at,
        client_ip: client,
        fingerprint: &fingerprint,
        lines: view
            .cart
            .lines
            .iter()
            .map(|line| AttemptLine {
                variant_id: line.variant_id.clone(),
                product_name: line.product_name.clone(),
                variant_title: line.variant_title.clone(),
                sku: line.sku.clone(),
                unit_price: line.unit_price.minor,
                quantity: line.quantity,
            })
            .collect(),
    };
    attempts::create(&mut tx, &new).await?;
    Jobs::enqueue_at_in(
        &mut tx,
        &Task::ExpirePayment(ExpirePayment {
            payment_id: payment_id.clone(),
        }),
        expires_at,
    )
    .await?;
    tx.commit().await?;
    state.cache.invalidate().await;

    // Nothing to charge (a 100 % code with free shipping): the order is made at once.
    if totals.total == 0 {
        let reference = format!("free_{payment_id}");
        attempts::set_reference(&state.db, &payment_id, &reference, None).await?;
        let order_id = crate::orders::transition::payment_succeeded(
            state,
            state.payments.provider.name(),
            &reference,
            Paid {
                amount: 0,
                currency: Some(currency.code().to_owned()),
            },
        )
        .await?;
        return Ok(Started::Paid { order_id });
    }
    let created = state
        .payments
        .provider
        .create(totals.total, currency.code(), &payment_id, &payment_id)
        .await;
    match created {
        Ok(created) => {
            attempts::set_reference(
                &state.db,
                &payment_id,
                &created.reference,
                created.client_secret.as_deref(),
            )
            .await?;
        }
        Err(err) => {
            abandon(
                state,
                &payment_id,
                "The payment provider could not be reached.",
            )
            .await?;
            return Err(err);
        }
    }
    match latest(state, &checkout_id).await? {
        Some(Latest::Pending(pending, _)) if pending.id == payment_id => Ok(Started::Pay(pending)),
        _ => Err(AppError::Conflict(
            "This payment is no longer open; review your order and pay again.".into(),
        )),
    }
}
