//! What staff set up for checkout: shipping rates, tax rates and discount codes, each
//! checked field by field before it is saved; and the defaults a new store starts with.

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

pub(super) fn name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::validation(
            "name",
            "enter a name of 1 to 80 characters",
        ));
    }
    Ok(name.to_owned())
}

pub(super) fn amount(raw: &str, field: &str) -> Result<i64, AppError> {
    crate::platform::money::Money::parse_amount(raw)
        .map_err(|e| AppError::validation(field, e.message("4.99")))
}

/// Where a rule is saved: a new one, or an existing one at the version the form was
/// opened at (a save over someone else's newer change is refused).
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    New,
    Edit {
        id: &'a str,
        version: i64,
        active: bool,
    },
}

/// Runs `sql` (an update guarded by `id = $1 and updated_at = <version>`) and says what
/// went wrong when it changed nothing.
pub(super) async fn guarded(
    conn: &mut crate::platform::db::AnyConnection,
    table: &str,
    id: &str,
    done: u64,
) -> Result<(), AppError> {
    if done == 1 {
        return Ok(());
    }
    let exists: Option<(String,)> =
        sqlx::query_as(&format!("select id from {table} where id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Err(match exists {
        None => AppError::NotFound("setting".into()),
        Some(_) => AppError::Conflict(
            "someone else changed this since you opened the page; reload to see their change"
                .into(),
        ),
    })
}

/// The next `updated_at` of a row at `version`: always later, so it is a version too.
pub(super) fn next_version(version: i64) -> i64 {
    now_ms().max(version.saturating_add(1))
}

/// Adds or edits a shipping rate (an edit may switch it off or on).
pub async fn save_shipping(
    db: &Db,
    actor: &str,
    target: Target<'_>,
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
    let mut tx = db.begin_write().await?;
    let after = serde_json::json!({"name": name, "country": country, "base_amount": base, "per_kg": per_kg});
    let (id, change) = match target {
        Target::New => {
            let id = new_id();
            sqlx::query(
                "insert into shipping_rates (id, name, country, base_amount, per_kg, position, active, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, 0, 1, $6, $6)",
            )
            .bind(&id)
            .bind(&name)
            .bind(&country)
            .bind(base)
            .bind(per_kg)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            let change = Change::new("shipping_rate.create", "shipping_rate", &id)
                .summary(format!("Shipping rate “{name}” added"));
            (id, change.after(&after))
        }
        Target::Edit {
            id,
            version,
            active,
        } => {
            let before: Option<(String, String, i64, i64, i64)> = sqlx::query_as(
                "select name, country, base_amount, per_kg, active from shipping_rates where id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let done = sqlx::query(
                "update shipping_rates set name = $2, country = $3, base_amount = $4, per_kg = $5, active = $6, \
                 updated_at = $7 where id = $1 and updated_at = $8",
            )
            .bind(id)
            .bind(&name)
            .bind(&country)
            .bind(base)
            .bind(per_kg)
            .bind(i64::from(active))
            .bind(next_version(version))
            .bind(version)
            .execute(&mut *tx)
            .await?;
            guarded(&mut tx, "shipping_rates", id, done.rows_affected()).await?;
            let mut after = after;
            after["active"] = active.into();
            let before = before.map(|(n, c, b, p, a)| serde_json::json!({"name": n, "country": c, "base_amount": b, "per_kg": p, "active": a == 1}));
            let change = Change::new("shipping_rate.update", "shipping_rate", id)
                .summary(format!("Shipping rate “{name}” changed"));
            (id.to_owned(), change.before(&before).after(&after))
        }
    };
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds or edits a tax rate (an edit may switch it off or on).
pub async fn save_tax(
    db: &Db,
    actor: &str,
    target: Target<'_>,
    input: &TaxRateInput,
) -> Result<String, AppError> {
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
    let taken = "that country and region already have a tax rate; edit that one instead";
    let after = serde_json::json!({"name": name, "country": country, "region": region, "rate_ppm": rate_ppm, "inclusive": input.inclusive});
    let mut tx = db.begin_write().await?;
    let (id, change) = match target {
        Target::New => {
            let id = new_id();
            sqlx::query(
                "insert into tax_rates (id, name, country, region, rate_ppm, inclusive, active, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
            )
            .bind(&id)
            .bind(&name)
            .bind(&country)
            .bind(&region)
            .bind(rate_ppm)
            .bind(i64::from(input.inclusive))
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, taken))?;
            let change = Change::new("tax_rate.create", "tax_rate", &id)
                .summary(format!("Tax rate “{name}” added"));
            (id, change.after(&after))
        }
        Target::Edit {
            id,
            version,
            active,
        } => {
            let before: Option<(String, String, String, i64, i64, i64)> = sqlx::query_as(
                "select name, country, region, rate_ppm, inclusive, active from tax_rates where id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let done = sqlx::query(
                "update tax_rates set name = $2, country = $3, region = $4, rate_ppm = $5, inclusive = $6, \
                 active = $7, updated_at = $8 where id = $1 and updated_at = $9",
            )
            .bind(id)
            .bind(&name)
            .bind(&country)
            .bind(&region)
            .bind(rate_ppm)
            .bind(i64::from(input.inclusive))
            .bind(i64::from(active))
            .bind(next_version(version))
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, taken))?;
            guarded(&mut tx, "tax_rates", id, done.rows_affected()).await?;
            let mut after = after;
            after["active"] = active.into();
            let before = before.map(|(n, c, r, p, i, a)| serde_json::json!({"name": n, "country": c, "region": r, "rate_ppm": p, "inclusive": i == 1, "active": a == 1}));
            let change = Change::new("tax_rate.update", "tax_rate", id)
                .summary(format!("Tax rate “{name}” changed"));
            (id.to_owned(), change.before(&before).after(&after))
        }
    };
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
            Target::New,
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
