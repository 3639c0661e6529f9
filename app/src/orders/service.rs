//! Reading orders (customer, guest, staff), the lists and their filters, and the mails
//! about an order. The staff actions are in [`super::actions`], the CSV in [`super::export`].

use super::model::*;
use crate::accounts::model::AddressInput;
use crate::platform::money::{Currency, Money};
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use crate::platform::jobs::Task;
use crate::platform::state::AppState;

/// The guest's key to an order: an HMAC of its id under the server secret, so it needs
/// no storage and cannot be guessed from the id or the number.
pub fn token(state: &AppState, order_id: &str) -> String {
    use hmac::{Hmac, Mac as _};
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&state.config.jwt_secret)
        .expect("HMAC takes any key length");
    mac.update(b"order:");
    mac.update(order_id.as_bytes());
    let bytes = mac.finalize().into_bytes();
    data_encoding::BASE64URL_NOPAD.encode(&bytes[..18])
}

fn token_matches(state: &AppState, order_id: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    let expected = token(state, order_id);
    expected.as_bytes().ct_eq(given.trim().as_bytes()).into()
}

/// The path a guest (or a mail) opens an order at.
pub fn guest_path(state: &AppState, order_id: &str) -> String {
    format!("/orders/{order_id}?token={}", token(state, order_id))
}

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
        "select e.kind, e.message, u.email, e.created_at from order_events e \
         left join users u on u.id = e.actor where e.order_id = $1 order by e.created_at, e.id",
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

/// An order for whoever asks: its customer (signed in), staff, or anyone with its token.
/// Anyone else gets "not found", the same as for an id that does not exist.
pub async fn for_viewer(
    state: &AppState,
    session: &tower_sessions::Session,
    order_id: &str,
    token: Option<&str>,
) -> Result<Order, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let (mut order, owner) = load(&mut conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    drop(conn);
    let user = crate::accounts::session::current(&state.db, session).await?;
    // Staff as the admin lets them in (an admin without two-factor is not yet staff).
    let is_staff = user.as_ref().is_some_and(|u| u.staff_access().is_ok());
    let is_owner = user.as_ref().is_some_and(|u| Some(&u.id) == owner.as_ref());
    let has_token = token.is_some_and(|t| token_matches(state, order_id, t));
    if !(is_owner || is_staff || has_token) {
        return Err(AppError::NotFound("order".into()));
    }
    if !is_staff {
        order.hold_reason = None;
        // Customers see the story, not the staff's notes on stock and amounts.
        order.events.retain(|e| {
            matches!(
                e.kind.as_str(),
                "placed" | "fulfilled" | "delivered" | "cancelled" | "refunded"
            )
        });
    }
    order.token = Some(self::token(state, order_id));
    Ok(order)
}

/// Guest look-up by email and order number: the order's id and token, or not found.
pub async fn lookup(state: &AppState, email: &str, number: &str) -> Result<String, AppError> {
    let number: i64 = number.trim().trim_start_matches('#').parse().map_err(|_| {
        AppError::validation(
            "number",
            "enter the order number from your confirmation, e.g. 1042",
        )
    })?;
    let row: Option<(String,)> =
        sqlx::query_as("select id from orders where number = $1 and lower(email) = $2")
            .bind(number)
            .bind(email.trim().to_lowercase())
            .fetch_optional(state.db.pool())
            .await?;
    let (id,) = row.ok_or_else(|| {
        AppError::validation(
            "number",
            "no order matches that email and number; check both",
        )
    })?;
    Ok(guest_path(state, &id))
}

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
}

impl OrderFilter {
    /// From `status=paid&from=2026-01-01&to=2026-01-31&customer=ada&min=10&max=99.50&page=2`.
    pub fn from_query(raw: &str) -> Result<Self, AppError> {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        let day = |v: &str, field: &str| -> Result<i64, AppError> {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(v, format)
                .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
                .map_err(|_| AppError::validation(field, "use a date like 2026-12-31"))
        };
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
                "page" => {
                    f.page = value
                        .parse()
                        .ok()
                        .filter(|p| (1..=100_000).contains(p))
                        .ok_or_else(|| {
                            AppError::validation("page", "page must be a whole number from 1")
                        })?;
                }
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
    const LIMIT: u32 = 25;
    let (conditions, args) = conditions(f, user_id);
    let where_ = if conditions.is_empty() {
        String::new()
    } else {
        format!(" where {}", conditions.join(" and "))
    };
    let count_sql = format!("select count(*) from orders o{where_}");
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
    for a in &args {
        count = a.bind_to(count);
    }
    let (total,) = count.fetch_one(state.db.pool()).await?;
    let page = f.page.max(1);
    let sql = format!(
        "{SUMMARY}{where_} order by o.created_at desc, o.number desc limit {LIMIT} offset {}",
        (page - 1) * LIMIT
    );
    let mut q = sqlx::query_as::<_, SummaryRow>(&sql);
    for a in &args {
        q = a.bind_to(q);
    }
    let rows = q.fetch_all(state.db.pool()).await?;
    Ok(OrderList {
        orders: rows.into_iter().map(OrderSummary::from).collect(),
        pagination: crate::web::pagination::Pagination::new(page, LIMIT, total),
    })
}

/// A bound value of a filter.
pub(super) enum Arg {
    Text(String),
    Int(i64),
}

impl Arg {
    pub(super) fn bind_to<'q, O>(
        &'q self,
        q: sqlx::query::QueryAs<'q, crate::platform::db::Any, O, crate::platform::db::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, crate::platform::db::Any, O, crate::platform::db::AnyArguments<'q>> {
        match self {
            Arg::Text(t) => q.bind(t.as_str()),
            Arg::Int(i) => q.bind(*i),
        }
    }
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

/// The staff's view of one order (full timeline).
pub async fn for_staff(state: &AppState, order_id: &str) -> Result<Order, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let (mut order, _) = load(&mut conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    order.token = Some(token(state, order_id));
    Ok(order)
}

/// Queues a mail about an order (made by `write` from the store's name, the order and
/// the customer's link to it), inside the caller's transaction.
pub(super) async fn queue_order_mail(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
    write: impl FnOnce(&str, &Order, &str) -> crate::platform::mail::OutgoingMail,
) -> Result<(), AppError> {
    let (order, _) = load(conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    let store = crate::settings::db::store_name_in(conn).await?;
    let link = crate::accounts::service::link(state, &guest_path(state, order_id));
    let mail = write(&store, &order, &link);
    crate::platform::jobs::Jobs::enqueue_in(conn, &Task::SendMail(mail)).await?;
    Ok(())
}

/// Queues the order confirmation, inside the transition's transaction.
pub async fn mail_confirmation(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<(), AppError> {
    queue_order_mail(
        state,
        conn,
        order_id,
        crate::orders::mail::order_confirmation,
    )
    .await
}

pub async fn mail_refund(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
    amount: i64,
) -> Result<(), AppError> {
    queue_order_mail(state, conn, order_id, |store, order, link| {
        let amount = Money::new(amount, order.captured.currency);
        crate::orders::mail::order_refund(store, order, amount, link)
    })
    .await
}

/// Orders waiting to be shipped (the dashboard's badge).
pub async fn to_ship(state: &AppState) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from orders where status = 'paid'")
        .fetch_one(state.db.pool())
        .await?;
    Ok(n)
}
