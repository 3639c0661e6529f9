//! Each report as a chart and a table, built from `read` for a resolved period; the same
//! table is the page's and the CSV export's.

use super::chart::{self, Series};
use super::model::{Cell, Column, Kind, Query, Report, REPORTS};
use super::range::Period;
use super::read::{self, col, Context};
use crate::platform::db::Db;
use crate::platform::error::AppError;

fn column(key: &str, label: &str, kind: Kind) -> Column {
    Column {
        key: key.to_owned(),
        label: label.to_owned(),
        kind,
    }
}

fn int(v: i64) -> Cell {
    Cell::Int(Some(v))
}

/// Builds report `key` for `q`.
pub async fn build(db: &Db, key: &str, q: &Query) -> Result<Report, AppError> {
    let title = REPORTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| (*t).to_owned())
        .ok_or_else(|| AppError::NotFound("report".into()))?;
    let cx = read::context(db).await?;
    let period = super::range::resolve(q, cx.today)?;
    let mut report = Report {
        key: key.to_owned(),
        title,
        period: period.label(),
        currency: cx.currency.clone(),
        kpis: Vec::new(),
        chart_svg: String::new(),
        columns: Vec::new(),
        rows: Vec::new(),
        sort: String::new(),
        dir: String::new(),
        note: String::new(),
    };
    match key {
        "sales" => sales(db, &cx, &period, &mut report).await?,
        "taxes" => taxes(db, &period, &mut report).await?,
        "products" => products(db, &period, q, &mut report).await?,
        "categories" => categories(db, &period, &mut report).await?,
        "codes" => codes(db, &period, &mut report).await?,
        "customers" => customers(db, &cx, &period, &mut report).await?,
        _ => funnel(db, &period, &mut report).await?,
    }
    super::table::sort(&mut report, q);
    if report.chart_svg.is_empty() {
        report.chart_svg = super::table::ranking_chart(&report);
    }
    Ok(report)
}

/// The sales rows of the period's range, per bucket (every bucket present).
pub async fn over_time(
    db: &Db,
    period: &Period,
) -> Result<Vec<(jiff::civil::Date, read::Sales)>, AppError> {
    let days = read::sales_days(db, period.current).await?;
    Ok(read::bucketed(period.current, period.bucket, &days))
}

/// Bars of one sales column per bucket.
fn column_chart(
    title: &str,
    period: &Period,
    buckets: &[(jiff::civil::Date, read::Sales)],
    column: &str,
    kind: Kind,
    currency: &str,
) -> String {
    let labels: Vec<String> = buckets
        .iter()
        .map(|(d, _)| period.bucket.label(*d))
        .collect();
    let values: Vec<i64> = buckets.iter().map(|(_, s)| s[col(column)]).collect();
    chart::bars(&Series {
        title,
        labels: &labels,
        values: &values,
        previous: None,
        kind,
        currency,
    })
}

/// Per bucket: the sales columns, and the chart of net sales against the comparison.
async fn sales(db: &Db, cx: &Context, period: &Period, r: &mut Report) -> Result<(), AppError> {
    let buckets = over_time(db, period).await?;
    r.columns = vec![
        column("period", "Period", Kind::Text),
        column("orders", "Orders", Kind::Count),
        column("gross", "Gross sales", Kind::Money),
        column("discounts", "Discounts", Kind::Money),
        column("refunds", "Refunds", Kind::Money),
        column("net", "Net sales", Kind::Money),
        column("shipping", "Shipping", Kind::Money),
        column("tax", "Taxes", Kind::Money),
        column("total", "Total sales", Kind::Money),
    ];
    for (start, s) in &buckets {
        r.rows.push(vec![
            Cell::Text(start.to_string()),
            int(s[col("orders")]),
            int(s[col("gross")]),
            int(s[col("discounts")]),
            int(s[col("refunds")]),
            int(read::net(s)),
            int(s[col("shipping")]),
            int(s[col("tax")]),
            int(s[col("total")] - s[col("refunds")]),
        ]);
    }
    r.kpis = read::kpis(db, period, &cx.zone).await?;
    r.chart_svg = sales_chart(db, period, &buckets, &cx.currency).await?;
    r.note = "Counted by the day each order was placed; a refund lowers its order's day. \
              Net sales are gross sales less discounts and refunds."
        .into();
    Ok(())
}

/// Net sales per bucket, with the comparison period's as a line.
pub async fn sales_chart(
    db: &Db,
    period: &Period,
    buckets: &[(jiff::civil::Date, read::Sales)],
    currency: &str,
) -> Result<String, AppError> {
    let labels: Vec<String> = buckets
        .iter()
        .map(|(d, _)| period.bucket.label(*d))
        .collect();
    let values: Vec<i64> = buckets.iter().map(|(_, s)| read::net(s)).collect();
    let previous: Option<Vec<i64>> = match period.previous {
        Some(p) => {
            let before = read::bucketed(p, period.bucket, &read::sales_days(db, p).await?);
            Some(before.iter().map(|(_, s)| read::net(s)).collect())
        }
        None => None,
    };
    Ok(chart::bars(&Series {
        title: "Net sales",
        labels: &labels,
        values: &values,
        previous: previous.as_deref(),
        kind: Kind::Money,
        currency,
    }))
}

async fn taxes(db: &Db, period: &Period, r: &mut Report) -> Result<(), AppError> {
    let buckets = over_time(db, period).await?;
    r.columns = vec![
        column("period", "Period", Kind::Text),
        column("orders", "Orders", Kind::Count),
        column("tax", "Taxes collected", Kind::Money),
        column("shipping", "Shipping collected", Kind::Money),
    ];
    for (start, s) in &buckets {
        r.rows.push(vec![
            Cell::Text(start.to_string()),
            int(s[col("orders")]),
            int(s[col("tax")]),
            int(s[col("shipping")]),
        ]);
    }
    r.chart_svg = column_chart(
        "Taxes collected",
        period,
        &buckets,
        "tax",
        Kind::Money,
        &r.currency,
    );
    r.note = "As charged on the orders placed in each period; refunds are not split into tax and shipping.".into();
    Ok(())
}

async fn products(db: &Db, period: &Period, q: &Query, r: &mut Report) -> Result<(), AppError> {
    let rows = read::variants(db, period.current).await?;
    if q.by == "variant" {
        r.columns = vec![
            column("product", "Product", Kind::Text),
            column("variant", "Variant", Kind::Text),
            column("sku", "SKU", Kind::Text),
            column("units", "Units sold", Kind::Count),
            column("revenue", "Revenue", Kind::Money),
            column("refunded", "Units refunded", Kind::Count),
        ];
        for (_, product, variant, sku, _, units, revenue, refunded) in rows {
            r.rows.push(vec![
                Cell::Text(product),
                Cell::Text(variant),
                Cell::Text(sku),
                int(units),
                int(revenue),
                int(refunded),
            ]);
        }
    } else {
        let mut by: std::collections::BTreeMap<String, [i64; 4]> = Default::default();
        for (_, product, _, _, _, units, revenue, refunded) in rows {
            let e = by.entry(product).or_default();
            e[0] += units;
            e[1] += revenue;
            e[2] += refunded;
            e[3] += 1;
        }
        r.columns = vec![
            column("product", "Product", Kind::Text),
            column("variants", "Variants sold", Kind::Count),
            column("units", "Units sold", Kind::Count),
            column("revenue", "Revenue", Kind::Money),
            column("refunded", "Units refunded", Kind::Count),
        ];
        for (product, [units, revenue, refunded, variants]) in by {
            r.rows.push(vec![
                Cell::Text(product),
                int(variants),
                int(units),
                int(revenue),
                int(refunded),
            ]);
        }
    }
    r.note = "Revenue is price × quantity before order discounts. Units refunded: units of cancelled orders and of received returns.".into();
    Ok(())
}

async fn categories(db: &Db, period: &Period, r: &mut Report) -> Result<(), AppError> {
    let mut by: std::collections::BTreeMap<String, [i64; 3]> = Default::default();
    for (_, _, _, _, category, units, revenue, refunded) in
        read::variants(db, period.current).await?
    {
        let e = by.entry(category).or_default();
        e[0] += units;
        e[1] += revenue;
        e[2] += refunded;
    }
    r.columns = vec![
        column("category", "Category", Kind::Text),
        column("units", "Units sold", Kind::Count),
        column("revenue", "Revenue", Kind::Money),
        column("refunded", "Units refunded", Kind::Count),
    ];
    for (category, [units, revenue, refunded]) in by {
        r.rows.push(vec![
            Cell::Text(category),
            int(units),
            int(revenue),
            int(refunded),
        ]);
    }
    r.note = "Each product counts in the category it is in today.".into();
    Ok(())
}

async fn codes(db: &Db, period: &Period, r: &mut Report) -> Result<(), AppError> {
    r.columns = vec![
        column("code", "Code", Kind::Text),
        column("orders", "Orders", Kind::Count),
        column("discount", "Discount given", Kind::Money),
        column("revenue", "Revenue", Kind::Money),
    ];
    for (code, orders, discount, revenue) in read::codes(db, period.current).await? {
        r.rows.push(vec![
            Cell::Text(code),
            int(orders),
            int(discount),
            int(revenue),
        ]);
    }
    r.note = "Revenue is the total charged on the orders that used the code.".into();
    Ok(())
}

async fn customers(db: &Db, cx: &Context, period: &Period, r: &mut Report) -> Result<(), AppError> {
    let kpis = read::kpis(db, period, &cx.zone).await?;
    r.kpis = kpis
        .into_iter()
        .filter(|k| {
            matches!(
                k.key.as_str(),
                "orders" | "aov" | "new_customers" | "returning_customers"
            )
        })
        .collect();
    r.columns = vec![
        column("email", "Customer", Kind::Text),
        column("orders", "Orders", Kind::Count),
        column("spent", "Spent (after refunds)", Kind::Money),
    ];
    for (email, orders, spent) in read::top_spenders(db, period.current, &cx.zone, 50).await? {
        r.rows
            .push(vec![Cell::Text(email), int(orders), int(spent)]);
    }
    let buckets = over_time(db, period).await?;
    r.chart_svg = column_chart(
        "New customers",
        period,
        &buckets,
        "new_customers",
        Kind::Count,
        &r.currency,
    );
    r.note = "A new customer placed their first order in the period; a returning one had ordered before. The table lists the 50 who spent most.".into();
    Ok(())
}

async fn funnel(db: &Db, period: &Period, r: &mut Report) -> Result<(), AppError> {
    let counts = read::funnel(db, period.current).await?;
    r.columns = vec![
        column("step", "Step", Kind::Text),
        column("visitors", "Visitors", Kind::Count),
        column("of_viewed", "Of product viewers", Kind::Percent),
        column("of_previous", "Of the step before", Kind::Percent),
    ];
    let steps = [
        ("viewed", "Viewed a product"),
        ("carted", "Added to cart"),
        ("checkout", "Started checkout"),
        ("paid", "Paid"),
    ];
    let viewed = counts.get("viewed").copied().unwrap_or(0);
    let mut before = None;
    for (key, label) in steps {
        let n = counts.get(key).copied().unwrap_or(0);
        let share = |of: i64| (of > 0).then(|| n * 10_000 / of);
        r.rows.push(vec![
            Cell::Text(label.into()),
            int(n),
            Cell::Int(share(viewed)),
            Cell::Int(before.and_then(share)),
        ]);
        before = Some(n);
    }
    r.note = "Visitors per day, counted on the server without cookies; nothing is recorded for browsers that send Do Not Track or Global Privacy Control, or for bots.".into();
    Ok(())
}
