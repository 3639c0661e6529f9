//! Staff-configured checkout settings: shipping rates, tax rates and discount codes, and
//! the conditional updates that count discount uses.

use super::model::*;
use super::pricing::{DiscountKind, ShippingRate, TaxRate};
use crate::platform::ids::new_id;
use crate::platform::db::AnyConnection;
use crate::platform::db::{now_ms, on_unique, Db};
use crate::platform::error::AppError;

type ShippingRow = (String, String, String, i64, i64);
type TaxRow = (String, String, String, String, i64, i64);

fn shipping_rate((id, name, country, base_amount, per_kg): ShippingRow) -> ShippingRate {
    ShippingRate {
        id,
        name,
        country,
        base_amount,
        per_kg,
    }
}

fn tax_rate((id, name, country, region, rate_ppm, inclusive): TaxRow) -> TaxRate {
    TaxRate {
        id,
        name,
        country,
        region,
        rate_ppm,
        inclusive: inclusive == 1,
    }
}

/// The rates offered in `country`: its own, else the `*` rates.
pub async fn shipping_for(db: &Db, country: &str) -> Result<Vec<ShippingRate>, AppError> {
    let rows: Vec<ShippingRow> = sqlx::query_as(
        "select id, name, country, base_amount, per_kg from shipping_rates \
         where country = $1 or (country = '*' and not exists \
           (select 1 from shipping_rates r where r.country = $1)) \
         order by position, base_amount, name",
    )
    .bind(country)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(shipping_rate).collect())
}

/// The tax of a region, else of its country, else none.
pub async fn tax_for(db: &Db, country: &str, region: &str) -> Result<Option<TaxRate>, AppError> {
    let row: Option<TaxRow> = sqlx::query_as(
        "select id, name, country, region, rate_ppm, inclusive from tax_rates \
         where country = $1 and (region = $2 or region = '') \
         order by case when region = '' then 1 else 0 end limit 1",
    )
    .bind(country)
    .bind(region.trim().to_uppercase())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(tax_rate))
}

#[derive(sqlx::FromRow)]
struct DiscountRow {
    id: String,
    code: String,
    kind: String,
    value: i64,
    min_subtotal: i64,
    usage_limit: Option<i64>,
    per_customer_limit: Option<i64>,
    used_count: i64,
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    active: i64,
}

impl From<DiscountRow> for Discount {
    fn from(r: DiscountRow) -> Self {
        Self {
            id: r.id,
            code: r.code,
            kind: if r.kind == "fixed" {
                DiscountKind::Fixed
            } else {
                DiscountKind::Percent
            },
            value: r.value,
            min_subtotal: r.min_subtotal,
            usage_limit: r.usage_limit,
            per_customer_limit: r.per_customer_limit,
            used_count: r.used_count,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            active: r.active == 1,
        }
    }
}

const DISCOUNT_COLUMNS: &str = "id, code, kind, value, min_subtotal, usage_limit, \
    per_customer_limit, used_count, starts_at, ends_at, active";

/// A code as shoppers type it: trimmed, upper-case.
pub fn normalize_code(raw: &str) -> String {
    raw.trim().to_uppercase()
}

/// Whether `code` applies to a cart of `subtotal` for `customer` (the signed-in account's
/// key, `None` for a guest) now; the reason if not. Read-only: the use is taken when
/// payment starts ([`take_use`]).
pub async fn check_discount(
    db: &Db,
    code: &str,
    subtotal: i64,
    customer: Option<&str>,
    currency: crate::platform::money::Currency,
) -> Result<Result<Discount, String>, AppError> {
    let code = normalize_code(code);
    let row: Option<DiscountRow> = sqlx::query_as(&format!(
        "select {DISCOUNT_COLUMNS} from discounts where code = $1"
    ))
    .bind(&code)
    .fetch_optional(db.pool())
    .await?;
    let Some(discount) = row.map(Discount::from) else {
        return Ok(Err(format!("{code} is not a valid code.")));
    };
    let now = now_ms();
    if !discount.active || discount.starts_at.is_some_and(|s| now < s) {
        return Ok(Err(format!("{code} is not active.")));
    }
    if discount.ends_at.is_some_and(|e| now >= e) {
        return Ok(Err(format!("{code} has expired.")));
    }
    if discount
        .usage_limit
        .is_some_and(|l| discount.used_count >= l)
    {
        return Ok(Err(format!("{code} has been used up.")));
    }
    if subtotal < discount.min_subtotal {
        let min = crate::platform::money::Money::new(discount.min_subtotal, currency);
        return Ok(Err(format!("{code} needs a subtotal of at least {min}.")));
    }
    // A per-customer limit counts uses of an account: a guest could type a new email
    // for every use.
    if discount.per_customer_limit.is_some() && customer.is_none() {
        return Ok(Err(format!(
            "Sign in to use {code}: it can be used a limited number of times per customer."
        )));
    }
    if let (Some(limit), Some(customer)) = (discount.per_customer_limit, customer) {
        let used: Option<(i64,)> = sqlx::query_as(
            "select uses from discount_customer_uses where discount_id = $1 and customer = $2",
        )
        .bind(&discount.id)
        .bind(customer)
        .fetch_optional(db.pool())
        .await?;
        if used.is_some_and(|(u,)| u >= limit) {
            return Ok(Err(format!("You have already used {code}.")));
        }
    }
    Ok(Ok(discount))
}

/// Takes one use of a discount (total and, for `customer`, per customer) if the limits
/// allow: conditional updates, so 200 racing checkouts cannot exceed a limit.
pub async fn take_use(
    conn: &mut AnyConnection,
    discount_id: &str,
    customer: Option<&str>,
) -> Result<bool, AppError> {
    let taken = sqlx::query(
        "update discounts set used_count = used_count + 1 \
         where id = $1 and (usage_limit is null or used_count < usage_limit)",
    )
    .bind(discount_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !taken {
        return Ok(false);
    }
    let Some(customer) = customer else {
        return Ok(true);
    };
    sqlx::query(
        "insert into discount_customer_uses (discount_id, customer, uses) values ($1, $2, 0) \
         on conflict (discount_id, customer) do nothing",
    )
    .bind(discount_id)
    .bind(customer)
    .execute(&mut *conn)
    .await?;
    let mine = sqlx::query(
        "update discount_customer_uses set uses = uses + 1 \
         where discount_id = $1 and customer = $2 and uses < coalesce( \
           (select per_customer_limit from discounts where id = $1), uses + 1)",
    )
    .bind(discount_id)
    .bind(customer)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !mine {
        // Give the total use back; the caller's transaction is rolled back or goes on
        // without the code.
        release_total(conn, discount_id).await?;
    }
    Ok(mine)
}

async fn release_total(conn: &mut AnyConnection, discount_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "update discounts set used_count = used_count - 1 where id = $1 and used_count > 0",
    )
    .bind(discount_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives a held use back (payment failed or expired).
pub async fn release_use(
    conn: &mut AnyConnection,
    discount_id: &str,
    customer: Option<&str>,
) -> Result<(), AppError> {
    release_total(conn, discount_id).await?;
    if let Some(customer) = customer {
        sqlx::query(
            "update discount_customer_uses set uses = uses - 1 \
             where discount_id = $1 and customer = $2 and uses > 0",
        )
        .bind(discount_id)
        .bind(customer)
        .execute(conn)
        .await?;
    }
    Ok(())
}

// ---- Staff settings ----------------------------------------------------------------

pub async fn settings(db: &Db) -> Result<CheckoutSettings, AppError> {
    let shipping: Vec<ShippingRow> = sqlx::query_as(
        "select id, name, country, base_amount, per_kg from shipping_rates order by country, position, name",
    )
    .fetch_all(db.pool())
    .await?;
    let taxes: Vec<TaxRow> = sqlx::query_as(
        "select id, name, country, region, rate_ppm, inclusive from tax_rates order by country, region",
    )
    .fetch_all(db.pool())
    .await?;
    let discounts: Vec<DiscountRow> = sqlx::query_as(&format!(
        "select {DISCOUNT_COLUMNS} from discounts order by created_at desc"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(CheckoutSettings {
        shipping: shipping.into_iter().map(shipping_rate).collect(),
        taxes: taxes.into_iter().map(tax_rate).collect(),
        discounts: discounts.into_iter().map(Discount::from).collect(),
    })
}

fn country(raw: &str, allow_any: bool) -> Result<String, AppError> {
    let code = raw.trim().to_uppercase();
    if (allow_any && code == "*") || crate::accounts::countries::name(&code).is_some() {
        Ok(code)
    } else {
        Err(AppError::validation(
            "country",
            if allow_any {
                "use a two-letter country code (US, GB, DE …) or * for everywhere else"
            } else {
                "use a two-letter country code (US, GB, DE …)"
            },
        ))
    }
}

fn name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::validation(
            "name",
            "enter a name of 1 to 80 characters",
        ));
    }
    Ok(name.to_owned())
}

fn amount(raw: &str, field: &str) -> Result<i64, AppError> {
    crate::platform::money::Money::parse_amount(raw)
        .map_err(|e| AppError::validation(field, e.message("4.99")))
}

pub async fn save_shipping(db: &Db, input: &ShippingRateInput) -> Result<String, AppError> {
    let name = name(&input.name)?;
    let country = country(&input.country, true)?;
    let base = amount(&input.base_amount, "base_amount")?;
    let per_kg = if input.per_kg.trim().is_empty() {
        0
    } else {
        amount(&input.per_kg, "per_kg")?
    };
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "insert into shipping_rates (id, name, country, base_amount, per_kg, position, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, 0, $6, $6)",
    )
    .bind(&id)
    .bind(name)
    .bind(country)
    .bind(base)
    .bind(per_kg)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(id)
}

pub async fn save_tax(db: &Db, input: &TaxRateInput) -> Result<String, AppError> {
    let name = name(&input.name)?;
    let country = country(&input.country, false)?;
    let region = input.region.trim().to_uppercase();
    if region.chars().count() > 40 {
        return Err(AppError::validation(
            "region",
            "use the region's code, e.g. CA",
        ));
    }
    let rate_ppm = super::pricing::parse_percent(&input.rate)
        .map_err(|message| AppError::validation("rate", message))?;
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "insert into tax_rates (id, name, country, region, rate_ppm, inclusive, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(name)
    .bind(&country)
    .bind(&region)
    .bind(rate_ppm)
    .bind(i64::from(input.inclusive))
    .bind(now)
    .execute(db.pool())
    .await
    .map_err(|e| on_unique(e, "that country and region already have a tax rate; delete it first"))?;
    Ok(id)
}

/// "2026-12-31" → unix ms at 00:00 UTC that day.
fn date(raw: &str, field: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(raw, format)
        .map_err(|_| AppError::validation(field, "use a date like 2026-12-31"))?;
    Ok(Some(day.midnight().assume_utc().unix_timestamp() * 1000))
}

pub async fn save_discount(db: &Db, input: &DiscountInput) -> Result<String, AppError> {
    let code = normalize_code(&input.code);
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::validation(
            "code",
            "use 1 to 40 letters, digits, - or _",
        ));
    }
    let (kind, value) = match input.kind.as_str() {
        "percent" => {
            let pct: i64 = input
                .value
                .trim()
                .trim_end_matches('%')
                .parse()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| {
                    AppError::validation("value", "enter a whole percentage from 1 to 100")
                })?;
            ("percent", pct)
        }
        "fixed" => ("fixed", amount(&input.value, "value")?.max(0)),
        _ => {
            return Err(AppError::validation(
                "kind",
                "choose percentage or fixed amount",
            ))
        }
    };
    if value <= 0 {
        return Err(AppError::validation(
            "value",
            "the discount must be more than 0",
        ));
    }
    let min_subtotal = if input.min_subtotal.trim().is_empty() {
        0
    } else {
        amount(&input.min_subtotal, "min_subtotal")?
    };
    let limit = |raw: &str, field: &str| -> Result<Option<i64>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<i64>()
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
            .map(Some)
            .ok_or_else(|| {
                AppError::validation(
                    field,
                    "enter a whole number of uses, or leave it empty for no limit",
                )
            })
    };
    let usage_limit = limit(&input.usage_limit, "usage_limit")?;
    let per_customer = limit(&input.per_customer_limit, "per_customer_limit")?;
    let starts_at = date(&input.starts_on, "starts_on")?;
    let ends_at = date(&input.ends_on, "ends_on")?.map(|e| e + 24 * 3600 * 1000);
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            return Err(AppError::validation(
                "ends_on",
                "the end must be after the start",
            ));
        }
    }
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "insert into discounts (id, code, kind, value, min_subtotal, usage_limit, per_customer_limit, \
           used_count, starts_at, ends_at, active, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 1, $10, $10)",
    )
    .bind(&id)
    .bind(&code)
    .bind(kind)
    .bind(value)
    .bind(min_subtotal)
    .bind(usage_limit)
    .bind(per_customer)
    .bind(starts_at)
    .bind(ends_at)
    .bind(now)
    .execute(db.pool())
    .await
    .map_err(|e| on_unique(e, &format!("the code {code} exists already")))?;
    Ok(id)
}

/// Deletes a shipping rate, tax rate or discount (`what`: shipping | tax | discount).
/// A discount with uses is switched off instead, so orders keep pointing at it.
pub async fn delete(db: &Db, what: &str, id: &str) -> Result<(), AppError> {
    let sql = match what {
        "shipping" => "delete from shipping_rates where id = $1",
        "tax" => "delete from tax_rates where id = $1",
        "discount" => "update discounts set active = 0 where id = $1",
        _ => return Err(AppError::validation("what", "unknown setting")),
    };
    let done = sqlx::query(sql).bind(id).execute(db.pool()).await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("setting".into()));
    }
    Ok(())
}

/// A fresh store's defaults (demo seed): two worldwide rates, a sample tax and code.
pub async fn seed_defaults(db: &Db) -> Result<(), AppError> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from shipping_rates")
        .fetch_one(db.pool())
        .await?;
    if n > 0 {
        return Ok(());
    }
    for (name, base, per_kg) in [("Standard", "5", "0"), ("Express", "15", "2")] {
        save_shipping(
            db,
            &ShippingRateInput {
                name: name.into(),
                country: "*".into(),
                base_amount: base.into(),
                per_kg: per_kg.into(),
            },
        )
        .await?;
    }
    Ok(())
}
