//! The one way an order comes to exist, and the other payment events.
//!
//! Every event about a payment — the webhook, the shopper's return, the test card step,
//! the expiry job — ends here, keyed by the payment (provider + reference). Each is one
//! transaction that starts with a conditional update of the payment's status: of two
//! racing deliveries, one changes the row and does the work, the other changes nothing
//! and finds the order the first made. `orders.payment_id` is unique besides, so even a
//! bug here could not make a second order for one payment.

use crate::accounts::token::new_id;
use crate::db::now_ms;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::inventory::service as inventory;
use crate::state::AppState;

/// What the provider says was captured.
#[derive(Debug, Clone)]
pub struct Paid {
    pub amount: i64,
    /// ISO code in any case; `None` when the provider did not say.
    pub currency: Option<String>,
}

/// The payload of the expiry job of a payment's hold.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExpirePayment {
    pub payment_id: String,
}

/// What a provider event does.
#[derive(Debug, Clone)]
pub enum Effect {
    Succeeded {
        reference: String,
        paid: Paid,
    },
    Failed {
        reference: String,
        message: String,
    },
    /// The provider's total refunded so far for the payment.
    Refunded {
        reference: String,
        amount_refunded: i64,
    },
}

/// What the transition found to do; the caller acts after the commit.
#[derive(Debug, Default)]
struct After {
    jobs: bool,
    stock: bool,
    /// An order that must not stand (a late payment over its code's limit): cancelled
    /// and refunded in full, with the reason.
    void: Option<(String, String)>,
}

impl After {
    async fn run(self, state: &AppState) {
        if self.jobs {
            state.jobs.notify();
        }
        if self.stock {
            state.catalog.invalidate().await;
        }
        if let Some((order_id, reason)) = self.void {
            if let Err(err) = super::actions::cancel(state, None, &order_id, &reason).await {
                // The order stays paid and on hold; staff see why on its timeline.
                tracing::error!(order_id, error = %err, "could not void a late payment");
            }
        }
    }
}

/// Applies a provider event once: its id is recorded in the same transaction as its
/// effect, so a redelivery finds it and changes nothing; the exact signed request seen
/// twice is refused as a replay.
pub async fn apply_event(
    state: &AppState,
    provider: &str,
    signature: &str,
    event_id: &str,
    kind: &str,
    effect: Effect,
) -> Result<crate::payments::webhook::Outcome, AppError> {
    use crate::payments::webhook::Outcome;
    let mut tx = state.db.begin_write().await?;
    // A signature is only valid for 300 s, so older ones need not be kept.
    let now = now_ms();
    sqlx::query("delete from webhook_deliveries where received_at < $1")
        .bind(now - 2 * crate::payments::webhook::TOLERANCE_S * 1000)
        .execute(&mut *tx)
        .await?;
    let first = sqlx::query(
        "insert into webhook_deliveries (signature, received_at) values ($1, $2) \
         on conflict (signature) do nothing",
    )
    .bind(signature)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !first {
        return Err(AppError::Validation {
            field: Some("Stripe-Signature".into()),
            message: "this signed request was received before (a replay)".into(),
        });
    }
    let fresh = sqlx::query(
        "insert into webhook_events (id, kind, received_at) values ($1, $2, $3) \
         on conflict (id) do nothing",
    )
    .bind(format!("{provider}:{event_id}"))
    .bind(kind)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !fresh {
        // Keep the signature: the same request again is a replay.
        tx.commit().await?;
        return Ok(Outcome::Duplicate);
    }
    let mut after = After::default();
    match effect {
        Effect::Succeeded { reference, paid } => {
            succeed_in(state, &mut tx, provider, &reference, &paid, &mut after).await?;
        }
        Effect::Failed { reference, message } => {
            fail_in(&mut tx, provider, &reference, &message, &mut after).await?;
        }
        Effect::Refunded {
            reference,
            amount_refunded,
        } => {
            refunded_in(
                state,
                &mut tx,
                provider,
                &reference,
                amount_refunded,
                &mut after,
            )
            .await?;
        }
    }
    tx.commit().await?;
    after.run(state).await;
    Ok(Outcome::Applied)
}

/// The payment succeeded: makes its order (once) and returns the order's id.
pub async fn payment_succeeded(
    state: &AppState,
    provider: &str,
    reference: &str,
    paid: Paid,
) -> Result<String, AppError> {
    let mut tx = state.db.begin_write().await?;
    let mut after = After::default();
    let order = succeed_in(state, &mut tx, provider, reference, &paid, &mut after).await?;
    tx.commit().await?;
    after.run(state).await;
    Ok(order)
}

/// The payment was declined: its holds are released (the shopper may try again).
pub async fn payment_failed(
    state: &AppState,
    provider: &str,
    reference: &str,
    message: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let mut after = After::default();
    fail_in(&mut tx, provider, reference, message, &mut after).await?;
    tx.commit().await?;
    after.run(state).await;
    Ok(())
}

/// The expiry job: a payment still pending when its hold runs out gives the stock and
/// the discount use back, and is cancelled at the provider. A payment that succeeds
/// anyway (it was confirmed just before) still makes its order, under the late rules.
pub async fn expire(state: &AppState, payment_id: &str) -> Result<bool, AppError> {
    let mut tx = state.db.begin_write().await?;
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "update payments set status = 'expired', held = 0, updated_at = $2 \
         where id = $1 and status = 'pending' and expires_at <= $2 returning provider, reference",
    )
    .bind(payment_id)
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?;
    if row.is_some() {
        release_holds(&mut tx, payment_id).await?;
    }
    tx.commit().await?;
    let expired = row.is_some();
    if let Some((provider, reference)) = row {
        state.catalog.invalidate().await;
        if let Some(reference) = reference {
            state.payments.cancel_abandoned(&provider, &reference).await;
        }
    }
    Ok(expired)
}

/// Gives back what a payment held: its stock and its discount use.
pub async fn release_holds(conn: &mut AnyConnection, payment_id: &str) -> Result<(), AppError> {
    let lines: Vec<(String, i64)> =
        sqlx::query_as("select variant_id, quantity from payment_lines where payment_id = $1")
            .bind(payment_id)
            .fetch_all(&mut *conn)
            .await?;
    for (variant_id, quantity) in lines {
        inventory::release(conn, &variant_id, quantity).await?;
    }
    let discount: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("select discount_id, discount_customer from payments where id = $1")
            .bind(payment_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((Some(discount_id), customer)) = discount {
        crate::checkout::rates::release_use(conn, &discount_id, customer.as_deref()).await?;
    }
    Ok(())
}

async fn fail_in(
    conn: &mut AnyConnection,
    provider: &str,
    reference: &str,
    message: &str,
    after: &mut After,
) -> Result<(), AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "update payments set status = 'failed', held = 0, last_error = $3, updated_at = $4 \
         where provider = $1 and reference = $2 and status = 'pending' returning id",
    )
    .bind(provider)
    .bind(reference)
    .bind(message)
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    // Only a pending payment holds anything (expiry and failure end both), so the row
    // changing here means its holds are still in place.
    if let Some((payment_id,)) = row {
        release_holds(conn, &payment_id).await?;
        // The units are available again: cached product pages must say so.
        after.stock = true;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: String,
    checkout_id: String,
    user_id: Option<String>,
    email: String,
    address: String,
    shipping_name: String,
    discount_id: Option<String>,
    discount_code: Option<String>,
    discount_customer: Option<String>,
    currency: String,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
    tax_inclusive: i64,
}

async fn succeed_in(
    state: &AppState,
    conn: &mut AnyConnection,
    provider: &str,
    reference: &str,
    paid: &Paid,
    after: &mut After,
) -> Result<String, AppError> {
    let amount = paid.amount;
    let now = now_ms();
    // The snapshot to make the order from; whether this delivery makes it is decided by
    // the conditional update that follows, not by what is read here.
    let before: Option<PaymentRow> = sqlx::query_as(
        "select id, checkout_id, user_id, email, address, shipping_name, discount_id, \
           discount_code, discount_customer, currency, subtotal, discount, shipping, tax, total, \
           tax_inclusive from payments where provider = $1 and reference = $2",
    )
    .bind(provider)
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(payment) = before else {
        return Err(AppError::NotFound("payment".into()));
    };
    let won = sqlx::query(
        "update payments set status = 'succeeded', last_error = null, updated_at = $2 \
         where id = $1 and status <> 'succeeded'",
    )
    .bind(&payment.id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !won {
        let (order,): (String,) = sqlx::query_as("select id from orders where payment_id = $1")
            .bind(&payment.id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(order);
    }
    // The row is ours now (on PostgreSQL the update waited for any racing transaction on
    // it), so `held` read now is current: 1 while the stock and the discount use are still
    // held, 0 if the payment failed or expired first and gave them back.
    let (held,): (i64,) = sqlx::query_as("select held from payments where id = $1")
        .bind(&payment.id)
        .fetch_one(&mut *conn)
        .await?;
    let held = held == 1;
    sqlx::query("update payments set held = 0 where id = $1")
        .bind(&payment.id)
        .execute(&mut *conn)
        .await?;

    let (number,): (i64,) = sqlx::query_as(
        "update counters set value = value + 1 where name = 'order_number' returning value",
    )
    .fetch_one(&mut *conn)
    .await?;
    let order_id = new_id();
    sqlx::query(
        "insert into orders (id, number, payment_id, checkout_id, user_id, email, status, \
           payment_status, currency, subtotal, discount, shipping, tax, total, tax_inclusive, \
           captured, refunded, address, shipping_name, discount_code, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, 'paid', 'paid', $7, $8, $9, $10, $11, $12, $13, $14, 0, \
           $15, $16, $17, $18, $18)",
    )
    .bind(&order_id)
    .bind(number)
    .bind(&payment.id)
    .bind(&payment.checkout_id)
    .bind(&payment.user_id)
    .bind(&payment.email)
    .bind(&payment.currency)
    .bind(payment.subtotal)
    .bind(payment.discount)
    .bind(payment.shipping)
    .bind(payment.tax)
    .bind(payment.total)
    .bind(payment.tax_inclusive)
    .bind(amount)
    .bind(&payment.address)
    .bind(&payment.shipping_name)
    .bind(&payment.discount_code)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into order_lines (order_id, position, variant_id, product_name, variant_title, \
           sku, unit_price, quantity) \
         select $1, position, variant_id, product_name, variant_title, sku, unit_price, quantity \
         from payment_lines where payment_id = $2",
    )
    .bind(&order_id)
    .bind(&payment.id)
    .execute(&mut *conn)
    .await?;

    let currency = crate::catalog::model::Currency::parse(&payment.currency).unwrap_or_default();
    let money = |minor| crate::catalog::model::Money::new(minor, currency).to_string();
    event(
        conn,
        &order_id,
        "placed",
        &format!(
            "Order placed; {} received ({provider} {reference}).",
            money(amount)
        ),
        None,
    )
    .await?;
    // Money that is not the order's total (or not its currency) never ships unseen.
    let currency_differs = paid
        .currency
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case(&payment.currency));
    if amount != payment.total || currency_differs {
        let reason = format!(
            "The provider captured {} {} for a total of {}: check the payment before shipping.",
            amount,
            paid.currency.as_deref().unwrap_or("?").to_uppercase(),
            money(payment.total)
        );
        hold(conn, &order_id, "amount_mismatch", &reason).await?;
    }

    // Stock: out of the hold, or (the hold expired or failed first) out of what is left.
    let lines: Vec<(String, i64, String)> = sqlx::query_as(
        "select variant_id, quantity, sku from payment_lines where payment_id = $1 order by position",
    )
    .bind(&payment.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut low = Vec::new();
    let mut short = Vec::new();
    for (variant_id, quantity, sku) in &lines {
        if !inventory::sell(conn, variant_id, *quantity, held, &order_id, &mut low).await? {
            short.push(format!("{quantity} × {sku}"));
        }
    }
    if !short.is_empty() {
        sqlx::query("update orders set stock_short = 1 where id = $1")
            .bind(&order_id)
            .execute(&mut *conn)
            .await?;
        let reason = format!(
            "Paid after its stock hold ran out, and not enough was left: {}. Restock, or cancel and refund.",
            short.join(", ")
        );
        hold(conn, &order_id, "stock_short", &reason).await?;
    }
    // A discount use held by the payment is now spent. One released meanwhile (the hold
    // expired or the attempt was replaced, and the payment still went through) is taken
    // again if the limits allow; if not, the order cannot stand at that price: it is
    // cancelled and refunded in full once this transaction commits.
    if let Some(discount_id) = &payment.discount_id {
        if !held
            && !crate::checkout::rates::take_use(
                conn,
                discount_id,
                payment.discount_customer.as_deref(),
            )
            .await?
        {
            let reason = format!(
                "The code {} had been used up when this late payment arrived; the order is \
                 cancelled and the payment refunded.",
                payment.discount_code.as_deref().unwrap_or_default()
            );
            hold(conn, &order_id, "discount_over_limit", &reason).await?;
            after.void = Some((order_id.clone(), "the discount code was used up".to_owned()));
        }
    }
    sqlx::query("update checkouts set status = 'completed', updated_at = $2 where id = $1")
        .bind(&payment.checkout_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let (cart_id,): (String,) = sqlx::query_as("select cart_id from checkouts where id = $1")
        .bind(&payment.checkout_id)
        .fetch_one(&mut *conn)
        .await?;
    crate::cart::service::clear(conn, &cart_id).await?;

    super::service::mail_confirmation(state, conn, &order_id).await?;
    inventory::mail_low_stock(state, conn, &low).await?;
    after.jobs = true;
    after.stock = true;
    tracing::info!(
        order_id,
        number,
        provider,
        reference,
        amount,
        "order placed"
    );
    Ok(order_id)
}

async fn refunded_in(
    state: &AppState,
    conn: &mut AnyConnection,
    provider: &str,
    reference: &str,
    amount_refunded: i64,
    after: &mut After,
) -> Result<(), AppError> {
    let order: Option<(String, i64, i64)> = sqlx::query_as(
        "select o.id, o.captured, o.refunded from orders o join payments p on p.id = o.payment_id \
         where p.provider = $1 and p.reference = $2",
    )
    .bind(provider)
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((order_id, captured, _)) = order else {
        // Not yet: the order is made by another event still on its way. Stripe retries.
        return Err(AppError::Unavailable("the order of this refund".into()));
    };
    let amount = amount_refunded.clamp(0, captured);
    // Raises `refunded` to what the provider reports; refunds made here already counted.
    let raised: Option<(i64,)> = sqlx::query_as(
        "update orders set refunded = $2, payment_status = case when $2 >= captured then 'refunded' \
           else 'partially_refunded' end, updated_at = $3 \
         where id = $1 and refunded < $2 returning refunded",
    )
    .bind(&order_id)
    .bind(amount)
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    if raised.is_some() {
        event(
            conn,
            &order_id,
            "refunded",
            &format!(
                "Refunds at the provider now total {} (minor units).",
                amount
            ),
            None,
        )
        .await?;
        super::service::mail_refund(state, conn, &order_id, amount).await?;
        after.jobs = true;
    }
    Ok(())
}

/// Puts an order on hold for staff (it cannot be fulfilled until released), with the
/// reason on its timeline.
async fn hold(
    conn: &mut AnyConnection,
    order_id: &str,
    kind: &str,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query("update orders set hold_reason = $2 where id = $1")
        .bind(order_id)
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    event(conn, order_id, kind, reason, None).await
}

/// Adds a line to an order's timeline.
pub async fn event(
    conn: &mut AnyConnection,
    order_id: &str,
    kind: &str,
    message: &str,
    actor: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into order_events (id, order_id, kind, message, actor, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(order_id)
    .bind(kind)
    .bind(message)
    .bind(actor)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
