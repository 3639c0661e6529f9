//! What staff set up for checkout: shipping rates, tax rates and discount codes, each
//! checked field by field before it is saved; and the defaults a new store starts with.

use super::discounts::normalize_code;
use super::model::*;
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, on_unique, Db};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;

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

pub async fn save_shipping(
    db: &Db,
    actor: &str,
    input: &ShippingRateInput,
) -> Result<String, AppError> {
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
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into shipping_rates (id, name, country, base_amount, per_kg, position, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, 0, $6, $6)",
    )
    .bind(&id)
    .bind(&name)
    .bind(&country)
    .bind(base)
    .bind(per_kg)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"name": name, "country": country, "base_amount": base, "per_kg": per_kg});
    let change = Change::new("shipping_rate.create", "shipping_rate", &id)
        .summary(format!("Shipping rate “{name}” added"))
        .after(&after);
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn save_tax(db: &Db, actor: &str, input: &TaxRateInput) -> Result<String, AppError> {
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
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into tax_rates (id, name, country, region, rate_ppm, inclusive, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(&name)
    .bind(&country)
    .bind(&region)
    .bind(rate_ppm)
    .bind(i64::from(input.inclusive))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| on_unique(e, "that country and region already have a tax rate; delete it first"))?;
    let after = serde_json::json!({"name": name, "country": country, "region": region, "rate_ppm": rate_ppm, "inclusive": input.inclusive});
    let change = Change::new("tax_rate.create", "tax_rate", &id)
        .summary(format!("Tax rate “{name}” added"))
        .after(&after);
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
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

pub async fn save_discount(
    db: &Db,
    actor: &str,
    input: &DiscountInput,
) -> Result<String, AppError> {
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
    let mut tx = db.begin_write().await?;
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
    .execute(&mut *tx)
    .await
    .map_err(|e| on_unique(e, &format!("the code {code} exists already")))?;
    let after = serde_json::json!({"code": code, "kind": kind, "value": value, "min_subtotal": min_subtotal,
        "usage_limit": usage_limit, "per_customer_limit": per_customer, "starts_at": starts_at, "ends_at": ends_at});
    let change = Change::new("discount.create", "discount", &id)
        .summary(format!("Code {code} added"))
        .after(&after);
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes a shipping rate, tax rate or discount (`what`: shipping | tax | discount).
/// A discount with uses is switched off instead, so orders keep pointing at it.
pub async fn delete(db: &Db, actor: &str, what: &str, id: &str) -> Result<(), AppError> {
    let sql = match what {
        "shipping" => "delete from shipping_rates where id = $1",
        "tax" => "delete from tax_rates where id = $1",
        "discount" => "update discounts set active = 0 where id = $1",
        _ => return Err(AppError::validation("what", "unknown setting")),
    };
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("setting".into()));
    }
    let (entity, action) = match what {
        "shipping" => ("shipping_rate", "shipping_rate.delete"),
        "tax" => ("tax_rate", "tax_rate.delete"),
        _ => ("discount", "discount.deactivate"),
    };
    record(
        &mut tx,
        Some(actor),
        Change::new(action, entity, id).summary(action),
    )
    .await?;
    tx.commit().await?;
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
            "system",
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
