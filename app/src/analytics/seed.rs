//! History for a store: customers, orders over the past days (some cancelled, some
//! refunded, some with codes) and funnel visits, the same for the same numbers and seed.
//! `oxcart seed --history N` makes a year of it for the benchmark; the demo store of
//! `make run` gets a few hundred orders over the last months. Rows are written in bulk
//! (as an import would), then the rollups are rebuilt from them.

use super::seed_orders::{Made, Variant, CODES, DAY_MS};
use crate::platform::db::params::{insert_many, Arg};
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashSet};

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
        let mut batch = super::seed_orders::Batch::default();
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
    super::rebuild::rebuild(db).await?;
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
        // A little over the plan on average, so a plan of N makes at least about N.
        let viewers = (per_day as f64 / norm * rng.gen_range(0.9..1.2)).ceil() as i64;
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
