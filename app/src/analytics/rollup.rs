//! The daily rollups (`sales_daily`, `variant_daily`, `code_daily`), kept exact as orders
//! change. An order's share of them is a function of its row, lines and received returns
//! ([`Share`]); every change of an order reads its share before and after, in the
//! transaction of the change, and writes the difference ([`Tracked`]). The rebuild
//! (`analytics::rebuild`) computes every order's share from the raw rows in bulk and
//! rewrites the tables; its `verify` compares the two, which a test does after every
//! kind of change. Days are store-local (`zone`), keyed by the day the order was placed, as
//! WooCommerce counts: a refund lowers its order's day.

use super::zone;
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// The sales columns, in table order.
pub const SALES: [&str; 11] = [
    "orders",
    "cancelled",
    "refunded_orders",
    "new_customers",
    "units",
    "gross",
    "discounts",
    "refunds",
    "shipping",
    "tax",
    "total",
];

/// What one order adds to the rollups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Share {
    pub day: String,
    pub sales: [i64; 11],
    pub code: Option<String>,
    /// variant → (units, revenue, refunded units)
    pub variants: BTreeMap<String, [i64; 3]>,
}

/// The rollups as maps (what the tables hold, or what the raw rows say they should).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rollups {
    pub sales: BTreeMap<String, [i64; 11]>,
    pub variants: BTreeMap<(String, String), [i64; 3]>,
    /// (day, code) → (orders, discount, revenue)
    pub codes: BTreeMap<(String, String), [i64; 3]>,
}

impl Rollups {
    pub(super) fn add(&mut self, share: &Share, sign: i64) {
        let row = self.sales.entry(share.day.clone()).or_default();
        for (cell, v) in row.iter_mut().zip(share.sales) {
            *cell += sign * v;
        }
        for (variant, values) in &share.variants {
            let row = self
                .variants
                .entry((share.day.clone(), variant.clone()))
                .or_default();
            for (cell, v) in row.iter_mut().zip(values) {
                *cell += sign * v;
            }
        }
        if let Some(code) = &share.code {
            let row = self
                .codes
                .entry((share.day.clone(), code.clone()))
                .or_default();
            let values = [1, share.sales[6], share.sales[10]];
            for (cell, v) in row.iter_mut().zip(values) {
                *cell += sign * v;
            }
        }
    }

    /// Drops rows that are all zero (an order's share taken away leaves zero rows behind).
    pub(super) fn without_zeros(mut self) -> Self {
        self.sales.retain(|_, v| v.iter().any(|x| *x != 0));
        self.variants.retain(|_, v| v.iter().any(|x| *x != 0));
        self.codes.retain(|_, v| v.iter().any(|x| *x != 0));
        self
    }
}

/// The order's columns a share is made of.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct OrderRow {
    created_at: i64,
    status: String,
    refunded: i64,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
    returning_customer: i64,
    discount_code: Option<String>,
}
pub(super) const ORDER_COLUMNS: &str =
    "created_at, status, refunded, subtotal, discount, shipping, tax, total, \
    returning_customer, discount_code";

pub(super) fn share_of(order: OrderRow, zone: &TimeZone) -> Share {
    let cancelled = order.status == "cancelled";
    Share {
        day: zone::day_of(order.created_at, zone),
        sales: [
            1,
            i64::from(cancelled),
            i64::from(order.refunded > 0),
            i64::from(order.returning_customer == 0),
            0,
            order.subtotal,
            order.discount,
            order.refunded,
            order.shipping,
            order.tax,
            order.total,
        ],
        code: order.discount_code.filter(|c| !c.is_empty()),
        variants: BTreeMap::new(),
    }
}

/// Adds a line (or a returned quantity) to a share; `cancelled` orders refund every unit.
pub(super) fn add_line(
    share: &mut Share,
    variant: String,
    units: i64,
    revenue: i64,
    returned: i64,
) {
    let cancelled = share.sales[1] == 1;
    share.sales[4] += units;
    let row = share.variants.entry(variant).or_default();
    row[0] += units;
    row[1] += revenue;
    row[2] = if cancelled { row[0] } else { row[2] + returned };
}

/// The order's share now, on the caller's connection (None: no such order).
async fn share(
    conn: &mut AnyConnection,
    order_id: &str,
    zone: &TimeZone,
) -> Result<Option<Share>, AppError> {
    let sql = format!("select {ORDER_COLUMNS} from orders where id = $1");
    let Some(order): Option<OrderRow> = sqlx::query_as(&sql)
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut share = share_of(order, zone);
    let lines: Vec<(String, i64, i64)> = sqlx::query_as(
        "select variant_id, quantity, unit_price * quantity from order_lines where order_id = $1 \
         order by position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    for (variant, units, revenue) in lines {
        add_line(&mut share, variant, units, revenue, 0);
    }
    let sql = format!("select l.variant_id, rl.quantity {RETURNED_FROM} and r.order_id = $1");
    let returned: Vec<(String, i64)> = sqlx::query_as(&sql)
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    for (variant, units) in returned {
        add_line(&mut share, variant, 0, 0, units);
    }
    Ok(Some(share))
}

/// The returned units that count (received, or refunded after being received), joined to
/// their order lines; the caller selects columns and may add conditions.
pub(super) const RETURNED_FROM: &str = "from return_lines rl \
    join returns r on r.id = rl.return_id \
    join order_lines l on l.order_id = r.order_id and l.position = rl.position \
    where r.status in ('received', 'refunded')";

/// An order's share read before a change; [`Tracked::apply`] after the change writes
/// the difference. The store's time zone is read once, here.
pub struct Tracked {
    order_id: String,
    zone: TimeZone,
    before: Option<Share>,
}

pub async fn track(conn: &mut AnyConnection, order_id: &str) -> Result<Tracked, AppError> {
    let (_, zone) = zone::read(conn).await?;
    let before = share(conn, order_id, &zone).await?;
    Ok(Tracked {
        order_id: order_id.to_owned(),
        zone,
        before,
    })
}

impl Tracked {
    pub async fn apply(self, conn: &mut AnyConnection) -> Result<(), AppError> {
        let after = share(conn, &self.order_id, &self.zone).await?;
        if after == self.before {
            return Ok(());
        }
        let mut diff = Rollups::default();
        if let Some(before) = &self.before {
            diff.add(before, -1);
        }
        if let Some(after) = &after {
            diff.add(after, 1);
        }
        write_diff(conn, &diff).await
    }
}

/// Adds a new order's share (call once, after its lines are written).
pub async fn added(conn: &mut AnyConnection, order_id: &str) -> Result<(), AppError> {
    let (_, zone) = zone::read(conn).await?;
    Tracked {
        order_id: order_id.to_owned(),
        zone,
        before: None,
    }
    .apply(conn)
    .await
}

pub(super) async fn write_diff(conn: &mut AnyConnection, diff: &Rollups) -> Result<(), AppError> {
    let set: Vec<String> = SALES
        .iter()
        .map(|c| format!("{c} = sales_daily.{c} + excluded.{c}"))
        .collect();
    let sales_sql = format!(
        "insert into sales_daily (day, {}) values ($1, {}) on conflict (day) do update set {}",
        SALES.join(", "),
        (2..=12)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", "),
        set.join(", ")
    );
    for (day, values) in &diff.sales {
        let mut q = sqlx::query(&sales_sql).bind(day);
        for v in values {
            q = q.bind(*v);
        }
        q.execute(&mut *conn).await?;
    }
    for ((day, variant), [units, revenue, refunded]) in &diff.variants {
        sqlx::query(
            "insert into variant_daily (day, variant_id, units, revenue, refunded_units) \
             values ($1, $2, $3, $4, $5) on conflict (day, variant_id) do update set \
             units = variant_daily.units + excluded.units, \
             revenue = variant_daily.revenue + excluded.revenue, \
             refunded_units = variant_daily.refunded_units + excluded.refunded_units",
        )
        .bind(day)
        .bind(variant)
        .bind(units)
        .bind(revenue)
        .bind(refunded)
        .execute(&mut *conn)
        .await?;
    }
    for ((day, code), [orders, discount, revenue]) in &diff.codes {
        sqlx::query(
            "insert into code_daily (day, code, orders, discount, revenue) values ($1, $2, $3, $4, $5) \
             on conflict (day, code) do update set orders = code_daily.orders + excluded.orders, \
             discount = code_daily.discount + excluded.discount, \
             revenue = code_daily.revenue + excluded.revenue",
        )
        .bind(day)
        .bind(code)
        .bind(orders)
        .bind(discount)
        .bind(revenue)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
