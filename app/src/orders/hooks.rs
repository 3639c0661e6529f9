//! The orders' webhook events (`integrations::webhooks`), queued in the transaction of
//! the change by the same calls that tell the live feed (`orders::live`): the order as
//! staff see it, without its guest link.

use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;

/// Queues `event` (`order.created`, `order.paid`, …) with order `order_id` as its data.
pub async fn order(conn: &mut AnyConnection, event: &str, order_id: &str) -> Result<(), AppError> {
    let Some((mut order, _)) = super::read::load(conn, order_id).await? else {
        return Ok(());
    };
    order.token = None;
    let data = serde_json::to_value(&order)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("encoding an order")))?;
    crate::integrations::webhooks::emit(conn, event, data).await
}
