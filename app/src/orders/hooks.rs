//! The orders' webhook events (`integrations::webhooks`), queued in the transaction of
//! the change by the same calls that tell the live feed (`orders::live`): the order as
//! staff see it, without its guest link. The order is read only when an endpoint wants
//! one of the events, and once for all of them: with no endpoints, placing an order
//! costs one small query per event.

use crate::integrations::webhooks::{queue, subscribers};
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;

/// Queues `events` (`order.created`, `order.paid`, …) with order `order_id` as their data.
pub async fn order(
    conn: &mut AnyConnection,
    events: &[&str],
    order_id: &str,
) -> Result<(), AppError> {
    let mut wanted = Vec::new();
    for event in events {
        let endpoints = subscribers(conn, event).await?;
        if !endpoints.is_empty() {
            wanted.push((*event, endpoints));
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let Some((mut order, _)) = super::read::load(conn, order_id).await? else {
        return Ok(());
    };
    order.token = None;
    let data = serde_json::to_value(&order)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("encoding an order")))?;
    for (event, endpoints) in wanted {
        queue(conn, &endpoints, event, data.clone()).await?;
    }
    Ok(())
}
