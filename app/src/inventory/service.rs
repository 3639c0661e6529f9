//! Stock changes. Each is one conditional update inside the caller's transaction; the
//! ledger entry goes in the same transaction, so the ledger and the counts agree.

pub use super::mail::LowStock;
use super::model::*;
use crate::platform::db::now_ms;
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::jobs::Task;
use crate::platform::state::AppState;

/// One line of the ledger, written next to the change it describes.
pub struct Entry<'a> {
    pub variant_id: &'a str,
    pub sku: &'a str,
    pub delta: i64,
    pub on_hand_after: i64,
    pub reason: Reason,
    pub note: &'a str,
    pub actor: Option<&'a str>,
    pub order_id: Option<&'a str>,
}

pub async fn record(conn: &mut AnyConnection, e: &Entry<'_>) -> Result<(), AppError> {
    sqlx::query(
        "insert into inventory_ledger (id, variant_id, sku, delta, on_hand_after, reason, note, \
           actor, order_id, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(e.variant_id)
    .bind(e.sku)
    .bind(e.delta)
    .bind(e.on_hand_after)
    .bind(e.reason.as_str())
    .bind(e.note)
    .bind(e.actor)
    .bind(e.order_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Holds `quantity` units for a checkout if that many are available; `false` if not.
pub async fn reserve(
    conn: &mut AnyConnection,
    variant_id: &str,
    quantity: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update variants set reserved = reserved + $2 where id = $1 and stock - reserved >= $2",
    )
    .bind(variant_id)
    .bind(quantity)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives back a hold (payment failed or expired). A variant deleted since is skipped.
pub async fn release(
    conn: &mut AnyConnection,
    variant_id: &str,
    quantity: i64,
) -> Result<(), AppError> {
    sqlx::query("update variants set reserved = reserved - $2 where id = $1 and reserved >= $2")
        .bind(variant_id)
        .bind(quantity)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes sold units off the shelf: out of the reservation when `held`, else (the hold
/// expired before the payment arrived) out of what is available. `Ok(false)`: not enough
/// left, nothing changed.
pub async fn sell(
    conn: &mut AnyConnection,
    variant_id: &str,
    quantity: i64,
    held: bool,
    order_id: &str,
    low: &mut Vec<LowStock>,
) -> Result<bool, AppError> {
    let sql = if held {
        "update variants set stock = stock - $2, reserved = reserved - $2 \
         where id = $1 and reserved >= $2 \
         returning sku, stock, reserved, low_stock_threshold"
    } else {
        "update variants set stock = stock - $2 where id = $1 and stock - reserved >= $2 \
         returning sku, stock, reserved, low_stock_threshold"
    };
    let row: Option<(String, i64, i64, i64)> = sqlx::query_as(sql)
        .bind(variant_id)
        .bind(quantity)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((sku, stock, reserved, threshold)) = row else {
        return Ok(false);
    };
    record(
        conn,
        &Entry {
            variant_id,
            sku: &sku,
            delta: -quantity,
            on_hand_after: stock,
            reason: Reason::Sale,
            note: "",
            actor: None,
            order_id: Some(order_id),
        },
    )
    .await?;
    let available = stock - reserved;
    // Crossed the line with this sale (not already below it): one mail per crossing.
    if threshold > 0 && available <= threshold && available + quantity > threshold {
        low.push(LowStock {
            sku,
            available,
            threshold,
        });
    }
    Ok(true)
}

/// Puts units back on the shelf (a cancelled order, a return), with `note` in the ledger.
pub async fn restock(
    conn: &mut AnyConnection,
    variant_id: &str,
    quantity: i64,
    order_id: &str,
    actor: Option<&str>,
    note: &str,
) -> Result<(), AppError> {
    let row: Option<(String, i64)> =
        sqlx::query_as("update variants set stock = stock + $2 where id = $1 returning sku, stock")
            .bind(variant_id)
            .bind(quantity)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((sku, stock)) = row {
        record(
            conn,
            &Entry {
                variant_id,
                sku: &sku,
                delta: quantity,
                on_hand_after: stock,
                reason: Reason::Restock,
                note,
                actor,
                order_id: Some(order_id),
            },
        )
        .await?;
    }
    Ok(())
}

/// Queues the low-stock mail to every active staff member and admin, and the
/// `inventory.low` webhook event per variant.
pub async fn mail_low_stock(
    state: &AppState,
    conn: &mut AnyConnection,
    low: &[LowStock],
) -> Result<(), AppError> {
    if low.is_empty() {
        return Ok(());
    }
    for item in low {
        let data = serde_json::json!({
            "sku": item.sku, "available": item.available, "threshold": item.threshold,
        });
        crate::integrations::webhooks::emit(conn, "inventory.low", data).await?;
    }
    let staff: Vec<(String,)> = sqlx::query_as(
        "select email from users where role in ('staff', 'admin') and status = 'active'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let store = crate::settings::db::store_name_in(conn).await?;
    let link = crate::accounts::service::link(state, "/admin/inventory?low=1");
    for (email,) in staff {
        let mail = crate::inventory::mail::low_stock(&store, &email, low, &link);
        crate::platform::jobs::Jobs::enqueue_in(conn, &Task::SendMail(mail)).await?;
    }
    Ok(())
}

/// A staff adjustment: `delta` units in (positive) or out (negative), with a reason.
/// Refused if it would leave fewer on hand than checkouts are holding.
pub async fn adjust(
    state: &AppState,
    actor: &str,
    variant_id: &str,
    delta: i64,
    reason: Reason,
    note: &str,
) -> Result<i64, AppError> {
    if !Reason::STAFF.contains(&reason) {
        return Err(AppError::validation(
            "reason",
            "choose received, damaged or correction",
        ));
    }
    if delta == 0 || delta.abs() > 1_000_000 {
        return Err(AppError::validation(
            "delta",
            "enter a whole number of units to add (e.g. 5) or remove (e.g. -2), up to 1,000,000",
        ));
    }
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::validation(
            "note",
            "keep the note under 200 characters",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
        "update variants set stock = stock + $2, updated_at = $3 \
         where id = $1 and stock + $2 >= reserved \
         returning sku, stock, reserved, low_stock_threshold",
    )
    .bind(variant_id)
    .bind(delta)
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((sku, stock, reserved, threshold)) = row else {
        let exists: Option<(i64, i64)> =
            sqlx::query_as("select stock, reserved from variants where id = $1")
                .bind(variant_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match exists {
            None => AppError::NotFound("variant".into()),
            Some((stock, reserved)) => AppError::validation(
                "delta",
                format!(
                    "only {} can be removed: {stock} on hand, {reserved} held by checkouts",
                    stock - reserved
                ),
            ),
        });
    };
    record(
        &mut tx,
        &Entry {
            variant_id,
            sku: &sku,
            delta,
            on_hand_after: stock,
            reason,
            note,
            actor: Some(actor),
            order_id: None,
        },
    )
    .await?;
    crate::audit::log::record(
        &mut tx,
        Some(actor),
        crate::audit::log::Change::new("inventory.adjust", "variant", variant_id)
            .summary(format!("{sku}: {delta:+} ({})", reason.as_str()))
            .before(&serde_json::json!({ "stock": stock - delta }))
            .after(&serde_json::json!({ "stock": stock, "note": note })),
    )
    .await?;
    let available = stock - reserved;
    if delta < 0 && threshold > 0 && available <= threshold && available - delta > threshold {
        let low = [LowStock {
            sku,
            available,
            threshold,
        }];
        mail_low_stock(state, &mut tx, &low).await?;
    }
    tx.commit().await?;
    state.jobs.notify();
    state.cache.invalidate().await;
    Ok(stock)
}

pub async fn set_threshold(
    state: &AppState,
    actor: &str,
    variant_id: &str,
    threshold: i64,
) -> Result<(), AppError> {
    if !(0..=1_000_000).contains(&threshold) {
        return Err(AppError::validation(
            "threshold",
            "enter a whole number from 0 (no alert) to 1,000,000",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let before: Option<(String, i64)> =
        sqlx::query_as("select sku, low_stock_threshold from variants where id = $1")
            .bind(variant_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((sku, before)) = before else {
        return Err(AppError::NotFound("variant".into()));
    };
    sqlx::query("update variants set low_stock_threshold = $2 where id = $1")
        .bind(variant_id)
        .bind(threshold)
        .execute(&mut *tx)
        .await?;
    crate::audit::log::record(
        &mut tx,
        Some(actor),
        crate::audit::log::Change::new("inventory.threshold", "variant", variant_id)
            .summary(format!("{sku}: low-stock alert at {threshold}"))
            .before(&serde_json::json!({ "low_stock_threshold": before }))
            .after(&serde_json::json!({ "low_stock_threshold": threshold })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
