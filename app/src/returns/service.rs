//! The steps of a return. Each runs in one transaction with its timeline line (so staff
//! steps are audited) and its mail; the refund goes through `orders::actions`' counted,
//! idempotent path, so a return can never refund more than was captured.

use super::model::*;
use super::read;
use crate::orders::timeline::event;
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::mail::layout::{render, Content};
use crate::platform::money::Money;
use crate::platform::state::AppState;

/// One line of a request: the order line's position, how many, why.
#[derive(Debug, Clone)]
pub struct Ask {
    pub position: i64,
    pub quantity: i64,
    pub reason: String,
}

async fn mail(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
    subject: &str,
    paragraph: String,
) -> Result<(), AppError> {
    let subject = subject.to_owned();
    crate::orders::mail::queue_order_mail(state, conn, order_id, move |store, order, link| {
        let number = crate::orders::number_label(order.number);
        render(
            &order.email,
            Content {
                store,
                subject: format!("{subject} (order {number})"),
                heading: subject.clone(),
                paragraphs: vec![paragraph.clone()],
                button: Some(("View your order", link)),
                footnote: "Questions? Reply to this mail.",
            },
        )
    })
    .await
}

/// A customer's (or a guest's, `by` = `None`) request. Refused unless the order was
/// delivered, the window is open, and each quantity is still returnable.
pub async fn request(
    state: &AppState,
    order_id: &str,
    by: Option<&str>,
    asks: &[Ask],
    note: &str,
) -> Result<String, AppError> {
    let asks: Vec<&Ask> = asks.iter().filter(|a| a.quantity != 0).collect();
    if asks.is_empty() {
        return Err(AppError::validation(
            "quantity",
            "choose how many of at least one item to send back",
        ));
    }
    let note: String = note.trim().chars().take(1000).collect();
    let mut tx = state.db.begin_write().await?;
    let status: Option<(String,)> = sqlx::query_as("select status from orders where id = $1")
        .bind(order_id)
        .fetch_optional(&mut *tx)
        .await?;
    match status {
        None => return Err(AppError::NotFound("order".into())),
        Some((s,)) if s != "delivered" => {
            return Err(AppError::Conflict(
                "A return can be asked once the order is delivered.".into(),
            ))
        }
        _ => {}
    }
    let delivered = read::delivered_at(&mut tx, order_id).await?.unwrap_or(0);
    if now_ms() > delivered + read::window_days(&state.db).await? * 24 * 3600 * 1000 {
        return Err(AppError::Conflict(
            "The return window for this order has closed.".into(),
        ));
    }
    let lines = read::returnable(&mut tx, order_id).await?;
    let mut summary = Vec::new();
    for ask in &asks {
        let Some(line) = lines.iter().find(|l| l.position == ask.position) else {
            return Err(AppError::validation(
                "quantity",
                "that item is not part of this order",
            ));
        };
        if ask.quantity < 0 || ask.quantity > line.returnable {
            return Err(AppError::validation(
                "quantity",
                format!(
                    "at most {} of {} can be returned",
                    line.returnable, line.name
                ),
            ));
        }
        if !REASONS.iter().any(|(k, _)| *k == ask.reason) {
            return Err(AppError::validation(
                "reason",
                format!("choose why {} goes back", line.name),
            ));
        }
        summary.push(format!(
            "{} × {} ({})",
            ask.quantity,
            line.name,
            reason_label(&ask.reason)
        ));
    }
    let id = crate::platform::ids::new_id();
    let now = now_ms();
    sqlx::query(
        "insert into returns (id, order_id, status, customer_note, requested_by, created_at, updated_at) \
         values ($1, $2, 'requested', $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(order_id)
    .bind(&note)
    .bind(by)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for ask in &asks {
        sqlx::query("insert into return_lines (return_id, position, quantity, reason) values ($1, $2, $3, $4)")
            .bind(&id)
            .bind(ask.position)
            .bind(ask.quantity)
            .bind(&ask.reason)
            .execute(&mut *tx)
            .await?;
    }
    let text = format!("Return requested: {}.", summary.join(", "));
    event(&mut tx, order_id, "return_requested", &text, by).await?;
    let paragraph = format!("We have your request to return {}. We will let you know shortly whether it is approved and how to send it.", summary.join(", "));
    mail(
        state,
        &mut tx,
        order_id,
        "We received your return request",
        paragraph,
    )
    .await?;
    tx.commit().await?;
    state.jobs.notify();
    Ok(id)
}

/// Locks a return in `from` at `version` for a step; its order id.
async fn take(
    conn: &mut AnyConnection,
    id: &str,
    from: ReturnStatus,
    version: i64,
) -> Result<String, AppError> {
    let done = sqlx::query(
        "update returns set version = version + 1, updated_at = $4 where id = $1 and status = $2 and version = $3",
    )
    .bind(id)
    .bind(from.as_str())
    .bind(version)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    let row: Option<(String, String)> =
        sqlx::query_as("select order_id, status from returns where id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        None => Err(AppError::NotFound("return".into())),
        Some((order_id, _)) if done.rows_affected() == 1 => Ok(order_id),
        Some((_, status)) if status != from.as_str() => Err(AppError::Conflict(format!(
            "This return is {} now; reload to see what happened.",
            ReturnStatus::parse(&status).map_or("changed", |s| s.label())
        ))),
        Some(_) => Err(AppError::Conflict(
            "Someone else changed this return just now; reload.".into(),
        )),
    }
}

/// Staff approve (the customer is told to send it) or refuse (with the reason).
pub async fn decide(
    state: &AppState,
    actor: &str,
    id: &str,
    approve: bool,
    message: &str,
    version: i64,
) -> Result<(), AppError> {
    let message: String = message.trim().chars().take(1000).collect();
    if !approve && message.is_empty() {
        return Err(AppError::validation(
            "message",
            "tell the customer why the return is refused",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let order_id = take(&mut tx, id, ReturnStatus::Requested, version).await?;
    let to = if approve {
        ReturnStatus::Approved
    } else {
        ReturnStatus::Refused
    };
    sqlx::query("update returns set status = $2, staff_message = $3 where id = $1")
        .bind(id)
        .bind(to.as_str())
        .bind(&message)
        .execute(&mut *tx)
        .await?;
    let (kind, text, subject, paragraph) = if approve {
        (
            "return_approved",
            "Return approved.".to_owned(),
            "Your return is approved",
            format!("Please send the items back to us. {message}"),
        )
    } else {
        (
            "return_refused",
            format!("Return refused: {message}"),
            "Your return request was refused",
            message.clone(),
        )
    };
    event(&mut tx, &order_id, kind, &text, Some(actor)).await?;
    mail(state, &mut tx, &order_id, subject, paragraph).await?;
    tx.commit().await?;
    state.jobs.notify();
    Ok(())
}

/// The parcel came: the chosen lines go back in stock (the ledger), `amount` (minor
/// units, at most what is left) is refunded through the provider.
pub async fn receive(
    state: &AppState,
    actor: &str,
    id: &str,
    restock: &[i64],
    amount: i64,
    version: i64,
) -> Result<(), AppError> {
    if amount < 0 {
        return Err(AppError::validation(
            "amount",
            "enter an amount of 0 or more",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let order_id = take(&mut tx, id, ReturnStatus::Approved, version).await?;
    let ret = read::one(&mut tx, id).await?;
    let mut back = Vec::new();
    for line in ret.lines.iter().filter(|l| restock.contains(&l.position)) {
        let (variant,): (String,) = sqlx::query_as(
            "select variant_id from order_lines where order_id = $1 and position = $2",
        )
        .bind(&order_id)
        .bind(line.position)
        .fetch_one(&mut *tx)
        .await?;
        crate::inventory::service::restock(
            &mut tx,
            &variant,
            line.quantity,
            &order_id,
            Some(actor),
            "returned",
        )
        .await?;
        sqlx::query("update return_lines set restocked = 1 where return_id = $1 and position = $2")
            .bind(id)
            .bind(line.position)
            .execute(&mut *tx)
            .await?;
        back.push(format!("{} × {}", line.quantity, line.name));
    }
    let refund_id = if amount > 0 {
        Some(
            crate::orders::actions::count_refund(&mut tx, &order_id, amount, "return", Some(actor))
                .await?,
        )
    } else {
        None
    };
    let tracked = crate::analytics::rollup::track(&mut tx, &order_id).await?;
    sqlx::query(
        "update returns set status = 'received', refund_amount = $2, refund_id = $3 where id = $1",
    )
    .bind(id)
    .bind(amount)
    .bind(refund_id.as_deref())
    .execute(&mut *tx)
    .await?;
    tracked.apply(&mut tx).await?;
    let restocked = if back.is_empty() {
        "nothing restocked".to_owned()
    } else {
        format!("restocked {}", back.join(", "))
    };
    event(
        &mut tx,
        &order_id,
        "return_received",
        &format!("Return received; {restocked}."),
        Some(actor),
    )
    .await?;
    tx.commit().await?;
    if !back.is_empty() {
        state.cache.invalidate().await;
    }
    let Some(refund_id) = refund_id else {
        return Ok(());
    };
    crate::orders::actions::send_refund(
        state,
        Some(actor),
        &order_id,
        &refund_id,
        amount,
        "return",
    )
    .await?;
    sqlx::query("update returns set status = 'refunded', updated_at = $2 where id = $1")
        .bind(id)
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    tracing::info!(return_id = %id, refunded = %Money::new(amount, ret.refund_amount.currency), "return refunded");
    Ok(())
}
