//! Reading returns: one, an order's, the staff list, and what an order still lets the
//! customer send back (the window, the quantities).

use super::model::*;
use crate::platform::db::{now_ms, AnyConnection, Db};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};

/// The setting that says how many days after delivery a return may be asked.
pub const WINDOW_KEY: &str = "returns.window_days";
pub const DEFAULT_WINDOW_DAYS: i64 = 30;
const DAY: i64 = 24 * 3600 * 1000;

pub async fn window_days(db: &Db) -> Result<i64, AppError> {
    let values = crate::settings::db::get_many(db, &[WINDOW_KEY]).await?;
    Ok(values
        .get(WINDOW_KEY)
        .and_then(|v| v.parse().ok())
        .filter(|d: &i64| (0..=365).contains(d))
        .unwrap_or(DEFAULT_WINDOW_DAYS))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    order_id: String,
    number: i64,
    email: String,
    status: String,
    customer_note: String,
    staff_message: String,
    refund_amount: i64,
    created_at: i64,
    version: i64,
    currency: String,
    captured: i64,
    refunded: i64,
    goods: i64,
    subtotal: i64,
}

const SELECT: &str =
    "select r.id, r.order_id, o.number, o.email, r.status, r.customer_note, r.staff_message, \
    r.refund_amount, r.created_at, r.version, o.currency, o.captured, o.refunded, \
    o.total - o.shipping as goods, o.subtotal from returns r join orders o on o.id = r.order_id";

async fn lines(
    conn: &mut AnyConnection,
    return_id: &str,
    currency: Currency,
) -> Result<Vec<ReturnLine>, AppError> {
    type Fields = (i64, String, String, String, i64, i64, String, i64);
    let rows: Vec<Fields> = sqlx::query_as(
        "select rl.position, l.product_name, l.variant_title, l.sku, l.unit_price, rl.quantity, rl.reason, rl.restocked \
         from return_lines rl join returns r on r.id = rl.return_id \
         join order_lines l on l.order_id = r.order_id and l.position = rl.position \
         where rl.return_id = $1 order by rl.position",
    )
    .bind(return_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(position, product, variant, sku, unit, quantity, reason, restocked)| ReturnLine {
                position,
                name: line_name(product, &variant),
                sku,
                quantity,
                reason,
                restocked: restocked == 1,
                value: Money::new(unit * quantity, currency),
            },
        )
        .collect())
}

async fn build(conn: &mut AnyConnection, r: Row) -> Result<Return, AppError> {
    let currency = Currency::parse(&r.currency).unwrap_or_default();
    let lines = lines(conn, &r.id, currency).await?;
    let value: i64 = lines.iter().map(|l| l.value.minor).sum();
    Ok(Return {
        suggested_refund: Money::new(
            suggested(value, r.goods, r.subtotal, r.captured - r.refunded),
            currency,
        ),
        refund_amount: Money::new(r.refund_amount, currency),
        status: ReturnStatus::parse(&r.status).unwrap_or_default(),
        id: r.id,
        order_id: r.order_id,
        order_number: r.number,
        email: r.email,
        customer_note: r.customer_note,
        staff_message: r.staff_message,
        lines,
        created_at: r.created_at,
        version: r.version,
    })
}

/// "Lamp — Large", or "Lamp" for a product without options.
fn line_name(product: String, variant: &str) -> String {
    if variant.is_empty() {
        product
    } else {
        format!("{product} — {variant}")
    }
}

/// The lines' share of what was paid for goods (after the discount, with tax), never
/// more than is left to refund. Shipping is not refunded.
pub fn suggested(value: i64, goods: i64, subtotal: i64, left: i64) -> i64 {
    if subtotal <= 0 {
        return 0;
    }
    let share = i128::from(value) * i128::from(goods.max(0)) / i128::from(subtotal);
    i64::try_from(share).unwrap_or(i64::MAX).min(left).max(0)
}

pub async fn one(conn: &mut AnyConnection, id: &str) -> Result<Return, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::NotFound("return".into()))?;
    build(conn, row).await
}

/// The staff list: newest first, optionally one status.
pub async fn list(db: &Db, status: Option<ReturnStatus>) -> Result<Vec<Return>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let rows: Vec<Row> = match status {
        Some(s) => {
            sqlx::query_as(&format!(
                "{SELECT} where r.status = $1 order by r.created_at desc limit 200"
            ))
            .bind(s.as_str())
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_as(&format!("{SELECT} order by r.created_at desc limit 200"))
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut out = Vec::new();
    for row in rows {
        out.push(build(&mut conn, row).await?);
    }
    Ok(out)
}

/// When the order was delivered, if it was.
pub async fn delivered_at(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<Option<i64>, AppError> {
    let (at,): (Option<i64>,) = sqlx::query_as(
        "select max(created_at) from order_events where order_id = $1 and kind = 'delivered'",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(at)
}

/// Each line with how many may still be returned (bought less what open or finished
/// returns ask for).
pub async fn returnable(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<Vec<ReturnableLine>, AppError> {
    type Fields = (i64, String, String, String, i64, String, i64, i64);
    let rows: Vec<Fields> = sqlx::query_as(
        "select l.position, l.product_name, l.variant_title, l.sku, l.unit_price, o.currency, l.quantity, \
           cast(coalesce((select sum(rl.quantity) from return_lines rl join returns r on r.id = rl.return_id \
             where r.order_id = l.order_id and rl.position = l.position and r.status <> 'refused'), 0) as bigint) \
         from order_lines l join orders o on o.id = l.order_id where l.order_id = $1 order by l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(position, product, variant, sku, unit, currency, bought, asked)| ReturnableLine {
                position,
                name: line_name(product, &variant),
                sku,
                unit_price: Money::new(unit, Currency::parse(&currency).unwrap_or_default()),
                returnable: (bought - asked).max(0),
            },
        )
        .collect())
}

/// The return part of an order's page (the caller checked who may see the order).
pub async fn for_order(db: &Db, order_id: &str) -> Result<OrderReturns, AppError> {
    let mut conn = db.pool().acquire().await?;
    let ids: Vec<(String,)> =
        sqlx::query_as("select id from returns where order_id = $1 order by created_at desc")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut returns = Vec::new();
    for (id,) in ids {
        returns.push(one(&mut conn, &id).await?);
    }
    let Some(delivered) = delivered_at(&mut conn, order_id).await? else {
        return Ok(OrderReturns {
            returns,
            ..OrderReturns::default()
        });
    };
    let window_ends = delivered + window_days(db).await? * DAY;
    let lines = returnable(&mut conn, order_id).await?;
    let why_not = if now_ms() > window_ends {
        Some("The return window for this order has closed.".to_owned())
    } else if lines.iter().all(|l| l.returnable == 0) {
        Some("Every item of this order is already in a return.".to_owned())
    } else {
        None
    };
    Ok(OrderReturns {
        window_ends: Some(window_ends),
        can_request: why_not.is_none(),
        why_not,
        lines,
        returns,
    })
}

/// Sets the return window from the form's text, with its audit row.
pub async fn set_window(db: &Db, actor: &str, raw: &str) -> Result<(), AppError> {
    let days: i64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|d| (0..=365).contains(d))
        .ok_or_else(|| {
            AppError::validation(
                "days",
                "enter a whole number of days from 0 (no returns) to 365",
            )
        })?;
    crate::settings::db::put_audited(
        db,
        actor,
        WINDOW_KEY,
        &days.to_string(),
        "settings.return_window",
        format!("Returns accepted for {days} days after delivery"),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::suggested;

    #[test]
    fn the_suggested_refund_is_the_lines_share_of_what_was_paid_for_goods() {
        // 2 of 4 equal lines, 10 % off, tax-free: half of the discounted goods.
        assert_eq!(suggested(5_000, 9_000, 10_000, 14_500), 4_500);
        // Never more than is left to refund.
        assert_eq!(suggested(5_000, 9_000, 10_000, 1_000), 1_000);
        assert_eq!(suggested(5_000, 9_000, 0, 1_000), 0);
    }
}
