//! The checkout settings as pricing reads them: the shipping rates of a country, its
//! tax rate, everything staff configured (written in [`super::setup`]; discount codes in
//! [`super::discounts`]).

use super::model::*;
use super::pricing::{ShippingRate, TaxRate};
use crate::platform::db::Db;
use crate::platform::error::AppError;

type ShippingRow = (String, String, String, i64, i64, i64, i64);
type TaxRow = (String, String, String, String, i64, i64, i64, i64);

fn shipping_rate(
    (id, name, country, base_amount, per_kg, active, version): ShippingRow,
) -> ShippingRate {
    ShippingRate {
        id,
        name,
        country,
        base_amount,
        per_kg,
        active: active == 1,
        version,
    }
}

fn tax_rate((id, name, country, region, rate_ppm, inclusive, active, version): TaxRow) -> TaxRate {
    TaxRate {
        id,
        name,
        country,
        region,
        rate_ppm,
        inclusive: inclusive == 1,
        active: active == 1,
        version,
    }
}

/// The rates offered in `country`: its own, else the `*` rates.
pub async fn shipping_for(db: &Db, country: &str) -> Result<Vec<ShippingRate>, AppError> {
    let rows: Vec<ShippingRow> = sqlx::query_as(
        "select id, name, country, base_amount, per_kg, active, updated_at from shipping_rates \
         where active = 1 and (country = $1 or (country = '*' and not exists \
           (select 1 from shipping_rates r where r.country = $1 and r.active = 1))) \
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
        "select id, name, country, region, rate_ppm, inclusive, active, updated_at from tax_rates \
         where active = 1 and country = $1 and (region = $2 or region = '') \
         order by case when region = '' then 1 else 0 end limit 1",
    )
    .bind(country)
    .bind(region.trim().to_uppercase())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(tax_rate))
}

// ---- Staff settings ----------------------------------------------------------------

pub async fn settings(db: &Db) -> Result<CheckoutSettings, AppError> {
    let shipping: Vec<ShippingRow> = sqlx::query_as(
        "select id, name, country, base_amount, per_kg, active, updated_at from shipping_rates \
         order by active desc, country, position, name",
    )
    .fetch_all(db.pool())
    .await?;
    let taxes: Vec<TaxRow> = sqlx::query_as(
        "select id, name, country, region, rate_ppm, inclusive, active, updated_at from tax_rates \
         order by active desc, country, region",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(CheckoutSettings {
        shipping: shipping.into_iter().map(shipping_rate).collect(),
        taxes: taxes.into_iter().map(tax_rate).collect(),
        discounts: super::discounts::all(db).await?,
    })
}
