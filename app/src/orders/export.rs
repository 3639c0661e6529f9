//! The staff CSV export of orders: one row per order line, the list's filters, cells a
//! spreadsheet would run as formulas escaped.

use super::filter::{conditions, OrderFilter};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;

#[derive(sqlx::FromRow)]
struct ExportRow {
    number: i64,
    created_at: i64,
    email: String,
    status: String,
    payment_status: String,
    currency: String,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
    refunded: i64,
    shipping_name: String,
    carrier: Option<String>,
    tracking_number: Option<String>,
    sku: String,
    product_name: String,
    variant_title: String,
    quantity: i64,
    unit_price: i64,
}

/// The staff CSV export of the filtered orders, one row per order line; cells a
/// spreadsheet would run as formulas are escaped.
pub async fn export_csv(state: &AppState, f: &OrderFilter) -> Result<String, AppError> {
    let (conditions, args) = conditions(f, None);
    let where_ = if conditions.is_empty() {
        String::new()
    } else {
        format!(" where {}", conditions.join(" and "))
    };
    let sql = format!(
        "select o.number, o.created_at, o.email, o.status, o.payment_status, o.currency, o.subtotal, \
           o.discount, o.shipping, o.tax, o.total, o.refunded, o.shipping_name, o.carrier, \
           o.tracking_number, l.sku, l.product_name, l.variant_title, l.quantity, l.unit_price \
         from orders o join order_lines l on l.order_id = o.id{where_} \
         order by o.created_at desc, o.number desc, l.position limit 100000"
    );
    let rows = crate::platform::db::params::bind(sqlx::query_as::<_, ExportRow>(&sql), &args)
        .fetch_all(state.db.pool())
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "number",
        "date",
        "email",
        "status",
        "payment_status",
        "currency",
        "subtotal",
        "discount",
        "shipping",
        "tax",
        "total",
        "refunded",
        "shipping_method",
        "carrier",
        "tracking_number",
        "sku",
        "product",
        "variant",
        "quantity",
        "unit_price",
    ];
    let csv_err = |e: csv::Error| AppError::Internal(anyhow::Error::new(e));
    out.write_record(header).map_err(csv_err)?;
    for r in rows {
        let currency = Currency::parse(&r.currency).unwrap_or_default();
        let dec = |m: i64| Money::new(m, currency).decimal();
        let date = time::OffsetDateTime::from_unix_timestamp(r.created_at / 1000)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        let record = [
            r.number.to_string(),
            date,
            r.email,
            r.status,
            r.payment_status,
            r.currency.clone(),
            dec(r.subtotal),
            dec(r.discount),
            dec(r.shipping),
            dec(r.tax),
            dec(r.total),
            dec(r.refunded),
            r.shipping_name,
            r.carrier.unwrap_or_default(),
            r.tracking_number.unwrap_or_default(),
            r.sku,
            r.product_name,
            r.variant_title,
            r.quantity.to_string(),
            dec(r.unit_price),
        ];
        out.write_record(
            record
                .iter()
                .map(|cell| crate::platform::spreadsheet::escape(cell)),
        )
        .map_err(csv_err)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(anyhow::Error::new(e)))
}
