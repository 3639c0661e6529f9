//! Reading orders (customer, guest, staff) and the staff actions on them.

use super::model::*;
use super::transition::event;
use crate::accounts::model::AddressInput;
use crate::catalog::model::{Currency, Money};
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;
use sqlx::AnyConnection;

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
    created_at: i64,
}

const ORDER_COLUMNS: &str = "id, number, user_id, email, status, payment_status, currency, \
    subtotal, discount, shipping, tax, total, tax_inclusive, captured, refunded, address, \
    shipping_name, discount_code, carrier, tracking_number, stock_short, created_at";

async fn load(
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
    let is_staff = user.as_ref().is_some_and(|u| u.role().is_staff());
    let is_owner = user.as_ref().is_some_and(|u| Some(&u.id) == owner.as_ref());
    let has_token = token.is_some_and(|t| token_matches(state, order_id, t));
    if !(is_owner || is_staff || has_token) {
        return Err(AppError::NotFound("order".into()));
    }
    if !is_staff {
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
        }
    }
}

const SUMMARY: &str = "select o.id, o.number, o.email, o.status, o.payment_status, o.currency, \
    o.total, cast(coalesce((select sum(l.quantity) from order_lines l where l.order_id = o.id), 0) as bigint) as items, \
    o.created_at from orders o";

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
        pagination: crate::pagination::Pagination::new(page, LIMIT, total),
    })
}

/// A bound value of a filter.
enum Arg {
    Text(String),
    Int(i64),
}

impl Arg {
    fn bind_to<'q, O>(
        &'q self,
        q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        match self {
            Arg::Text(t) => q.bind(t.as_str()),
            Arg::Int(i) => q.bind(*i),
        }
    }
}

fn conditions(f: &OrderFilter, user_id: Option<&str>) -> (Vec<String>, Vec<Arg>) {
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

fn text(raw: &str, field: &str, label: &str, max: usize) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("enter the {label} (up to {max} characters)"),
        ));
    }
    Ok(value.to_owned())
}

/// Paid → fulfilled, with the carrier and tracking number; mails the customer.
pub async fn fulfil(
    state: &AppState,
    actor: &str,
    order_id: &str,
    carrier: &str,
    tracking: &str,
) -> Result<(), AppError> {
    let carrier = text(carrier, "carrier", "carrier", 60)?;
    let tracking = text(tracking, "tracking_number", "tracking number", 100)?;
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "update orders set status = 'fulfilled', carrier = $2, tracking_number = $3, updated_at = $4 \
         where id = $1 and status = 'paid'",
    )
    .bind(order_id)
    .bind(&carrier)
    .bind(&tracking)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused(&mut tx, order_id, "fulfilled").await);
    }
    event(
        &mut tx,
        order_id,
        "fulfilled",
        &format!("Shipped with {carrier}, tracking {tracking}."),
        Some(actor),
    )
    .await?;
    queue_order_mail(
        state,
        &mut tx,
        order_id,
        crate::mail::templates::order_shipped,
    )
    .await?;
    tx.commit().await?;
    state.jobs.notify();
    Ok(())
}

/// Fulfilled → delivered.
pub async fn deliver(state: &AppState, actor: &str, order_id: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query("update orders set status = 'delivered', updated_at = $2 where id = $1 and status = 'fulfilled'")
        .bind(order_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(refused(&mut tx, order_id, "marked delivered").await);
    }
    event(&mut tx, order_id, "delivered", "Delivered.", Some(actor)).await?;
    tx.commit().await?;
    Ok(())
}

/// Why a status change did not apply: the order is missing or in the wrong state.
async fn refused(conn: &mut AnyConnection, order_id: &str, what: &str) -> AppError {
    let status: Result<Option<(String,)>, _> =
        sqlx::query_as("select status from orders where id = $1")
            .bind(order_id)
            .fetch_optional(conn)
            .await;
    match status {
        Ok(Some((status,))) => AppError::Conflict(format!(
            "This order is {} and cannot be {what}.",
            OrderStatus::parse(&status).map_or("changed", |s| s.as_str())
        )),
        Ok(None) => AppError::NotFound("order".into()),
        Err(e) => e.into(),
    }
}

/// Refunds `amount` (minor units) through the provider. The amount is counted against the
/// order first (a conditional update that cannot pass what was captured), then the
/// provider is asked with an idempotency key; if it refuses, the count is given back.
pub async fn refund(
    state: &AppState,
    actor: &str,
    order_id: &str,
    amount: i64,
    reason: &str,
) -> Result<(), AppError> {
    if amount <= 0 {
        return Err(AppError::validation("amount", "enter an amount above 0"));
    }
    let reason: String = reason.trim().chars().take(200).collect();
    let refund_id = crate::accounts::token::new_id();
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    let counted = sqlx::query(
        "update orders set refunded = refunded + $2, payment_status = case when refunded + $2 >= captured \
           then 'refunded' else 'partially_refunded' end, updated_at = $3 \
         where id = $1 and refunded + $2 <= captured",
    )
    .bind(order_id)
    .bind(amount)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !counted {
        let row: Option<(i64, i64, String)> =
            sqlx::query_as("select captured, refunded, currency from orders where id = $1")
                .bind(order_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match row {
            None => AppError::NotFound("order".into()),
            Some((captured, refunded, currency)) => AppError::validation(
                "amount",
                format!(
                    "at most {} can still be refunded",
                    Money::new(
                        captured - refunded,
                        Currency::parse(&currency).unwrap_or_default()
                    )
                ),
            ),
        });
    }
    sqlx::query(
        "insert into refunds (id, order_id, amount, reason, status, actor, created_at, updated_at) \
         values ($1, $2, $3, $4, 'pending', $5, $6, $6)",
    )
    .bind(&refund_id)
    .bind(order_id)
    .bind(amount)
    .bind(&reason)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    let (provider, reference): (String, Option<String>) = sqlx::query_as(
        "select p.provider, p.reference from orders o join payments p on p.id = o.payment_id where o.id = $1",
    )
    .bind(order_id)
    .fetch_one(state.db.pool())
    .await?;
    let outcome = match reference {
        Some(reference) if provider == state.payments.provider.name() => {
            state
                .payments
                .provider
                .refund(&reference, amount, &refund_id)
                .await
        }
        _ => Err(AppError::Conflict(format!(
            "This order was paid through {provider}, which is not configured now; refund it there."
        ))),
    };
    let mut tx = state.db.begin_write().await?;
    match outcome {
        Ok(provider_ref) => {
            sqlx::query("update refunds set status = 'succeeded', reference = $2, updated_at = $3 where id = $1")
                .bind(&refund_id)
                .bind(&provider_ref)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            let (order, _) = load(&mut tx, order_id)
                .await?
                .ok_or_else(|| AppError::NotFound("order".into()))?;
            let msg = format!(
                "Refunded {}{}.",
                Money::new(amount, order.captured.currency),
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {reason}")
                }
            );
            event(&mut tx, order_id, "refunded", &msg, Some(actor)).await?;
            mail_refund(state, &mut tx, order_id, amount).await?;
            tx.commit().await?;
            state.jobs.notify();
            Ok(())
        }
        Err(err) => {
            sqlx::query("update refunds set status = 'failed', updated_at = $2 where id = $1")
                .bind(&refund_id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "update orders set refunded = refunded - $2, payment_status = case when refunded - $2 <= 0 \
                   then 'paid' else 'partially_refunded' end where id = $1",
            )
            .bind(order_id)
            .bind(amount)
            .execute(&mut *tx)
            .await?;
            event(
                &mut tx,
                order_id,
                "refund_failed",
                &format!("A refund failed: {err}"),
                Some(actor),
            )
            .await?;
            tx.commit().await?;
            Err(err)
        }
    }
}

/// Cancels a paid, unshipped order: puts its stock back and refunds what is left.
pub async fn cancel(
    state: &AppState,
    actor: &str,
    order_id: &str,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "update orders set status = 'cancelled', updated_at = $2 where id = $1 and status = 'paid'",
    )
    .bind(order_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused(&mut tx, order_id, "cancelled").await);
    }
    let (short,): (i64,) = sqlx::query_as("select stock_short from orders where id = $1")
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
    let lines: Vec<(String, i64)> =
        sqlx::query_as("select variant_id, quantity from order_lines where order_id = $1")
            .bind(order_id)
            .fetch_all(&mut *tx)
            .await?;
    // An order sold short took no stock for its missing lines; restock only what the
    // ledger shows it took.
    for (variant_id, quantity) in lines {
        let took: (i64,) = sqlx::query_as(
            "select cast(coalesce(-sum(delta), 0) as bigint) from inventory_ledger \
             where order_id = $1 and variant_id = $2 and reason = 'sale'",
        )
        .bind(order_id)
        .bind(&variant_id)
        .fetch_one(&mut *tx)
        .await?;
        let back = if short == 1 {
            took.0.min(quantity)
        } else {
            quantity
        };
        if back > 0 {
            crate::inventory::service::restock(&mut tx, &variant_id, back, order_id, Some(actor))
                .await?;
        }
    }
    let reason = reason.trim();
    event(
        &mut tx,
        order_id,
        "cancelled",
        &if reason.is_empty() {
            "Cancelled; items restocked.".to_owned()
        } else {
            format!("Cancelled ({reason}); items restocked.")
        },
        Some(actor),
    )
    .await?;
    let (captured, refunded): (i64, i64) =
        sqlx::query_as("select captured, refunded from orders where id = $1")
            .bind(order_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    state.catalog.invalidate().await;
    if captured > refunded {
        refund(
            state,
            actor,
            order_id,
            captured - refunded,
            "order cancelled",
        )
        .await?;
    }
    Ok(())
}

/// Queues a mail about an order (made by `write` from the store's name, the order and
/// the customer's link to it), inside the caller's transaction.
async fn queue_order_mail(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
    write: impl FnOnce(&str, &Order, &str) -> crate::mail::OutgoingMail,
) -> Result<(), AppError> {
    let (order, _) = load(conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    let store = crate::settings::db::store_name_in(conn).await?;
    let link = crate::accounts::service::link(state, &guest_path(state, order_id));
    let mail = write(&store, &order, &link);
    crate::jobs::Jobs::enqueue_in(conn, crate::mail::SEND_JOB, &mail).await?;
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
        crate::mail::templates::order_confirmation,
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
        crate::mail::templates::order_refund(store, order, amount, link)
    })
    .await
}

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
    let mut q = sqlx::query_as::<_, ExportRow>(&sql);
    for a in &args {
        q = a.bind_to(q);
    }
    let rows = q.fetch_all(state.db.pool()).await?;
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
        out.write_record(record.iter().map(|cell| crate::spreadsheet::escape(cell)))
            .map_err(csv_err)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(anyhow::Error::new(e)))
}

/// Orders waiting to be shipped (the dashboard's badge).
pub async fn to_ship(state: &AppState) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from orders where status = 'paid'")
        .fetch_one(state.db.pool())
        .await?;
    Ok(n)
}
