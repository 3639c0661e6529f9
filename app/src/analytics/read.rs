//! The numbers behind the dashboard and the reports, from the daily rollups (a 12-month
//! range reads at most a few hundred rows per table) and, for what needs one customer
//! at a time, from the orders through the `orders_analytics` covering index.

use super::range::{Bucket, Period, Span};
use super::rollup::SALES;
use super::zone;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// The store's today, zone and currency.
pub struct Context {
    pub today: Date,
    pub zone: TimeZone,
    pub currency: String,
}

pub async fn context(db: &Db) -> Result<Context, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (_, zone) = zone::read(&mut conn).await?;
    drop(conn);
    let currency = crate::settings::db::storefront(db).await?.currency;
    Ok(Context {
        today: zone::date_of(crate::platform::db::now_ms(), &zone),
        zone,
        currency,
    })
}

/// The sales columns summed over a span.
pub type Sales = [i64; 11];

pub fn col(name: &str) -> usize {
    SALES.iter().position(|c| *c == name).unwrap_or(0)
}

/// The sales rows of a span, per day.
pub async fn sales_days(db: &Db, span: Span) -> Result<BTreeMap<Date, Sales>, AppError> {
    let sql = format!(
        "select day, {} from sales_daily where day >= $1 and day <= $2",
        SALES.join(", ")
    );
    let rows: Vec<sqlx_core::any::AnyRow> = sqlx::query(&sql)
        .bind(span.from.to_string())
        .bind(span.to.to_string())
        .fetch_all(db.pool())
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        use sqlx::Row as _;
        let day: String = row.try_get(0)?;
        let Ok(day) = day.parse::<Date>() else {
            continue;
        };
        let mut values = [0i64; 11];
        for (i, v) in values.iter_mut().enumerate() {
            *v = row.try_get(i + 1)?;
        }
        out.insert(day, values);
    }
    Ok(out)
}

pub fn total(days: &BTreeMap<Date, Sales>) -> Sales {
    let mut t = [0i64; 11];
    for v in days.values() {
        for (a, b) in t.iter_mut().zip(v) {
            *a += b;
        }
    }
    t
}

/// Per bucket of `bucket`, every bucket of the span present (zeros where nothing sold).
pub fn bucketed(span: Span, bucket: Bucket, days: &BTreeMap<Date, Sales>) -> Vec<(Date, Sales)> {
    let mut out: Vec<(Date, Sales)> = Vec::new();
    for day in span.each_day() {
        let start = bucket.start(day);
        if out.last().map(|(d, _)| *d) != Some(start) {
            out.push((start, [0; 11]));
        }
        if let (Some(values), Some((_, acc))) = (days.get(&day), out.last_mut()) {
            for (a, b) in acc.iter_mut().zip(values) {
                *a += b;
            }
        }
    }
    out
}

/// Net sales: gross less discounts and refunds.
pub fn net(s: &Sales) -> i64 {
    s[col("gross")] - s[col("discounts")] - s[col("refunds")]
}

/// The unix-ms bounds of a span in the store's zone: [start, end).
pub fn bounds(span: Span, zone: &TimeZone) -> (i64, i64) {
    let end = span.to.tomorrow().unwrap_or(span.to);
    (zone::start_ms(span.from, zone), zone::start_ms(end, zone))
}

/// Distinct customers (by email) who had ordered before and ordered in the span.
pub async fn returning_customers(db: &Db, span: Span, zone: &TimeZone) -> Result<i64, AppError> {
    let (from, to) = bounds(span, zone);
    let (n,): (i64,) = sqlx::query_as(
        "select count(distinct email) from orders \
         where created_at >= $1 and created_at < $2 and returning_customer = 1",
    )
    .bind(from)
    .bind(to)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

/// The customers who spent most in the span: (email, orders, spent after refunds).
pub async fn top_spenders(
    db: &Db,
    span: Span,
    zone: &TimeZone,
    limit: i64,
) -> Result<Vec<(String, i64, i64)>, AppError> {
    let (from, to) = bounds(span, zone);
    Ok(sqlx::query_as(
        "select email, count(*), cast(sum(total - refunded) as bigint) as spent from orders \
         where created_at >= $1 and created_at < $2 group by email \
         order by spent desc, email limit $3",
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Funnel visitors per step over a span.
pub async fn funnel(db: &Db, span: Span) -> Result<BTreeMap<String, i64>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "select step, cast(sum(visitors) as bigint) from funnel_daily \
         where day >= $1 and day <= $2 group by step",
    )
    .bind(span.from.to_string())
    .bind(span.to.to_string())
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Paid visitors over product-viewing visitors, in basis points.
pub fn conversion(funnel: &BTreeMap<String, i64>) -> Option<i64> {
    let viewed = funnel.get("viewed").copied().unwrap_or(0);
    let paid = funnel.get("paid").copied().unwrap_or(0);
    (viewed > 0).then(|| paid * 10_000 / viewed)
}

/// Per variant over a span: (variant, product, variant title, sku, category, units,
/// revenue, refunded units).
pub type VariantRow = (String, String, String, String, String, i64, i64, i64);

pub async fn variants(db: &Db, span: Span) -> Result<Vec<VariantRow>, AppError> {
    // Summed per variant first (a covering index), then named: a year holds a row per
    // variant and day sold, and joining each of those before summing cost seconds.
    Ok(sqlx::query_as(
        "select a.variant_id, coalesce(p.name, '(deleted product)'), \
           coalesce(trim(coalesce(v.option1, '') || ' ' || coalesce(v.option2, '') || ' ' || coalesce(v.option3, '')), ''), \
           coalesce(v.sku, ''), coalesce(c.name, 'No category'), a.units, a.revenue, a.refunded \
         from (select variant_id, cast(sum(units) as bigint) as units, \
                 cast(sum(revenue) as bigint) as revenue, cast(sum(refunded_units) as bigint) as refunded \
               from variant_daily where day >= $1 and day <= $2 group by variant_id) a \
           left join variants v on v.id = a.variant_id \
           left join products p on p.id = v.product_id left join categories c on c.id = p.category_id",
    )
    .bind(span.from.to_string())
    .bind(span.to.to_string())
    .fetch_all(db.pool())
    .await?)
}

/// Per code over a span: (code, orders, discount given, revenue).
pub async fn codes(db: &Db, span: Span) -> Result<Vec<(String, i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "select code, cast(sum(orders) as bigint), cast(sum(discount) as bigint), \
           cast(sum(revenue) as bigint) from code_daily where day >= $1 and day <= $2 group by code",
    )
    .bind(span.from.to_string())
    .bind(span.to.to_string())
    .fetch_all(db.pool())
    .await?)
}

/// The headline numbers of a span (gross, net, orders, average order, units, conversion,
/// new customers, returning customers, refund rate), in that order.
pub async fn headline(db: &Db, span: Span, zone: &TimeZone) -> Result<[Option<i64>; 9], AppError> {
    let t = total(&sales_days(db, span).await?);
    let orders = t[col("orders")];
    let funnel = funnel(db, span).await?;
    Ok([
        Some(t[col("gross")]),
        Some(net(&t)),
        Some(orders),
        (orders > 0).then(|| (t[col("gross")] - t[col("discounts")]) / orders),
        Some(t[col("units")]),
        conversion(&funnel),
        Some(t[col("new_customers")]),
        Some(returning_customers(db, span, zone).await?),
        (orders > 0).then(|| t[col("refunded_orders")] * 10_000 / orders),
    ])
}

/// What [`headline`] computes, named: (key, label, kind, up is good).
pub const HEADLINE: [(&str, &str, super::model::Kind, bool); 9] = {
    use super::model::Kind::*;
    [
        ("gross", "Gross sales", Money, true),
        ("net", "Net sales", Money, true),
        ("orders", "Orders", Count, true),
        ("aov", "Average order value", Money, true),
        ("units", "Units sold", Count, true),
        ("conversion", "Conversion rate", Percent, true),
        ("new_customers", "New customers", Count, true),
        ("returning_customers", "Returning customers", Count, true),
        ("refund_rate", "Refund rate", Percent, false),
    ]
};

/// The current and comparison headlines as KPIs.
pub async fn kpis(
    db: &Db,
    period: &Period,
    zone: &TimeZone,
) -> Result<Vec<super::model::Kpi>, AppError> {
    let now = headline(db, period.current, zone).await?;
    let before = match period.previous {
        Some(p) => Some(headline(db, p, zone).await?),
        None => None,
    };
    Ok(HEADLINE
        .iter()
        .enumerate()
        .map(|(i, (key, label, kind, up))| super::model::Kpi {
            key: (*key).to_owned(),
            label: (*label).to_owned(),
            kind: *kind,
            value: now[i],
            previous: before.and_then(|b| b[i]),
            up_is_good: *up,
        })
        .collect())
}
