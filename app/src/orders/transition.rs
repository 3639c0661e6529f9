//! The one way an order comes to exist, and what the other payment events do to orders.
//!
//! Every event about a payment — the webhook, the shopper's return, the test card step —
//! ends here, keyed by the payment (provider + reference); the attempt's own rows are
//! written by `payments::attempts`, the checkout's holds given back by `checkout::settle`. Each is one
//! transaction that starts with a conditional update of the payment's status: of two
//! racing deliveries, one changes the row and does the work, the other changes nothing
//! and finds the order the first made. `orders.payment_id` is unique besides, so even a
//! bug here could not make a second order for one payment.

use super::timeline::{event, hold};
use crate::checkout::settle;
use crate::inventory::service as inventory;
use crate::payments::attempts::{self, Attempt, AttemptLine, Key, Paid};
use crate::payments::deliveries::{self, Delivery, Effect, Outcome};
use crate::platform::db::params::{bind, Params};
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::state::AppState;

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
            state.live.wake();
        }
        if self.stock {
            state.cache.invalidate().await;
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
) -> Result<Outcome, AppError> {
    let mut tx = state.db.begin_write().await?;
    if deliveries::record(&mut tx, provider, signature, event_id, kind).await?
        == Delivery::Duplicate
    {
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
            after.jobs =
                super::refunded::refunded_in(state, &mut tx, provider, &reference, amount_refunded)
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

async fn fail_in(
    conn: &mut AnyConnection,
    provider: &str,
    reference: &str,
    message: &str,
    after: &mut After,
) -> Result<(), AppError> {
    let key = Key::Reference {
        provider,
        reference,
    };
    if settle::fail(conn, key, message).await?.is_some() {
        // The units are available again: cached product pages must say so.
        after.stock = true;
    }
    Ok(())
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
    let key = Key::Reference {
        provider,
        reference,
    };
    let Some(payment): Option<Attempt> = attempts::find(conn, key).await? else {
        return Err(AppError::NotFound("payment".into()));
    };
    if !attempts::succeed(conn, &payment.id).await? {
        let (order,): (String,) = sqlx::query_as("select id from orders where payment_id = $1")
            .bind(&payment.id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(order);
    }
    // The row is ours now (on PostgreSQL the update waited for any racing transaction on
    // it), so whether the holds are still in place is current: they are while the stock
    // and the discount use are still held, not if the payment failed or expired first.
    let held = attempts::take_holds(conn, &payment.id).await?;
    let lines = attempts::lines(conn, &payment.id).await?;

    let (number,): (i64,) = sqlx::query_as(
        "update counters set value = value + 1 where name = 'order_number' returning value",
    )
    .fetch_one(&mut *conn)
    .await?;
    let order_id = new_id();
    sqlx::query(
        "insert into orders (id, number, payment_id, checkout_id, user_id, email, status, \
           payment_status, currency, subtotal, discount, shipping, tax, total, tax_inclusive, \
           captured, refunded, address, shipping_name, discount_code, created_at, updated_at, \
           returning_customer) \
         values ($1, $2, $3, $4, $5, $6, 'paid', 'paid', $7, $8, $9, $10, $11, $12, $13, $14, 0, \
           $15, $16, $17, $18, $18, \
           case when exists (select 1 from orders where email = $6) then 1 else 0 end)",
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
    insert_lines(conn, &order_id, &lines).await?;
    crate::analytics::rollup::added(conn, &order_id).await?;
    crate::analytics::funnel::paid(conn, &payment.checkout_id).await?;
    super::live::placed(conn, &order_id).await?;
    let currency = crate::platform::money::Currency::parse(&payment.currency).unwrap_or_default();
    let money = |minor| crate::platform::money::Money::new(minor, currency).to_string();
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

    let low = sell(conn, &order_id, &lines, held).await?;
    // A discount use held by the payment is now spent. One released meanwhile (the hold
    // expired or the attempt was replaced, and the payment still went through) is taken
    // again if the limits allow; if not, the order cannot stand at that price: it is
    // cancelled and refunded in full once this transaction commits.
    if let Some(discount_id) = &payment.discount_id {
        if !held
            && !crate::checkout::discounts::take_use(
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
    settle::complete(conn, &payment.checkout_id).await?;

    super::mail::mail_confirmation(state, conn, &order_id).await?;
    inventory::mail_low_stock(state, conn, &low).await?;
    super::live::low_stock(conn, &low).await?;
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

/// The order's lines, as the attempt priced them: one statement for all of them (the
/// transaction holds SQLite's write lock, so it stays short).
async fn insert_lines(
    conn: &mut AnyConnection,
    order_id: &str,
    lines: &[AttemptLine],
) -> Result<(), AppError> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut params = Params::default();
    let rows: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let values = [
                params.text(order_id),
                params.int(position as i64),
                params.text(&line.variant_id),
                params.text(&line.product_name),
                params.text(&line.variant_title),
                params.text(&line.sku),
                params.int(line.unit_price),
                params.int(line.quantity),
            ];
            format!("({})", values.join(", "))
        })
        .collect();
    let sql = format!(
        "insert into order_lines (order_id, position, variant_id, product_name, variant_title, \
           sku, unit_price, quantity) values {}",
        rows.join(", ")
    );
    bind(sqlx::query(&sql), &params.0).execute(conn).await?;
    Ok(())
}

/// Takes the order's units off the shelf: out of the hold, or (the hold expired or failed
/// first) out of what is left; what is not there puts the order on hold as sold short.
/// Returns the variants that fell to their low-stock threshold.
async fn sell(
    conn: &mut AnyConnection,
    order_id: &str,
    lines: &[AttemptLine],
    held: bool,
) -> Result<Vec<inventory::LowStock>, AppError> {
    let mut low = Vec::new();
    let mut short = Vec::new();
    for line in lines {
        let (variant_id, quantity) = (&line.variant_id, line.quantity);
        if !inventory::sell(conn, variant_id, quantity, held, order_id, &mut low).await? {
            short.push(format!("{quantity} × {}", line.sku));
        }
    }
    if !short.is_empty() {
        sqlx::query("update orders set stock_short = 1 where id = $1")
            .bind(order_id)
            .execute(&mut *conn)
            .await?;
        let reason = format!(
            "Paid after its stock hold ran out, and not enough was left: {}. Restock, or cancel and refund.",
            short.join(", ")
        );
        hold(conn, order_id, "stock_short", &reason).await?;
    }
    Ok(low)
}
