//! Reading customers: the filtered list (accounts, or guests grouped by email), its CSV
//! export, and one customer's page with the timeline.

use super::filter::CustomerFilter;
use super::model::*;
use crate::platform::db::params::bind;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};

/// Accounts with their order figures: the row source the filters read as `c`.
/// Spent is what was captured less what was refunded.
const ACCOUNTS: &str = "(select u.id, u.email, u.full_name, u.status, u.email_verified_at as verified_at, \
    u.created_at, u.tags, coalesce(a.orders, 0) as orders, coalesce(a.spent, 0) as spent, a.last_order \
    from users u left join (select user_id, count(*) as orders, \
      cast(sum(captured - refunded) as bigint) as spent, max(created_at) as last_order \
      from orders where user_id is not null group by user_id) a on a.user_id = u.id \
    where u.role = 'customer' and u.status <> 'deleted') c";

/// Guests: orders without an account, grouped by (lower-cased) email.
const GUESTS: &str = "(select '' as id, lower(o.email) as email, max(o.shipping_name) as full_name, \
    'active' as status, cast(null as bigint) as verified_at, min(o.created_at) as created_at, '' as tags, \
    count(*) as orders, cast(sum(o.captured - o.refunded) as bigint) as spent, max(o.created_at) as last_order \
    from orders o where o.user_id is null group by lower(o.email)) c";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    email: String,
    full_name: String,
    status: String,
    verified_at: Option<i64>,
    created_at: i64,
    tags: String,
    orders: i64,
    spent: i64,
    last_order: Option<i64>,
}

impl Row {
    fn into_row(self, currency: Currency) -> CustomerRow {
        CustomerRow {
            active: self.status == "active",
            verified: self.verified_at.is_some(),
            tags: self.tags.split_whitespace().map(str::to_owned).collect(),
            spent: Money::new(self.spent, currency),
            last_order_at: self.last_order,
            id: self.id,
            email: self.email,
            full_name: self.full_name,
            orders: self.orders,
            created_at: self.created_at,
        }
    }
}

const COLUMNS: &str =
    "c.id, c.email, c.full_name, c.status, c.verified_at, c.created_at, c.tags, c.orders, c.spent, c.last_order";

async fn currency(db: &Db) -> Result<Currency, AppError> {
    let store = crate::settings::db::storefront(db).await?;
    Ok(Currency::parse(&store.currency).unwrap_or_default())
}

async fn rows(db: &Db, f: &CustomerFilter, limit: u32, offset: u64) -> Result<Vec<Row>, AppError> {
    let source = if f.guests { GUESTS } else { ACCOUNTS };
    let (where_, args) = f.conditions();
    let sql = format!(
        "select {COLUMNS} from {source}{where_} order by {} limit {limit} offset {offset}",
        f.order_by()
    );
    Ok(bind(sqlx::query_as::<_, Row>(&sql), &args)
        .fetch_all(db.pool())
        .await?)
}

/// One page of the filtered list.
pub async fn list(db: &Db, f: &CustomerFilter) -> Result<CustomerList, AppError> {
    let source = if f.guests { GUESTS } else { ACCOUNTS };
    let (where_, args) = f.conditions();
    let (total,): (i64,) = bind(
        sqlx::query_as(&format!("select count(*) from {source}{where_}")),
        &args,
    )
    .fetch_one(db.pool())
    .await?;
    let size = f.page_size();
    let offset = u64::from(f.page.saturating_sub(1)) * u64::from(size);
    let currency = currency(db).await?;
    let rows = rows(db, f, size, offset).await?;
    Ok(CustomerList {
        rows: rows.into_iter().map(|r| r.into_row(currency)).collect(),
        total,
        page: f.page,
        pages: u32::try_from(
            crate::web::pagination::Pagination::new(f.page, size, total).total_pages,
        )
        .unwrap_or(u32::MAX)
        .max(1),
    })
}

/// The filtered list as CSV (at most 100,000 rows), formula-safe.
pub async fn export_csv(db: &Db, f: &CustomerFilter) -> Result<String, AppError> {
    let currency = currency(db).await?;
    let rows = rows(db, f, 100_000, 0).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let cell = crate::platform::spreadsheet::escape;
    out.write_record([
        "email",
        "name",
        "status",
        "verified",
        "tags",
        "orders",
        "spent",
        "currency",
        "last_order",
        "signed_up",
    ])
    .map_err(anyhow::Error::from)?;
    let day = |ms: i64| crate::orders::pages::when(ms);
    for r in rows {
        let r = r.into_row(currency);
        out.write_record([
            cell(&r.email),
            cell(&r.full_name),
            (if r.active { "active" } else { "deactivated" }).to_owned(),
            r.verified.to_string(),
            cell(&r.tags.join(" ")),
            r.orders.to_string(),
            r.spent.decimal(),
            currency.code().to_owned(),
            r.last_order_at.map(day).unwrap_or_default(),
            day(r.created_at),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let bytes = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(String::from_utf8(bytes).map_err(anyhow::Error::from)?)
}

/// One customer's page; `NotFound` for staff, unknown ids and deleted accounts.
pub async fn detail(
    state: &crate::platform::state::AppState,
    id: &str,
) -> Result<CustomerDetail, AppError> {
    let db = &state.db;
    let currency = currency(db).await?;
    let sql = format!("select {COLUMNS} from {ACCOUNTS} where c.id = $1");
    let row: Row = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::NotFound("customer".into()))?;
    let (version, erased_at): (i64, Option<i64>) =
        sqlx::query_as("select updated_at, erased_at from users where id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
    let customer = row.into_row(currency);
    let addresses = crate::accounts::addresses::list(db, id).await?;
    let orders = crate::orders::filter::history(state, id, 1).await?.orders;
    let average_order = Money::new(
        if customer.orders > 0 {
            customer.spent.minor / customer.orders
        } else {
            0
        },
        currency,
    );
    let notes: Vec<(String, String, String, i64)> = sqlx::query_as(
        "select id, author_email, body, created_at from customer_notes where user_id = $1 order by created_at desc, id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let timeline = timeline(db, id, &customer, currency).await?;
    Ok(CustomerDetail {
        notes: notes
            .into_iter()
            .map(|(id, author_email, body, created_at)| Note {
                id,
                author_email,
                body,
                created_at,
            })
            .collect(),
        customer,
        addresses,
        orders,
        average_order,
        timeline,
        erased: erased_at.is_some(),
        version,
    })
}

/// Signed up, verified, orders, refunds, returns, mails and staff actions, newest first.
async fn timeline(
    db: &Db,
    id: &str,
    c: &CustomerRow,
    currency: Currency,
) -> Result<Vec<TimelineItem>, AppError> {
    let mut items = vec![TimelineItem {
        at: c.created_at,
        kind: "signed_up".into(),
        text: "Signed up".into(),
        href: None,
    }];
    let (verified,): (Option<i64>,) =
        sqlx::query_as("select email_verified_at from users where id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
    if let Some(at) = verified {
        items.push(TimelineItem {
            at,
            kind: "verified".into(),
            text: "Confirmed their email".into(),
            href: None,
        });
    }
    let orders: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "select id, number, total, created_at from orders where user_id = $1 order by created_at desc limit 200",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for (order_id, number, total, at) in orders {
        items.push(TimelineItem {
            at,
            kind: "order".into(),
            text: format!(
                "Placed order {} ({})",
                crate::orders::number_label(number),
                Money::new(total, currency)
            ),
            href: Some(format!("/admin/orders/{order_id}")),
        });
    }
    let refunds: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "select o.id, o.number, r.amount, r.updated_at from refunds r join orders o on o.id = r.order_id \
         where o.user_id = $1 and r.status = 'succeeded' order by r.updated_at desc limit 200",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for (order_id, number, amount, at) in refunds {
        items.push(TimelineItem {
            at,
            kind: "refund".into(),
            text: format!(
                "Refunded {} on order {}",
                Money::new(amount, currency),
                crate::orders::number_label(number)
            ),
            href: Some(format!("/admin/orders/{order_id}")),
        });
    }
    let returns: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "select r.id, o.number, r.status, r.created_at from returns r join orders o on o.id = r.order_id \
         where o.user_id = $1 order by r.created_at desc limit 200",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for (return_id, number, status, at) in returns {
        let status = crate::returns::model::ReturnStatus::parse(&status).unwrap_or_default();
        items.push(TimelineItem {
            at,
            kind: "return".into(),
            text: format!(
                "Asked to return items of order {} ({})",
                crate::orders::number_label(number),
                status.label().to_lowercase()
            ),
            href: Some(format!("/admin/returns/{return_id}")),
        });
    }
    let mails: Vec<(String, i64)> = sqlx::query_as(
        "select subject, sent_at from mail_log where to_address = $1 order by sent_at desc limit 200",
    )
    .bind(c.email.to_lowercase())
    .fetch_all(db.pool())
    .await?;
    for (subject, at) in mails {
        items.push(TimelineItem {
            at,
            kind: "mail".into(),
            text: format!("Mail sent: {subject}"),
            href: None,
        });
    }
    let staff: Vec<(String, String, i64)> = sqlx::query_as(
        "select actor_email, summary, at from audit_log where entity = 'customer' and entity_id = $1 order by at desc limit 200",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for (who, summary, at) in staff {
        items.push(TimelineItem {
            at,
            kind: "staff".into(),
            text: format!("{summary} — {who}"),
            href: None,
        });
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.at));
    Ok(items)
}
