//! An order's timeline (`order_events`) and its hold: every change to an order leaves a
//! line here, with who made it.

use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;

/// Adds a line to an order's timeline. A line by a person (`actor`) is a staff action
/// (or, for returns, the customer's): the audit log gets its row in the same transaction.
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
    .execute(&mut *conn)
    .await?;
    if let Some(actor) = actor {
        let change = crate::audit::log::Change::new(&format!("order.{kind}"), "order", order_id)
            .summary(message);
        crate::audit::log::record(conn, Some(actor), change).await?;
    }
    Ok(())
}

/// Puts an order on hold for staff (it cannot be fulfilled until released), with the
/// reason on its timeline.
pub async fn hold(
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
