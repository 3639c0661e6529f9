//! Paying for a checkout. "Pay" freezes the priced draft into a payment that holds the
//! stock and the discount use; the pay step ([`super::pay_step`]) shows that frozen
//! snapshot and pays it only while the draft still has the snapshot's fingerprint — so
//! what the page shows is what is charged and shipped. Pressing "Pay" again reuses the
//! open payment (and its PaymentIntent) while nothing changed; any change cancels it,
//! here and at the provider. Holds are capped: one open payment per checkout, a few per
//! client address.

use super::model::*;
use super::pay_step::{latest, Latest};
use super::rates;
use super::service::{self, price};
use crate::accounts::token::new_id;
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;
use tower_sessions::Session;

/// The job that ends a payment's hold.
pub const EXPIRE_JOB: &str = "payment.expire";

/// Why an open payment was given up after the shopper changed the checkout.
pub const CHANGED: &str = "Your order changed after you started paying, so that payment was \
     cancelled and nothing was charged. Review your order and pay again.";

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
    let fingerprint = priced.fingerprint();
    if let Some(pending) = &view.pending {
        if pending.expires_at - now_ms() > REUSE_MARGIN_MS {
            return Ok(Started::Pay(Box::new(pending.clone())));
        }
    }
    state
        .limiter
        .hit(crate::limits::PAYMENT_STARTS_PER_CLIENT, client)
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
    let (holding,): (i64,) = sqlx::query_as(
        "select count(*) from payments where client_ip = $1 and status = 'pending' and held = 1 \
         and expires_at > $2",
    )
    .bind(client)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if holding >= MAX_HOLDS_PER_CLIENT {
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
        if !rates::take_use(&mut tx, &discount.id, customer.as_deref()).await? {
            return Err(AppError::validation(
                "code",
                format!(
                    "{} has just been used up; remove it to continue.",
                    discount.code
                ),
            ));
        }
    }
    sqlx::query(
        "insert into payments (id, checkout_id, provider, status, held, user_id, email, address, \
           shipping_name, discount_id, discount_code, discount_customer, currency, subtotal, \
           discount, shipping, tax, total, tax_inclusive, expires_at, client_ip, fingerprint, \
           created_at, updated_at) \
         values ($1, $2, $3, 'pending', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
           $16, $17, $18, $19, $20, $21, $21)",
    )
    .bind(&payment_id)
    .bind(&checkout_id)
    .bind(state.payments.provider.name())
    .bind(&priced.user_id)
    .bind(&view.email)
    .bind(view.address.as_ref().map(service::json).unwrap_or_default())
    .bind(&shipping_name)
    .bind(priced.discount.as_ref().map(|d| d.id.clone()))
    .bind(priced.discount.as_ref().map(|d| d.code.clone()))
    .bind(&customer)
    .bind(currency.code())
    .bind(totals.subtotal)
    .bind(totals.discount)
    .bind(totals.shipping)
    .bind(totals.tax)
    .bind(totals.total)
    .bind(i64::from(totals.tax_inclusive))
    .bind(expires_at)
    .bind(client)
    .bind(&fingerprint)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for (position, line) in view.cart.lines.iter().enumerate() {
        sqlx::query(
            "insert into payment_lines (payment_id, position, variant_id, product_name, \
               variant_title, sku, unit_price, quantity) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&payment_id)
        .bind(position as i64)
        .bind(&line.variant_id)
        .bind(&line.product_name)
        .bind(&line.variant_title)
        .bind(&line.sku)
        .bind(line.unit_price.minor)
        .bind(line.quantity)
        .execute(&mut *tx)
        .await?;
    }
    crate::jobs::Jobs::enqueue_at_in(
        &mut tx,
        EXPIRE_JOB,
        &crate::orders::transition::ExpirePayment {
            payment_id: payment_id.clone(),
        },
        expires_at,
    )
    .await?;
    tx.commit().await?;
    state.catalog.invalidate().await;

    // Nothing to charge (a 100 % code with free shipping): the order is made at once.
    if totals.total == 0 {
        let reference = format!("free_{payment_id}");
        set_reference(state, &payment_id, &reference, None).await?;
        let order_id = crate::orders::transition::payment_succeeded(
            state,
            state.payments.provider.name(),
            &reference,
            crate::orders::transition::Paid {
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
            set_reference(
                state,
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

async fn set_reference(
    state: &AppState,
    payment_id: &str,
    reference: &str,
    client_secret: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "update payments set reference = $2, client_secret = $3, updated_at = $4 where id = $1",
    )
    .bind(payment_id)
    .bind(reference)
    .bind(client_secret)
    .bind(now_ms())
    .execute(state.db.pool())
    .await?;
    Ok(())
}

/// Gives up every pending payment of a checkout (after a change to it).
pub async fn cancel_open(
    state: &AppState,
    checkout_id: &str,
    message: &str,
) -> Result<(), AppError> {
    let open: Vec<(String,)> =
        sqlx::query_as("select id from payments where checkout_id = $1 and status = 'pending'")
            .bind(checkout_id)
            .fetch_all(state.db.pool())
            .await?;
    for (id,) in open {
        abandon(state, &id, message).await?;
    }
    Ok(())
}

/// Gives up a pending payment: its holds are released here, then it is cancelled at the
/// provider, so a pay page still open elsewhere can no longer charge it.
pub async fn abandon(state: &AppState, payment_id: &str, message: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let changed: Option<(String, Option<String>)> = sqlx::query_as(
        "update payments set status = 'failed', held = 0, last_error = $2, updated_at = $3 \
         where id = $1 and status = 'pending' returning provider, reference",
    )
    .bind(payment_id)
    .bind(message)
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?;
    if changed.is_some() {
        crate::orders::transition::release_holds(&mut tx, payment_id).await?;
    }
    tx.commit().await?;
    if let Some((provider, reference)) = changed {
        state.catalog.invalidate().await;
        if let Some(reference) = reference {
            state.payments.cancel_abandoned(&provider, &reference).await;
        }
    }
    Ok(())
}
