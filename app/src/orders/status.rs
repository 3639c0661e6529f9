//! The one way an order's status changes: a conditional update from the status it must
//! be in, allowed by [`OrderStatus::can_become`]. Of two racing actions one changes the
//! row; the other gets the named refusal (missing, on hold, already changed).

use super::model::OrderStatus;
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;

/// Moves the order from `from` to `to`, or says why not. `what` completes "cannot be …"
/// ("fulfilled", "marked delivered"). An order on hold does not ship; cancelling ends a
/// hold.
pub async fn change(
    conn: &mut AnyConnection,
    order_id: &str,
    from: OrderStatus,
    to: OrderStatus,
    what: &str,
) -> Result<(), AppError> {
    if !from.can_become(to) {
        return Err(AppError::Internal(anyhow::anyhow!(
            "an order may not go from {} to {}",
            from.as_str(),
            to.as_str()
        )));
    }
    let hold = match to {
        OrderStatus::Fulfilled => " and hold_reason is null",
        _ => "",
    };
    let clear = match to {
        OrderStatus::Cancelled => ", hold_reason = null",
        _ => "",
    };
    let sql = format!(
        "update orders set status = $2{clear}, updated_at = $3 where id = $1 and status = $4{hold}"
    );
    let tracked = crate::analytics::rollup::track(conn, order_id).await?;
    let done = sqlx::query(&sql)
        .bind(order_id)
        .bind(to.as_str())
        .bind(now_ms())
        .bind(from.as_str())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 1 {
        tracked.apply(conn).await?;
        super::live::status(conn, order_id).await?;
        return Ok(());
    }
    Err(refused(conn, order_id, what).await)
}

/// Why a status change did not apply: the order is missing, on hold or in the wrong state.
async fn refused(conn: &mut AnyConnection, order_id: &str, what: &str) -> AppError {
    let status: Result<Option<(String, Option<String>)>, _> =
        sqlx::query_as("select status, hold_reason from orders where id = $1")
            .bind(order_id)
            .fetch_optional(conn)
            .await;
    match status {
        Ok(Some((status, Some(reason)))) if status == "paid" => AppError::Conflict(format!(
            "This order is on hold: {reason} Release the hold before it can be {what}."
        )),
        Ok(Some((status, _))) => AppError::Conflict(format!(
            "This order is {} and cannot be {what}.",
            OrderStatus::parse(&status).map_or("changed", |s| s.as_str())
        )),
        Ok(None) => AppError::NotFound("order".into()),
        Err(e) => e.into(),
    }
}

/// A cancellation refused because the order has shipped says what to do instead: a return.
pub(super) async fn shipped_means_return(
    conn: &mut AnyConnection,
    order_id: &str,
    refused: AppError,
) -> AppError {
    let status: Option<(String,)> = sqlx::query_as("select status from orders where id = $1")
        .bind(order_id)
        .fetch_optional(conn)
        .await
        .unwrap_or(None);
    match status.as_ref().and_then(|(s,)| OrderStatus::parse(s)) {
        Some(OrderStatus::Fulfilled | OrderStatus::Delivered) => AppError::Conflict(
            "This order has shipped, so it cannot be cancelled. Take it back as a return \
             instead: the customer asks for one from their order page (or its link), and you \
             approve it, receive the parcel and refund under Returns."
                .into(),
        ),
        _ => refused,
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    #[test]
    fn orders_move_forward_only() {
        assert!(Paid.can_become(Fulfilled));
        assert!(Paid.can_become(Cancelled));
        assert!(Fulfilled.can_become(Delivered));
        for to in OrderStatus::ALL {
            assert!(!Delivered.can_become(to));
            assert!(!Cancelled.can_become(to));
            assert!(!to.can_become(Paid));
        }
        assert!(
            !Fulfilled.can_become(Cancelled),
            "a shipped order is refunded, not cancelled"
        );
        assert!(!Paid.can_become(Delivered));
    }
}
