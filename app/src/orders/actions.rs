//! What staff (and, for a late payment that cannot stand, the system) do to an order:
//! fulfil, deliver, refund, cancel, release a hold. Each starts with a conditional update
//! of the order's row, which also serialises it with any other action on the same order
//! (PostgreSQL's row lock; SQLite's single writer): a cancel and a partial refund racing
//! each other end in one consistent state, and each answer says what happened.

use super::mail::queue_order_mail;
use super::model::*;
use super::read::load;
use super::status::change;
use super::timeline::event;
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;

fn text(raw: &str, field: &str, label: &str, max: usize) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("enter the {label} (up to {max} characters)"),
        ));
    }
    Ok(value.to_owned())
}

/// Paid → fulfilled, with the carrier and tracking number; mails the customer. An order
/// on hold is refused until staff release it.
pub async fn fulfil(
    state: &AppState,
    actor: &str,
    order_id: &str,
    carrier: &str,
    tracking: &str,
) -> Result<(), AppError> {
    let carrier = text(carrier, "carrier", "carrier", 60)?;
    let tracking = text(tracking, "tracking_number", "tracking number", 100)?;
    let mut tx = state.db.begin_write().await?;
    change(
        &mut tx,
        order_id,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        "fulfilled",
    )
    .await?;
    sqlx::query("update orders set carrier = $2, tracking_number = $3 where id = $1")
        .bind(order_id)
        .bind(&carrier)
        .bind(&tracking)
        .execute(&mut *tx)
        .await?;
    event(
        &mut tx,
        order_id,
        "fulfilled",
        &format!("Shipped with {carrier}, tracking {tracking}."),
        Some(actor),
    )
    .await?;
    queue_order_mail(state, &mut tx, order_id, crate::orders::mail::order_shipped).await?;
    tx.commit().await?;
    state.jobs.notify();
    state.live.wake();
    Ok(())
}

/// Fulfilled → delivered.
pub async fn deliver(state: &AppState, actor: &str, order_id: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let (from, to) = (OrderStatus::Fulfilled, OrderStatus::Delivered);
    change(&mut tx, order_id, from, to, "marked delivered").await?;
    event(&mut tx, order_id, "delivered", "Delivered.", Some(actor)).await?;
    tx.commit().await?;
    state.live.wake();
    Ok(())
}

/// Lets an order on hold ship: staff checked the payment (or restocked).
pub async fn release_hold(state: &AppState, actor: &str, order_id: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "update orders set hold_reason = null, updated_at = $2 where id = $1 and hold_reason is not null",
    )
    .bind(order_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let exists: Option<(String,)> = sqlx::query_as("select id from orders where id = $1")
            .bind(order_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some(_) => AppError::Conflict("This order is not on hold.".into()),
            None => AppError::NotFound("order".into()),
        });
    }
    event(
        &mut tx,
        order_id,
        "hold_released",
        "Hold released: the order may ship.",
        Some(actor),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Refunds `amount` (minor units) through the provider. The amount is counted against the
/// order first (a conditional update that cannot pass what was captured), then the
/// provider is asked with an idempotency key; if it refuses, the count is given back.
pub async fn refund(
    state: &AppState,
    actor: &str,
    order_id: &str,
    amount: i64,
    reason: &str,
) -> Result<(), AppError> {
    if amount <= 0 {
        return Err(AppError::validation("amount", "enter an amount above 0"));
    }
    let reason: String = reason.trim().chars().take(200).collect();
    let mut tx = state.db.begin_write().await?;
    let refund_id = count_refund(&mut tx, order_id, amount, &reason, Some(actor)).await?;
    tx.commit().await?;
    send_refund(state, Some(actor), order_id, &refund_id, amount, &reason).await
}

/// Counts a refund against the order inside the caller's transaction and records it as
/// pending; returns its id. Refused (and nothing written) past what was captured.
pub(crate) async fn count_refund(
    conn: &mut AnyConnection,
    order_id: &str,
    amount: i64,
    reason: &str,
    actor: Option<&str>,
) -> Result<String, AppError> {
    let now = now_ms();
    let tracked = crate::analytics::rollup::track(conn, order_id).await?;
    let counted = sqlx::query(
        "update orders set refunded = refunded + $2, payment_status = case when refunded + $2 >= captured \
           then 'refunded' else 'partially_refunded' end, updated_at = $3 \
         where id = $1 and refunded + $2 <= captured",
    )
    .bind(order_id)
    .bind(amount)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !counted {
        let row: Option<(i64, i64, String, String)> =
            sqlx::query_as("select captured, refunded, currency, status from orders where id = $1")
                .bind(order_id)
                .fetch_optional(&mut *conn)
                .await?;
        return Err(match row {
            None => AppError::NotFound("order".into()),
            Some((captured, refunded, _, status))
                if status == "cancelled" && refunded >= captured =>
            {
                AppError::Conflict("This order was cancelled and refunded in full.".into())
            }
            Some((captured, refunded, currency, _)) => AppError::validation(
                "amount",
                format!(
                    "at most {} can still be refunded",
                    Money::new(
                        captured - refunded,
                        Currency::parse(&currency).unwrap_or_default()
                    )
                ),
            ),
        });
    }
    tracked.apply(conn).await?;
    let refund_id = crate::platform::ids::new_id();
    sqlx::query(
        "insert into refunds (id, order_id, amount, reason, status, actor, created_at, updated_at) \
         values ($1, $2, $3, $4, 'pending', $5, $6, $6)",
    )
    .bind(&refund_id)
    .bind(order_id)
    .bind(amount)
    .bind(reason)
    .bind(actor)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(refund_id)
}

/// Sends a counted refund to the provider (idempotency key: the refund's id) and books
/// the outcome: succeeded (timeline, mail) or failed (the count given back).
pub(crate) async fn send_refund(
    state: &AppState,
    actor: Option<&str>,
    order_id: &str,
    refund_id: &str,
    amount: i64,
    reason: &str,
) -> Result<(), AppError> {
    let (payment_id,): (String,) = sqlx::query_as("select payment_id from orders where id = $1")
        .bind(order_id)
        .fetch_one(state.db.pool())
        .await?;
    let (provider, reference) =
        crate::payments::attempts::provider_reference(&state.db, &payment_id).await?;
    let outcome = match reference {
        Some(reference) if provider == state.payments.provider.name() => {
            state
                .payments
                .provider
                .refund(&reference, amount, refund_id)
                .await
        }
        _ => Err(AppError::Conflict(format!(
            "This order was paid through {provider}, which is not configured now; refund it there."
        ))),
    };
    let mut tx = state.db.begin_write().await?;
    match outcome {
        Ok(provider_ref) => {
            sqlx::query("update refunds set status = 'succeeded', reference = $2, updated_at = $3 where id = $1")
                .bind(refund_id)
                .bind(&provider_ref)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            let (order, _) = load(&mut tx, order_id)
                .await?
                .ok_or_else(|| AppError::NotFound("order".into()))?;
            let msg = format!(
                "Refunded {}{}.",
                Money::new(amount, order.captured.currency),
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {reason}")
                }
            );
            event(&mut tx, order_id, "refunded", &msg, actor).await?;
            super::mail::mail_refund(state, &mut tx, order_id, amount).await?;
            super::live::refunded(
                &mut tx,
                order_id,
                Money::new(amount, order.captured.currency),
            )
            .await?;
            tx.commit().await?;
            state.jobs.notify();
            state.live.wake();
            Ok(())
        }
        Err(err) => {
            sqlx::query("update refunds set status = 'failed', updated_at = $2 where id = $1")
                .bind(refund_id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            let tracked = crate::analytics::rollup::track(&mut tx, order_id).await?;
            sqlx::query(
                "update orders set refunded = refunded - $2, payment_status = case when refunded - $2 <= 0 \
                   then 'paid' else 'partially_refunded' end where id = $1",
            )
            .bind(order_id)
            .bind(amount)
            .execute(&mut *tx)
            .await?;
            tracked.apply(&mut tx).await?;
            event(
                &mut tx,
                order_id,
                "refund_failed",
                &format!("A refund failed: {err}"),
                actor,
            )
            .await?;
            tx.commit().await?;
            Err(err)
        }
    }
}

/// Cancels a paid, unshipped order: puts its stock back and refunds what is left. The
/// refund of the rest is counted in the same transaction as the cancellation, so a
/// partial refund racing it either counted first (and the rest is refunded here) or
/// finds nothing left to refund; the order always ends cancelled and refunded in full.
/// `actor` is `None` when the system cancels (a late payment that cannot stand).
pub async fn cancel(
    state: &AppState,
    actor: Option<&str>,
    order_id: &str,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    if let Err(refused) = change(
        &mut tx,
        order_id,
        OrderStatus::Paid,
        OrderStatus::Cancelled,
        "cancelled",
    )
    .await
    {
        return Err(super::status::shipped_means_return(&mut tx, order_id, refused).await);
    }
    restock(&mut tx, order_id, actor).await?;
    let reason = reason.trim();
    event(
        &mut tx,
        order_id,
        "cancelled",
        &if reason.is_empty() {
            "Cancelled; items restocked.".to_owned()
        } else {
            format!("Cancelled ({reason}); items restocked.")
        },
        actor,
    )
    .await?;
    // The row is this transaction's now: what is left to refund cannot change under us.
    let (captured, refunded, currency): (i64, i64, String) =
        sqlx::query_as("select captured, refunded, currency from orders where id = $1")
            .bind(order_id)
            .fetch_one(&mut *tx)
            .await?;
    let rest = captured - refunded;
    let rest_money = Money::new(rest, Currency::parse(&currency).unwrap_or_default());
    let refund_id = if rest > 0 {
        Some(count_refund(&mut tx, order_id, rest, "order cancelled", actor).await?)
    } else {
        None
    };
    tx.commit().await?;
    state.cache.invalidate().await;
    state.live.wake();
    let Some(refund_id) = refund_id else {
        return Ok(());
    };
    send_refund(state, actor, order_id, &refund_id, rest, "order cancelled")
        .await
        .map_err(|err| {
            AppError::Conflict(format!(
                "The order is cancelled and restocked, but refunding {rest_money} failed ({err}). \
                 Refund it again from this page."
            ))
        })
}

/// Puts back the stock an order took. An order sold short took none for its missing
/// lines: only what the ledger shows it took goes back.
async fn restock(
    conn: &mut AnyConnection,
    order_id: &str,
    actor: Option<&str>,
) -> Result<(), AppError> {
    let (short,): (i64,) = sqlx::query_as("select stock_short from orders where id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let lines: Vec<(String, i64)> =
        sqlx::query_as("select variant_id, quantity from order_lines where order_id = $1")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?;
    for (variant_id, quantity) in lines {
        let took: (i64,) = sqlx::query_as(
            "select cast(coalesce(-sum(delta), 0) as bigint) from inventory_ledger \
             where order_id = $1 and variant_id = $2 and reason = 'sale'",
        )
        .bind(order_id)
        .bind(&variant_id)
        .fetch_one(&mut *conn)
        .await?;
        let back = if short == 1 {
            took.0.min(quantity)
        } else {
            quantity
        };
        if back > 0 {
            crate::inventory::service::restock(
                conn,
                &variant_id,
                back,
                order_id,
                actor,
                "order cancelled",
            )
            .await?;
        }
    }
    Ok(())
}
