//! A refund made at the provider (its dashboard, a dispute): the order's refunded total
//! is raised to what the provider reports, inside the event's transaction. Answers whether
//! it queued work (mail) for the caller to wake the workers for after the commit.

use super::timeline::event;
use crate::payments::attempts::{self, Key};
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::state::AppState;

pub(super) async fn refunded_in(
    state: &AppState,
    conn: &mut AnyConnection,
    provider: &str,
    reference: &str,
    amount_refunded: i64,
) -> Result<bool, AppError> {
    let key = Key::Reference {
        provider,
        reference,
    };
    let order: Option<(String, i64, i64)> = match attempts::find(conn, key).await? {
        Some(payment) => {
            sqlx::query_as("select id, captured, refunded from orders where payment_id = $1")
                .bind(&payment.id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let Some((order_id, captured, _)) = order else {
        // Not yet: the order is made by another event still on its way. Stripe retries.
        return Err(AppError::Unavailable("the order of this refund".into()));
    };
    let amount = amount_refunded.clamp(0, captured);
    // Raises `refunded` to what the provider reports; refunds made here already counted.
    let tracked = crate::analytics::rollup::track(conn, &order_id).await?;
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
    tracked.apply(conn).await?;
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
        super::mail::mail_refund(state, conn, &order_id, amount).await?;
    }
    Ok(raised.is_some())
}
