//! The daily rollups (`sales_daily`, `variant_daily`, `code_daily`), kept exact as orders
//! change. An order's share of them is a function of its row, lines and received returns
//! ([`Share`]); every change of an order reads its share before and after, in the
//! transaction of the change, and writes the difference ([`Tracked`]). The rebuild
//! computes every order's share from the raw rows in bulk and rewrites the tables
//! ([`rebuild`]); [`verify`] compares the two, which a test does after every kind of
//! change. Days are store-local (`zone`), keyed by the day the order was placed, as
//! WooCommerce counts: a refund lowers its order's day.

use super::zone;
use crate::platform::db::{AnyConnection, Db};
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
    fn add(&mut self, share: &Share, sign: i64) {
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
    fn without_zeros(mut self) -> Self {
        self.sales.retain(|_, v| v.iter().any(|x| *x != 0));
        self.variants.retain(|_, v| v.iter().any(|x| *x != 0));
        self.codes.retain(|_, v| v.iter().any(|x| *x != 0));
        self
    }
}

/// The order's columns a share is made of.
type OrderRow = (
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
);
const ORDER_COLUMNS: &str =
    "created_at, status, refunded, subtotal, discount, shipping, tax, total, \
    returning_customer, discount_code";

fn share_of(order: OrderRow, zone: &TimeZone) -> Share {
    let (created, status, refunded, subtotal, discount, shipping, tax, total, returning, code) =
        order;
    let cancelled = status == "cancelled";
    Share {
        day: zone::day_of(created, zone),
        sales: [
            1,
            i64::from(cancelled),
            i64::from(refunded > 0),
            i64::from(returning == 0),
            0,
            subtotal,
            discount,
            refunded,
            shipping,
            tax,
            total,
        ],
        code: code.filter(|c| !c.is_empty()),
        variants: BTreeMap::new(),
    }
}

/// Adds a line (or a returned quantity) to a share; `cancelled` orders refund every unit.
fn add_line(share: &mut Share, variant: String, units: i64, revenue: i64, returned: i64) {
    let cancelled = share.sales[1] == 1;
    share.sales[4] += units;
    let row = share.variants.entry(variant).or_default();
    row[0] += units;
    row[1] += revenue;
    row[2] = if cancelled { row[0] } else { row[2] + returned };
}

/// The order's share now, on the caller's connection (None: no such order).
pub async fn share(conn: &mut AnyConnection, order_id: &str) -> Result<Option<Share>, AppError> {
    let (_, tz) = zone::read(conn).await?;
    let sql = format!("select {ORDER_COLUMNS} from orders where id = $1");
    let Some(order): Option<OrderRow> = sqlx::query_as(&sql)
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut share = share_of(order, &tz);
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
    let returned: Vec<(String, i64)> = sqlx::query_as(RETURNED_SQL)
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    for (variant, units) in returned {
        add_line(&mut share, variant, 0, 0, units);
    }
    Ok(Some(share))
}

const RETURNED_SQL: &str = "select l.variant_id, rl.quantity from return_lines rl \
    join returns r on r.id = rl.return_id \
    join order_lines l on l.order_id = r.order_id and l.position = rl.position \
    where r.order_id = $1 and r.status in ('received', 'refunded')";

/// An order's share read before a change; [`Tracked::apply`] after the change writes
/// the difference.
pub struct Tracked {
    order_id: String,
    before: Option<Share>,
}

pub async fn track(conn: &mut AnyConnection, order_id: &str) -> Result<Tracked, AppError> {
    Ok(Tracked {
        order_id: order_id.to_owned(),
        before: share(conn, order_id).await?,
    })
}

impl Tracked {
    pub async fn apply(self, conn: &mut AnyConnection) -> Result<(), AppError> {
        let after = share(conn, &self.order_id).await?;
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
    Tracked {
        order_id: order_id.to_owned(),
        before: None,
    }
    .apply(conn)
    .await
}

async fn write_diff(conn: &mut AnyConnection, diff: &Rollups) -> Result<(), AppError> {
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

/// What the rollups should hold, computed from the raw rows (three bulk reads).
pub async fn from_raw(conn: &mut AnyConnection) -> Result<Rollups, AppError> {
    let (_, tz) = zone::read(conn).await?;
    let sql = format!("select id, {ORDER_COLUMNS} from orders");
    let orders: Vec<(
        String,
        i64,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<String>,
    )> = sqlx::query_as(&sql).fetch_all(&mut *conn).await?;
    let mut shares: BTreeMap<String, Share> = orders
        .into_iter()
        .map(|(id, a, b, c, d, e, f, g, h, i, j)| {
            (id, share_of((a, b, c, d, e, f, g, h, i, j), &tz))
        })
        .collect();
    let lines: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "select order_id, variant_id, quantity, unit_price * quantity from order_lines \
         order by order_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (order, variant, units, revenue) in lines {
        if let Some(share) = shares.get_mut(&order) {
            add_line(share, variant, units, revenue, 0);
        }
    }
    let returned: Vec<(String, String, i64)> = sqlx::query_as(
        "select r.order_id, l.variant_id, rl.quantity from return_lines rl \
         join returns r on r.id = rl.return_id \
         join order_lines l on l.order_id = r.order_id and l.position = rl.position \
         where r.status in ('received', 'refunded')",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (order, variant, units) in returned {
        if let Some(share) = shares.get_mut(&order) {
            add_line(share, variant, 0, 0, units);
        }
    }
    let mut all = Rollups::default();
    for share in shares.values() {
        all.add(share, 1);
    }
    Ok(all.without_zeros())
}

/// What the rollup tables hold now.
pub async fn stored(conn: &mut AnyConnection) -> Result<Rollups, AppError> {
    let mut all = Rollups::default();
    let sql = format!("select day, {} from sales_daily", SALES.join(", "));
    let rows: Vec<sqlx_core::any::AnyRow> = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    for row in rows {
        use sqlx::Row as _;
        let day: String = row.try_get(0)?;
        let mut values = [0i64; 11];
        for (i, v) in values.iter_mut().enumerate() {
            *v = row.try_get(i + 1)?;
        }
        all.sales.insert(day, values);
    }
    let variants: Vec<(String, String, i64, i64, i64)> =
        sqlx::query_as("select day, variant_id, units, revenue, refunded_units from variant_daily")
            .fetch_all(&mut *conn)
            .await?;
    for (day, variant, a, b, c) in variants {
        all.variants.insert((day, variant), [a, b, c]);
    }
    let codes: Vec<(String, String, i64, i64, i64)> =
        sqlx::query_as("select day, code, orders, discount, revenue from code_daily")
            .fetch_all(&mut *conn)
            .await?;
    for (day, code, a, b, c) in codes {
        all.codes.insert((day, code), [a, b, c]);
    }
    Ok(all.without_zeros())
}

/// Rewrites the rollups from the raw rows, in one transaction that keeps concurrent
/// order changes out until it commits (they then add their own difference on top).
/// Returns the number of days written.
pub async fn rebuild(db: &Db) -> Result<usize, AppError> {
    let mut tx = db.begin_write().await?;
    if db.backend() == crate::platform::db::Backend::Postgres {
        sqlx::query("lock table sales_daily, variant_daily, code_daily in exclusive mode")
            .execute(&mut *tx)
            .await?;
    }
    let all = from_raw(&mut tx).await?;
    for table in ["sales_daily", "variant_daily", "code_daily"] {
        sqlx::query(&format!("delete from {table}"))
            .execute(&mut *tx)
            .await?;
    }
    write_all(&mut tx, &all).await?;
    tx.commit().await?;
    Ok(all.sales.len())
}

/// Writes `all` into the emptied tables in bulk.
async fn write_all(conn: &mut AnyConnection, all: &Rollups) -> Result<(), AppError> {
    use crate::platform::db::params::{insert_many, Arg};
    let mut columns = vec!["day"];
    columns.extend(SALES);
    let rows = all
        .sales
        .iter()
        .map(|(day, v)| {
            let mut row = vec![Arg::Text(day.clone())];
            row.extend(v.iter().map(|x| Arg::Int(*x)));
            row
        })
        .collect();
    insert_many(conn, "sales_daily", &columns, rows).await?;
    let rows = all
        .variants
        .iter()
        .map(|((day, variant), v)| {
            let mut row = vec![Arg::Text(day.clone()), Arg::Text(variant.clone())];
            row.extend(v.iter().map(|x| Arg::Int(*x)));
            row
        })
        .collect();
    let columns = ["day", "variant_id", "units", "revenue", "refunded_units"];
    insert_many(conn, "variant_daily", &columns, rows).await?;
    let rows = all
        .codes
        .iter()
        .map(|((day, code), v)| {
            let mut row = vec![Arg::Text(day.clone()), Arg::Text(code.clone())];
            row.extend(v.iter().map(|x| Arg::Int(*x)));
            row
        })
        .collect();
    let columns = ["day", "code", "orders", "discount", "revenue"];
    insert_many(conn, "code_daily", &columns, rows).await?;
    Ok(())
}

/// The differences between the rollup tables and the raw rows (empty: they agree).
pub async fn verify(db: &Db) -> Result<Vec<String>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let want = from_raw(&mut conn).await?;
    let have = stored(&mut conn).await?;
    let mut out = Vec::new();
    for (day, w) in &want.sales {
        if have.sales.get(day) != Some(w) {
            out.push(format!(
                "sales {day}: stored {:?}, raw {w:?}",
                have.sales.get(day)
            ));
        }
    }
    for day in have.sales.keys().filter(|d| !want.sales.contains_key(*d)) {
        out.push(format!("sales {day}: stored but no order"));
    }
    if want.variants != have.variants {
        out.push("variant rollups differ from the order lines".to_owned());
    }
    if want.codes != have.codes {
        out.push("code rollups differ from the orders".to_owned());
    }
    Ok(out)
}
