//! Rebuilding the rollups from the raw rows (orders, lines, received returns) in bulk,
//! and checking the kept rollups against such a rebuild.

use super::rollup::{
    add_line, share_of, OrderRow, Rollups, Share, ORDER_COLUMNS, RETURNED_FROM, SALES,
};
use super::zone;
use crate::platform::db::{AnyConnection, Db};
use crate::platform::error::AppError;
use std::collections::BTreeMap;

/// An order's id and the columns of its share.
#[derive(sqlx::FromRow)]
struct IdOrderRow {
    id: String,
    #[sqlx(flatten)]
    order: OrderRow,
}

/// What the rollups should hold, computed from the raw rows (three bulk reads).
pub async fn from_raw(conn: &mut AnyConnection) -> Result<Rollups, AppError> {
    let (_, tz) = zone::read(conn).await?;
    let sql = format!("select id, {ORDER_COLUMNS} from orders");
    let orders: Vec<IdOrderRow> = sqlx::query_as(&sql).fetch_all(&mut *conn).await?;
    let mut shares: BTreeMap<String, Share> = orders
        .into_iter()
        .map(|row| (row.id, share_of(row.order, &tz)))
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
    let sql = format!("select r.order_id, l.variant_id, rl.quantity {RETURNED_FROM}");
    let returned: Vec<(String, String, i64)> = sqlx::query_as(&sql).fetch_all(&mut *conn).await?;
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
