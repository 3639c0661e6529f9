//! Payment attempts: the only module that reads or writes `payments` and `payment_lines`.
//! An attempt is the frozen snapshot of a priced checkout (what the pay page shows, what
//! is charged, what the order is made from) and holds stock and a discount use while it
//! is pending. Every status change is one conditional update whose `where status in (…)`
//! comes from [`AttemptStatus::can_become`], so of two racing writers one changes the
//! row and the other changes nothing.

use super::status::AttemptStatus;
use crate::platform::db::{now_ms, AnyConnection, Db};
use crate::platform::error::AppError;

/// What the provider says was captured.
#[derive(Debug, Clone)]
pub struct Paid {
    pub amount: i64,
    /// ISO code in any case; `None` when the provider did not say.
    pub currency: Option<String>,
}

/// One line of an attempt, as it was priced.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptLine {
    pub variant_id: String,
    pub product_name: String,
    pub variant_title: String,
    pub sku: String,
    pub unit_price: i64,
    pub quantity: i64,
}

/// A new attempt (see [`create`]).
#[derive(Debug)]
pub struct NewAttempt<'a> {
    pub id: &'a str,
    pub checkout_id: &'a str,
    pub provider: &'a str,
    pub user_id: Option<&'a str>,
    pub email: &'a str,
    /// The shipping address as JSON.
    pub address: &'a str,
    pub shipping_name: &'a str,
    pub discount_id: Option<&'a str>,
    pub discount_code: Option<&'a str>,
    /// Whose use of a per-customer code this holds.
    pub discount_customer: Option<&'a str>,
    pub currency: &'a str,
    pub subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub tax: i64,
    pub total: i64,
    pub tax_inclusive: bool,
    pub expires_at: i64,
    pub client_ip: &'a str,
    /// What the checkout priced at: the attempt is paid only while it still does.
    pub fingerprint: &'a str,
    pub lines: Vec<AttemptLine>,
}

/// An attempt's snapshot, as pages and orders need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub id: String,
    pub checkout_id: String,
    pub status: String,
    pub reference: Option<String>,
    pub client_secret: Option<String>,
    pub fingerprint: String,
    pub expires_at: i64,
    pub last_error: Option<String>,
    pub user_id: Option<String>,
    pub email: String,
    pub address: String,
    pub shipping_name: String,
    pub discount_id: Option<String>,
    pub discount_code: Option<String>,
    pub discount_customer: Option<String>,
    pub currency: String,
    pub subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub tax: i64,
    pub total: i64,
    pub tax_inclusive: i64,
}

impl Attempt {
    pub fn status(&self) -> Option<AttemptStatus> {
        AttemptStatus::parse(&self.status)
    }
}

const ATTEMPT: &str = "select id, checkout_id, status, reference, client_secret, fingerprint, \
     expires_at, last_error, user_id, email, address, shipping_name, discount_id, discount_code, \
     discount_customer, currency, subtotal, discount, shipping, tax, total, tax_inclusive \
     from payments";

/// How a pending attempt ends without being paid.
#[derive(Debug, Clone, Copy)]
pub enum Ending<'a> {
    /// Declined at the provider, or given up here; the message is kept as its last error.
    Failed(&'a str),
    /// Its hold ran out (applies only once `expires_at` has passed).
    Expired,
}

impl Ending<'_> {
    fn status(self) -> AttemptStatus {
        match self {
            Self::Failed(_) => AttemptStatus::Failed,
            Self::Expired => AttemptStatus::Expired,
        }
    }
}

/// An attempt that just ended unpaid, with what it held until now (its lines are read
/// with [`lines`]); the caller gives the holds back in the same transaction.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ended {
    pub id: String,
    pub provider: String,
    /// `None` when the provider was never reached.
    pub reference: Option<String>,
    pub discount_id: Option<String>,
    pub discount_customer: Option<String>,
}

/// Which attempt a provider event is about.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Id(&'a str),
    Reference {
        provider: &'a str,
        reference: &'a str,
    },
}

/// Records a new pending attempt and its lines (in the caller's transaction, which also
/// takes the holds).
pub async fn create(conn: &mut AnyConnection, new: &NewAttempt<'_>) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "insert into payments (id, checkout_id, provider, status, held, user_id, email, address, \
           shipping_name, discount_id, discount_code, discount_customer, currency, subtotal, \
           discount, shipping, tax, total, tax_inclusive, expires_at, client_ip, fingerprint, \
           created_at, updated_at) \
         values ($1, $2, $3, 'pending', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
           $16, $17, $18, $19, $20, $21, $21)",
    )
    .bind(new.id)
    .bind(new.checkout_id)
    .bind(new.provider)
    .bind(new.user_id)
    .bind(new.email)
    .bind(new.address)
    .bind(new.shipping_name)
    .bind(new.discount_id)
    .bind(new.discount_code)
    .bind(new.discount_customer)
    .bind(new.currency)
    .bind(new.subtotal)
    .bind(new.discount)
    .bind(new.shipping)
    .bind(new.tax)
    .bind(new.total)
    .bind(i64::from(new.tax_inclusive))
    .bind(new.expires_at)
    .bind(new.client_ip)
    .bind(new.fingerprint)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (position, line) in new.lines.iter().enumerate() {
        sqlx::query(
            "insert into payment_lines (payment_id, position, variant_id, product_name, \
               variant_title, sku, unit_price, quantity) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new.id)
        .bind(position as i64)
        .bind(&line.variant_id)
        .bind(&line.product_name)
        .bind(&line.variant_title)
        .bind(&line.sku)
        .bind(line.unit_price)
        .bind(line.quantity)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Pending attempts from `client_ip` still holding stock at `now`.
pub async fn holding_from(
    conn: &mut AnyConnection,
    client_ip: &str,
    now: i64,
) -> Result<i64, AppError> {
    let (holding,): (i64,) = sqlx::query_as(
        "select count(*) from payments where client_ip = $1 and status = 'pending' and held = 1 \
         and expires_at > $2",
    )
    .bind(client_ip)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(holding)
}

/// The provider's id for the attempt, and the secret the browser confirms it with.
pub async fn set_reference(
    db: &Db,
    id: &str,
    reference: &str,
    client_secret: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "update payments set reference = $2, client_secret = $3, updated_at = $4 where id = $1",
    )
    .bind(id)
    .bind(reference)
    .bind(client_secret)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The ids of a checkout's pending attempts.
pub async fn pending_of_checkout(db: &Db, checkout_id: &str) -> Result<Vec<String>, AppError> {
    let open: Vec<(String,)> =
        sqlx::query_as("select id from payments where checkout_id = $1 and status = 'pending'")
            .bind(checkout_id)
            .fetch_all(db.pool())
            .await?;
    Ok(open.into_iter().map(|(id,)| id).collect())
}

/// A checkout's most recent attempt, if `status` (any status when `None`).
pub async fn latest_of_checkout(
    db: &Db,
    checkout_id: &str,
    status: Option<AttemptStatus>,
) -> Result<Option<Attempt>, AppError> {
    let sql = match status {
        Some(status) => format!(
            "{ATTEMPT} where checkout_id = $1 and status = '{}' order by created_at desc limit 1",
            status.as_str()
        ),
        None => format!("{ATTEMPT} where checkout_id = $1 order by created_at desc limit 1"),
    };
    Ok(sqlx::query_as(&sql)
        .bind(checkout_id)
        .fetch_optional(db.pool())
        .await?)
}

/// The attempt of a checkout that the provider knows as `reference`.
pub async fn of_checkout_by_reference(
    db: &Db,
    checkout_id: &str,
    reference: &str,
) -> Result<Option<Attempt>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{ATTEMPT} where checkout_id = $1 and reference = $2"
    ))
    .bind(checkout_id)
    .bind(reference)
    .fetch_optional(db.pool())
    .await?)
}

/// The attempt a provider event is about.
pub async fn find(conn: &mut AnyConnection, key: Key<'_>) -> Result<Option<Attempt>, AppError> {
    Ok(match key {
        Key::Id(id) => {
            sqlx::query_as(&format!("{ATTEMPT} where id = $1"))
                .bind(id)
                .fetch_optional(conn)
                .await?
        }
        Key::Reference {
            provider,
            reference,
        } => {
            sqlx::query_as(&format!("{ATTEMPT} where provider = $1 and reference = $2"))
                .bind(provider)
                .bind(reference)
                .fetch_optional(conn)
                .await?
        }
    })
}

/// The provider and its reference of an attempt.
pub async fn provider_reference(db: &Db, id: &str) -> Result<(String, Option<String>), AppError> {
    Ok(
        sqlx::query_as("select provider, reference from payments where id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// An attempt's lines, in the order they were priced.
pub async fn lines(conn: &mut AnyConnection, id: &str) -> Result<Vec<AttemptLine>, AppError> {
    Ok(sqlx::query_as(
        "select variant_id, product_name, variant_title, sku, unit_price, quantity \
         from payment_lines where payment_id = $1 order by position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// Ends a pending attempt unpaid and marks its holds given back (the caller releases
/// them in the same transaction). `None`: the attempt was not pending (it ended before),
/// or, for an expiry, its hold has not run out; nothing changed.
pub async fn end(
    conn: &mut AnyConnection,
    key: Key<'_>,
    ending: Ending<'_>,
) -> Result<Option<Ended>, AppError> {
    let to = ending.status();
    let (message, due) = match ending {
        Ending::Failed(message) => (Some(message), ""),
        Ending::Expired => (None, " and expires_at <= $3"),
    };
    let set = format!(
        "update payments set status = '{}', held = 0, last_error = coalesce($2, last_error), \
         updated_at = $3 where status in ({}){due}",
        to.as_str(),
        AttemptStatus::sources_sql(to)
    );
    const ENDED: &str = "returning id, provider, reference, discount_id, discount_customer";
    let ended = match key {
        Key::Id(id) => {
            sqlx::query_as(&format!("{set} and id = $1 {ENDED}"))
                .bind(id)
                .bind(message)
                .bind(now_ms())
                .fetch_optional(conn)
                .await?
        }
        Key::Reference {
            provider,
            reference,
        } => {
            sqlx::query_as(&format!(
                "{set} and provider = $1 and reference = $4 {ENDED}"
            ))
            .bind(provider)
            .bind(message)
            .bind(now_ms())
            .bind(reference)
            .fetch_optional(conn)
            .await?
        }
    };
    Ok(ended)
}

/// Marks an attempt succeeded. `false`: it already was (another delivery of the same
/// success won), nothing changed.
pub async fn succeed(conn: &mut AnyConnection, id: &str) -> Result<bool, AppError> {
    let sql = format!(
        "update payments set status = 'succeeded', last_error = null, updated_at = $2 \
         where id = $1 and status in ({})",
        AttemptStatus::sources_sql(AttemptStatus::Succeeded)
    );
    Ok(sqlx::query(&sql)
        .bind(id)
        .bind(now_ms())
        .execute(conn)
        .await?
        .rows_affected()
        == 1)
}

/// Takes over a succeeded attempt's holds: `true` while its stock and discount use were
/// still held (they are now the order's), `false` if it had failed or expired first and
/// given them back. Call after [`succeed`] won, so the row is current.
pub async fn take_holds(conn: &mut AnyConnection, id: &str) -> Result<bool, AppError> {
    let (held,): (i64,) = sqlx::query_as("select held from payments where id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("update payments set held = 0 where id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(held == 1)
}
