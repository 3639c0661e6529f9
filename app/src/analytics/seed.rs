//! History for a store: customers, orders over the past days (some cancelled, some
//! refunded, some with codes) and funnel visits, the same for the same numbers and seed.
//! `oxcart seed --history N` makes a year of it for the benchmark; the demo store of
//! `make run` gets a few hundred orders over the last months. Rows are written in bulk
//! (as an import would), then the rollups are rebuilt from them.

use crate::accounts::model::AddressInput;
use crate::platform::db::params::{insert_many, Arg};
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashSet};

const DAY_MS: i64 = 24 * 3600 * 1000;
const CODES: [(&str, &str, i64); 2] = [("WELCOME10", "percent", 10), ("SPRING5", "fixed", 500)];

/// How much history to make.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub orders: usize,
    pub customers: usize,
    pub funnel_events: usize,
    pub days: i64,
    pub seed: u64,
}

impl Plan {
    /// The demo store's: a few hundred orders over four months.
    pub fn demo() -> Self {
        Self {
            orders: 420,
            customers: 180,
            funnel_events: 12_000,
            days: 120,
            seed: 15,
        }
    }

    /// The benchmark's: a year of 100,000 orders and 1,000,000 funnel visits.
    pub fn year(orders: usize) -> Self {
        Self {
            orders,
            customers: (orders / 4).max(1),
            funnel_events: orders * 10,
            days: 365,
            seed: 15,
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Made {
    pub customers: usize,
    pub orders: usize,
    pub refunded: usize,
    pub cancelled: usize,
    pub funnel_events: usize,
}

struct Variant {
    id: String,
    sku: String,
    price: i64,
    product: String,
    title: String,
}

async fn variants(db: &Db) -> Result<Vec<Variant>, AppError> {
    let rows: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "select v.id, v.sku, v.price, p.name, trim(coalesce(v.option1, '') || ' ' || coalesce(v.option2, '')) \
         from variants v join products p on p.id = v.product_id where p.status = 'active' \
         order by v.sku limit 3000",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, sku, price, product, title)| Variant {
            id,
            sku,
            price,
            product,
            title,
        })
        .collect())
}

/// Makes the history of `plan`, ending now.
pub async fn history(db: &Db, plan: Plan) -> Result<Made, AppError> {
    let catalog = variants(db).await?;
    if catalog.is_empty() {
        return Err(AppError::Conflict(
            "There are no active products to sell: make a catalog first (oxcart seed --demo 300)."
                .into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let now = now_ms();
    let mut made = Made::default();
    let emails = customers(db, plan, &mut made).await?;
    for (code, kind, value) in CODES {
        sqlx::query(
            "insert into discounts (id, code, kind, value, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $5) on conflict (code) do nothing",
        )
        .bind(crate::platform::ids::new_id())
        .bind(code)
        .bind(kind)
        .bind(value)
        .bind(now)
        .execute(db.pool())
        .await?;
    }
    // Order times, oldest first: more orders lately and at weekends.
    let start = now - plan.days * DAY_MS;
    let mut times: Vec<i64> = (0..plan.orders)
        .map(|_| {
            let x: f64 = rng.gen::<f64>().powf(0.8);
            let mut t = start + (x * (plan.days * DAY_MS) as f64) as i64;
            if rng.gen_bool(0.15) {
                t -= t.rem_euclid(7 * DAY_MS) / 2;
            }
            t.clamp(start, now - 60_000)
        })
        .collect();
    times.sort_unstable();
    let (mut number,): (i64,) =
        sqlx::query_as("select value from counters where name = 'order_number'")
            .fetch_one(db.pool())
            .await?;
    let mut seen: HashSet<String> = {
        let rows: Vec<(String,)> = sqlx::query_as("select distinct email from orders")
            .fetch_all(db.pool())
            .await?;
        rows.into_iter().map(|(e,)| e).collect()
    };
    for chunk in times.chunks(2_000) {
        let mut batch = Batch::default();
        for &at in chunk {
            number += 1;
            let email = if rng.gen_bool(0.75) && !emails.is_empty() {
                // Some customers order often: the square favours the first ones.
                let i = (rng.gen::<f64>().powi(2) * emails.len() as f64) as usize;
                emails[i.min(emails.len() - 1)].clone()
            } else {
                format!("guest{:06}@example.test", rng.gen_range(0..1_000_000))
            };
            let returning = !seen.insert(email.clone());
            batch.order(
                &mut rng, &catalog, at, now, number, &email, returning, &mut made,
            );
        }
        batch.write(db).await?;
    }
    sqlx::query("update counters set value = $1 where name = 'order_number' and value < $1")
        .bind(number)
        .execute(db.pool())
        .await?;
    made.funnel_events = funnel(db, plan, &mut rng, now).await?;
    super::rollup::rebuild(db).await?;
    Ok(made)
}

/// Customer accounts (`shopper00001@example.test` …) sharing one unusable password.
async fn customers(db: &Db, plan: Plan, made: &mut Made) -> Result<Vec<String>, AppError> {
    let hash = crate::accounts::password::hash(crate::accounts::token::generate()).await?;
    let now = now_ms();
    let emails: Vec<String> = (1..=plan.customers)
        .map(|i| format!("shopper{i:05}@example.test"))
        .collect();
    let mut tx = db.begin_write().await?;
    for (i, email) in emails.iter().enumerate() {
        let created = now - plan.days * DAY_MS
            + (i as i64 * DAY_MS * plan.days / plan.customers.max(1) as i64);
        let done = sqlx::query(
            "insert into users (id, email, email_normalized, password_hash, full_name, role, status, \
               email_verified_at, created_at, updated_at) \
             values ($1, $2, $2, $3, $4, 'customer', 'active', $5, $5, $5) on conflict (email_normalized) do nothing",
        )
        .bind(crate::platform::ids::new_id())
        .bind(email)
        .bind(&hash)
        .bind(format!("Shopper {}", i + 1))
        .bind(created)
        .execute(&mut *tx)
        .await?;
        made.customers += done.rows_affected() as usize;
    }
    tx.commit().await?;
    Ok(emails)
}

#[derive(Default)]
struct Batch {
    checkouts: Vec<Vec<Arg>>,
    payments: Vec<Vec<Arg>>,
    orders: Vec<Vec<Arg>>,
    lines: Vec<Vec<Arg>>,
}

impl Batch {
    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        rng: &mut StdRng,
        catalog: &[Variant],
        at: i64,
        now: i64,
        number: i64,
        email: &str,
        returning: bool,
        made: &mut Made,
    ) {
        let (checkout, payment, order) = (
            crate::platform::ids::new_id(),
            crate::platform::ids::new_id(),
            crate::platform::ids::new_id(),
        );
        let mut subtotal = 0;
        for position in 0..rng.gen_range(1..=3) {
            let v = &catalog[rng.gen_range(0..catalog.len())];
            let quantity = if rng.gen_bool(0.8) { 1 } else { 2 };
            subtotal += v.price * quantity;
            self.lines.push(vec![
                Arg::Text(order.clone()),
                Arg::Int(position),
                Arg::Text(v.id.clone()),
                Arg::Text(v.product.clone()),
                Arg::Text(v.title.clone()),
                Arg::Text(v.sku.clone()),
                Arg::Int(v.price),
                Arg::Int(quantity),
            ]);
        }
        let code = rng
            .gen_bool(0.12)
            .then(|| CODES[rng.gen_range(0..CODES.len())]);
        let discount = match code {
            Some((_, "percent", p)) => subtotal * p / 100,
            Some((_, _, fixed)) => fixed.min(subtotal),
            None => 0,
        };
        let shipping = if subtotal >= 5_000 { 0 } else { 500 };
        let tax = (subtotal - discount) * 8 / 100;
        let total = subtotal - discount + shipping + tax;
        let age = now - at;
        let (status, refunded) = match rng.gen_range(0..100) {
            0..=3 if age > 2 * DAY_MS => ("cancelled", total),
            4..=7 if age > 10 * DAY_MS => ("delivered", total / 3),
            _ if age > 10 * DAY_MS => ("delivered", 0),
            _ if age > 3 * DAY_MS => ("fulfilled", 0),
            _ => ("paid", 0),
        };
        made.orders += 1;
        made.cancelled += usize::from(status == "cancelled");
        made.refunded += usize::from(refunded > 0);
        let payment_status = match refunded {
            0 => "paid",
            r if r >= total => "refunded",
            _ => "partially_refunded",
        };
        let address = serde_json::to_string(&AddressInput {
            full_name: "Demo Shopper".into(),
            line1: format!("{} Market Street", number % 300 + 1),
            city: "Springfield".into(),
            postal_code: "12345".into(),
            country: "US".into(),
            ..AddressInput::default()
        })
        .unwrap_or_default();
        let code_text = code.map(|(c, _, _)| c.to_owned());
        let text = |s: &str| Arg::Text(s.to_owned());
        let opt = |s: &Option<String>| s.clone().map_or(Arg::Null, Arg::Text);
        self.checkouts.push(vec![
            text(&checkout),
            text(&checkout),
            text(email),
            text(&address),
            text("completed"),
            Arg::Int(at),
            Arg::Int(at),
        ]);
        self.payments.push(vec![
            text(&payment),
            text(&checkout),
            text("test"),
            text(&format!("seed_{payment}")),
            text("succeeded"),
            Arg::Int(0),
            text(email),
            text(&address),
            text("Standard"),
            opt(&code_text),
            text("USD"),
            Arg::Int(subtotal),
            Arg::Int(discount),
            Arg::Int(shipping),
            Arg::Int(tax),
            Arg::Int(total),
            Arg::Int(0),
            Arg::Int(at),
            Arg::Int(at),
            Arg::Int(at),
        ]);
        self.orders.push(vec![
            text(&order),
            Arg::Int(number),
            text(&payment),
            text(&checkout),
            text(email),
            text(status),
            text(payment_status),
            text("USD"),
            Arg::Int(subtotal),
            Arg::Int(discount),
            Arg::Int(shipping),
            Arg::Int(tax),
            Arg::Int(total),
            Arg::Int(0),
            Arg::Int(total),
            Arg::Int(refunded),
            text(&address),
            text("Standard"),
            opt(&code_text),
            Arg::Int(at),
            Arg::Int(at),
            Arg::Int(i64::from(returning)),
        ]);
    }

    async fn write(self, db: &Db) -> Result<(), AppError> {
        let mut tx = db.begin_write().await?;
        insert_many(
            &mut tx,
            "checkouts",
            &[
                "id",
                "cart_id",
                "email",
                "address",
                "status",
                "created_at",
                "updated_at",
            ],
            self.checkouts,
        )
        .await?;
        insert_many(
            &mut tx,
            "payments",
            &[
                "id",
                "checkout_id",
                "provider",
                "reference",
                "status",
                "held",
                "email",
                "address",
                "shipping_name",
                "discount_code",
                "currency",
                "subtotal",
                "discount",
                "shipping",
                "tax",
                "total",
                "tax_inclusive",
                "expires_at",
                "created_at",
                "updated_at",
            ],
            self.payments,
        )
        .await?;
        insert_many(
            &mut tx,
            "orders",
            &[
                "id",
                "number",
                "payment_id",
                "checkout_id",
                "email",
                "status",
                "payment_status",
                "currency",
                "subtotal",
                "discount",
                "shipping",
                "tax",
                "total",
                "tax_inclusive",
                "captured",
                "refunded",
                "address",
                "shipping_name",
                "discount_code",
                "created_at",
                "updated_at",
                "returning_customer",
            ],
            self.orders,
        )
        .await?;
        insert_many(
            &mut tx,
            "order_lines",
            &[
                "order_id",
                "position",
                "variant_id",
                "product_name",
                "variant_title",
                "sku",
                "unit_price",
                "quantity",
            ],
            self.lines,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Funnel visits over the days, fewer at each step; returns how many rows were made.
async fn funnel(db: &Db, plan: Plan, rng: &mut StdRng, now: i64) -> Result<usize, AppError> {
    let zone = {
        let mut conn = db.pool().acquire().await?;
        super::zone::read(&mut conn).await?.1
    };
    let per_day = (plan.funnel_events as i64 / plan.days.max(1)).max(1);
    let mut daily: BTreeMap<(String, &str), i64> = BTreeMap::new();
    let mut made = 0;
    let steps = [
        ("viewed", 1.0),
        ("carted", 0.3),
        ("checkout", 0.15),
        ("paid", 0.06),
    ];
    let norm: f64 = steps.iter().map(|(_, f)| f).sum();
    let mut rows = Vec::new();
    for d in 0..plan.days {
        let at = now - (plan.days - d) * DAY_MS + DAY_MS / 2;
        let day = super::zone::day_of(at, &zone);
        let viewers = (per_day as f64 / norm * rng.gen_range(0.8..1.2)) as i64;
        for (step, share) in steps {
            let n = (viewers as f64 * share) as i64;
            for v in 0..n {
                let _ = d;
                rows.push(vec![
                    Arg::Text(day.clone()),
                    Arg::Text(step.into()),
                    Arg::Text(format!("{:016x}{v:x}", rng.gen::<u64>())),
                    Arg::Int(at),
                ]);
            }
            *daily.entry((day.clone(), step)).or_default() += n;
        }
        if rows.len() >= 20_000 {
            made += rows.len();
            write_funnel(db, std::mem::take(&mut rows)).await?;
        }
    }
    made += rows.len();
    write_funnel(db, rows).await?;
    let mut tx = db.begin_write().await?;
    for ((day, step), n) in daily {
        crate::platform::hits::count_daily(&mut tx, &day, step, n).await?;
    }
    tx.commit().await?;
    Ok(made)
}

async fn write_funnel(db: &Db, rows: Vec<Vec<Arg>>) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    insert_many(
        &mut tx,
        "funnel_events",
        &["day", "step", "visitor", "created_at"],
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
