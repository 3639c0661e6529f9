//! One order with its lines and timeline, as staff and the mails see it, and the count
//! of orders waiting to ship.

use super::model::*;
use crate::accounts::model::AddressInput;
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: String,
    number: i64,
    user_id: Option<String>,
    email: String,
    status: String,
    payment_status: String,
    currency: String,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
    tax_inclusive: i64,
    captured: i64,
    refunded: i64,
    address: String,
    shipping_name: String,
    discount_code: Option<String>,
    carrier: Option<String>,
    tracking_number: Option<String>,
    stock_short: i64,
    hold_reason: Option<String>,
    created_at: i64,
}

const ORDER_COLUMNS: &str = "id, number, user_id, email, status, payment_status, currency, \
    subtotal, discount, shipping, tax, total, tax_inclusive, captured, refunded, address, \
    shipping_name, discount_code, carrier, tracking_number, stock_short, hold_reason, created_at";

pub(super) async fn load(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<Option<(Order, Option<String>)>, AppError> {
    let row: Option<OrderRow> =
        sqlx::query_as(&format!("select {ORDER_COLUMNS} from orders where id = $1"))
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(r) = row else { return Ok(None) };
    let currency = Currency::parse(&r.currency).unwrap_or_default();
    let m = |minor| Money::new(minor, currency);
    let lines: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "select product_name, variant_title, sku, unit_price, quantity from order_lines \
         where order_id = $1 order by position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let events: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "select e.kind, e.message, coalesce(u.email, 'API key ' || k.name), e.created_at from order_events e \
         left join users u on u.id = e.actor left join api_keys k on k.id = e.actor \
         where e.order_id = $1 order by e.created_at, e.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let order = Order {
        id: r.id,
        number: r.number,
        email: r.email,
        status: OrderStatus::parse(&r.status).unwrap_or_default(),
        payment_status: PaymentStatus::parse(&r.payment_status).unwrap_or_default(),
        created_at: r.created_at,
        lines: lines
            .into_iter()
            .map(
                |(product_name, variant_title, sku, unit_price, quantity)| OrderLine {
                    product_name,
                    variant_title,
                    sku,
                    unit_price: m(unit_price),
                    quantity,
                    line_total: m(unit_price * quantity),
                },
            )
            .collect(),
        subtotal: m(r.subtotal),
        discount: m(r.discount),
        shipping: m(r.shipping),
        tax: m(r.tax),
        total: m(r.total),
        tax_inclusive: r.tax_inclusive == 1,
        captured: m(r.captured),
        refunded: m(r.refunded),
        address: serde_json::from_str::<AddressInput>(&r.address).unwrap_or_default(),
        shipping_name: r.shipping_name,
        discount_code: r.discount_code,
        carrier: r.carrier,
        tracking_number: r.tracking_number,
        stock_short: r.stock_short == 1,
        hold_reason: r.hold_reason,
        events: events
            .into_iter()
            .map(|(kind, message, actor, at)| OrderEvent {
                kind,
                message,
                actor,
                at,
            })
            .collect(),
        token: None,
    };
    Ok(Some((order, r.user_id)))
}

/// Orders waiting to be shipped (the dashboard's badge).
pub async fn to_ship(state: &AppState) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from orders where status = 'paid'")
        .fetch_one(state.db.pool())
        .await?;
    Ok(n)
}
