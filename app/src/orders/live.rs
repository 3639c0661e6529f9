//! What the live feed says about orders, written in the transaction of the change
//! (`platform::live::publish`): staff channels `orders` (placed, status), `payments`
//! (paid, refunded) and `stock` (fell to its threshold); a customer's channel
//! `user.<id>` (their order's status and refunds). The caller wakes the feed after commit.
//! Each also queues the matching webhook events (`orders::hooks`).

use super::model::OrderStatus;
use crate::inventory::service::LowStock;
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::live::publish;
use crate::platform::money::{Currency, Money};
use serde_json::json;

struct Facts {
    number: i64,
    email: String,
    user_id: Option<String>,
    status: String,
    total: String,
}

async fn facts(conn: &mut AnyConnection, order_id: &str) -> Result<Option<Facts>, AppError> {
    let row: Option<(i64, String, Option<String>, String, i64, String)> = sqlx::query_as(
        "select number, email, user_id, status, total, currency from orders where id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(
        row.map(|(number, email, user_id, status, total, currency)| Facts {
            number,
            email,
            user_id,
            status,
            total: Money::new(total, Currency::parse(&currency).unwrap_or_default()).to_string(),
        }),
    )
}

fn timestamp() -> String {
    jiff::Timestamp::from_millisecond(now_ms())
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A new, paid order: on `orders` and `payments`.
pub async fn placed(conn: &mut AnyConnection, order_id: &str) -> Result<(), AppError> {
    let Some(f) = facts(conn, order_id).await? else {
        return Ok(());
    };
    let at = timestamp();
    let order = json!({
        "kind": "placed", "title": format!("New order #{}", f.number),
        "body": format!("{} from {}", f.total, f.email), "timestamp": at,
        "order_id": order_id, "number": f.number, "email": f.email, "total": f.total,
    });
    publish(conn, "orders", &order).await?;
    let paid = json!({
        "kind": "paid", "title": format!("Payment received for #{}", f.number),
        "body": f.total, "timestamp": at, "order_id": order_id, "number": f.number,
    });
    publish(conn, "payments", &paid).await?;
    super::hooks::order(conn, &["order.created", "order.paid"], order_id).await
}

/// The order's status changed: on `orders`, and on its customer's channel.
pub async fn status(conn: &mut AnyConnection, order_id: &str) -> Result<(), AppError> {
    let Some(f) = facts(conn, order_id).await? else {
        return Ok(());
    };
    let label = OrderStatus::parse(&f.status).map_or("Updated", |s| s.label());
    let data = json!({
        "kind": "status", "title": format!("Order #{} — {label}", f.number),
        "body": label, "timestamp": timestamp(), "order_id": order_id, "number": f.number,
        "status": f.status, "status_label": label,
    });
    publish(conn, "orders", &data).await?;
    if let Some(user) = f.user_id {
        publish(conn, &format!("user.{user}"), &data).await?;
    }
    match OrderStatus::parse(&f.status) {
        Some(OrderStatus::Fulfilled) => {
            super::hooks::order(conn, &["order.fulfilled"], order_id).await
        }
        Some(OrderStatus::Cancelled) => {
            super::hooks::order(conn, &["order.cancelled"], order_id).await
        }
        _ => Ok(()),
    }
}

/// Money went back to the customer: on `payments`, and on the customer's channel.
pub async fn refunded(
    conn: &mut AnyConnection,
    order_id: &str,
    amount: Money,
) -> Result<(), AppError> {
    let Some(f) = facts(conn, order_id).await? else {
        return Ok(());
    };
    let data = json!({
        "kind": "refunded", "title": format!("Refund of {amount} on #{}", f.number),
        "body": format!("{amount} refunded"), "timestamp": timestamp(),
        "order_id": order_id, "number": f.number,
    });
    publish(conn, "payments", &data).await?;
    if let Some(user) = f.user_id {
        publish(conn, &format!("user.{user}"), &data).await?;
    }
    super::hooks::order(conn, &["order.refunded"], order_id).await
}

/// Variants that fell to their low-stock threshold: on `stock`.
pub async fn low_stock(conn: &mut AnyConnection, low: &[LowStock]) -> Result<(), AppError> {
    for item in low {
        let data = json!({
            "kind": "low_stock", "title": format!("Low stock: {}", item.sku),
            "body": format!("{} left (threshold {})", item.available, item.threshold),
            "timestamp": timestamp(), "sku": item.sku, "available": item.available,
        });
        publish(conn, "stock", &data).await?;
    }
    Ok(())
}
