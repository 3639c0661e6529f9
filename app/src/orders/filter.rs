//! The order lists: a customer's history and the staff's list with its filters (status,
//! payment, dates, search), parsed from a query string.

use super::model::*;
use crate::platform::db::params::{bind, Arg};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;
use crate::web::pagination::ListParams;

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    number: i64,
    email: String,
    status: String,
    payment_status: String,
    currency: String,
    total: i64,
    items: i64,
    created_at: i64,
    on_hold: i64,
}

impl From<SummaryRow> for OrderSummary {
    fn from(r: SummaryRow) -> Self {
        Self {
            id: r.id,
            number: r.number,
            email: r.email,
            status: OrderStatus::parse(&r.status).unwrap_or_default(),
            payment_status: PaymentStatus::parse(&r.payment_status).unwrap_or_default(),
            total: Money::new(r.total, Currency::parse(&r.currency).unwrap_or_default()),
            items: r.items,
            created_at: r.created_at,
            on_hold: r.on_hold == 1,
        }
    }
}

const SUMMARY: &str = "select o.id, o.number, o.email, o.status, o.payment_status, o.currency, \
    o.total, cast(coalesce((select sum(l.quantity) from order_lines l where l.order_id = o.id), 0) as bigint) as items, \
    o.created_at, case when o.hold_reason is null then 0 else 1 end as on_hold from orders o";

/// A customer's orders, newest first.
pub async fn history(state: &AppState, user_id: &str, page: u32) -> Result<OrderList, AppError> {
    let filter = OrderFilter {
        page,
        ..OrderFilter::default()
    };
    list(state, &filter, Some(user_id)).await
}

/// What the staff list filters by (all optional), read from the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Unix ms, inclusive / exclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Email (part) or order number.
    pub customer: String,
    pub min_total: Option<i64>,
    pub max_total: Option<i64>,
    pub page: u32,
    /// The API's `limit`, `sort` and `order` (the page's list: 25, newest first).
    pub list: ListParams,
}

/// What the API's order list sorts by, and the column each names.
const SORTS: [&str; 3] = ["created_at", "number", "total"];

/// The REST API's filters: `status`, `created_after` / `created_before` (a day, inclusive),
/// `search` (email part or order number), `min_total` / `max_total` (minor units), and the
/// list parameters. Unknown parameters are refused, so a typo does not list everything.
pub fn from_api_query(raw: &str) -> Result<OrderFilter, AppError> {
    let mut f = OrderFilter {
        page: 1,
        ..OrderFilter::default()
    };
    let day = crate::platform::text::parse_day;
    let minor = |v: &str, field: &str| {
        v.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| AppError::validation(field, "a whole number of minor units (cents)"))
    };
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let value = value.trim();
        // An empty value is no filter (`?status=&search=` from a form).
        if value.is_empty() || f.list.take(&key, value, &SORTS)? {
            continue;
        }
        match key.as_ref() {
            "status" => {
                f.status = Some(OrderStatus::parse(value).ok_or_else(|| {
                    AppError::validation("status", "paid, fulfilled, delivered or cancelled")
                })?);
            }
            "created_after" => f.from = Some(day(value, "created_after")?),
            "created_before" => f.to = Some(day(value, "created_before")? + 24 * 3600 * 1000),
            "search" if value.chars().count() > 100 => {
                return Err(AppError::validation(
                    "search",
                    "search with at most 100 characters",
                ))
            }
            "search" => f.customer = value.to_owned(),
            "min_total" => f.min_total = Some(minor(value, "min_total")?),
            "max_total" => f.max_total = Some(minor(value, "max_total")?),
            other => {
                return Err(AppError::validation(
                    other,
                    format!("“{other}” is not a filter of this list"),
                ))
            }
        }
    }
    f.page = f.list.page.max(1);
    Ok(f)
}

impl OrderFilter {
    /// From `status=paid&from=2026-01-01&to=2026-01-31&customer=ada&min=10&max=99.50&page=2`.
    pub fn from_query(raw: &str) -> Result<Self, AppError> {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        let day = crate::platform::text::parse_day;
        let money = |v: &str, field: &str| {
            Money::parse_decimal(v)
                .ok_or_else(|| AppError::validation(field, "enter an amount such as 25 or 19.99"))
        };
        for (key, value) in url::form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "status" => {
                    f.status = Some(OrderStatus::parse(value).ok_or_else(|| {
                        AppError::validation(
                            "status",
                            "choose paid, fulfilled, delivered or cancelled",
                        )
                    })?);
                }
                "from" => f.from = Some(day(value, "from")?),
                "to" => f.to = Some(day(value, "to")? + 24 * 3600 * 1000),
                "customer" => f.customer = value.chars().take(100).collect(),
                "min" => f.min_total = Some(money(value, "min")?),
                "max" => f.max_total = Some(money(value, "max")?),
                "page" => f.page = crate::platform::text::parse_page(value)?,
                _ => {}
            }
        }
        Ok(f)
    }
}

/// Staff list (all customers) or a customer's history (`user_id`).
pub async fn list(
    state: &AppState,
    f: &OrderFilter,
    user_id: Option<&str>,
) -> Result<OrderList, AppError> {
    let limit = if f.list.limit == 0 { 25 } else { f.list.limit };
    let (conditions, args) = conditions(f, user_id);
    let where_ = if conditions.is_empty() {
        String::new()
    } else {
        format!(" where {}", conditions.join(" and "))
    };
    let count_sql = format!("select count(*) from orders o{where_}");
    let (total,) = bind(sqlx::query_as::<_, (i64,)>(&count_sql), &args)
        .fetch_one(state.db.pool())
        .await?;
    let page = f.page.max(1);
    let column = match f.list.sort {
        "number" => "o.number",
        "total" => "o.total",
        _ => "o.created_at",
    };
    let dir = f.list.direction();
    let sql = format!(
        "{SUMMARY}{where_} order by {column} {dir}, o.number {dir} limit {limit} offset {}",
        u64::from(page - 1) * u64::from(limit)
    );
    let rows = bind(sqlx::query_as::<_, SummaryRow>(&sql), &args)
        .fetch_all(state.db.pool())
        .await?;
    Ok(OrderList {
        orders: rows.into_iter().map(OrderSummary::from).collect(),
        pagination: crate::web::pagination::Pagination::new(page, limit, total),
    })
}

pub(super) fn conditions(f: &OrderFilter, user_id: Option<&str>) -> (Vec<String>, Vec<Arg>) {
    let mut c = Vec::new();
    let mut a = Vec::new();
    let mut push = |sql: &str, arg: Arg| {
        a.push(arg);
        c.push(sql.replace('?', &format!("${}", a.len())));
    };
    if let Some(user) = user_id {
        push("o.user_id = ?", Arg::Text(user.to_owned()));
    }
    if let Some(status) = f.status {
        push("o.status = ?", Arg::Text(status.as_str().to_owned()));
    }
    if let Some(from) = f.from {
        push("o.created_at >= ?", Arg::Int(from));
    }
    if let Some(to) = f.to {
        push("o.created_at < ?", Arg::Int(to));
    }
    if let Some(min) = f.min_total {
        push("o.total >= ?", Arg::Int(min));
    }
    if let Some(max) = f.max_total {
        push("o.total <= ?", Arg::Int(max));
    }
    let customer = f.customer.trim().trim_start_matches('#');
    if !customer.is_empty() {
        match customer.parse::<i64>() {
            Ok(number) => push("o.number = ?", Arg::Int(number)),
            Err(_) => push(
                "lower(o.email) like ?",
                Arg::Text(format!(
                    "%{}%",
                    customer.to_lowercase().replace(['%', '_'], "")
                )),
            ),
        }
    }
    (c, a)
}
