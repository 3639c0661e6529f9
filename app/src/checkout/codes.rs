//! Discount codes as staff write them: added, or edited (and switched off or on) at the
//! version the form was opened at; limited to a minimum subtotal, dates, a number of
//! uses, and optionally to products or categories. Orders keep their own amounts, so an
//! edit never changes an order already placed; it applies to checkouts priced after it.

use super::discounts::normalize_code;
use super::model::*;
use super::setup::{amount, guarded, next_version, Target};
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, on_unique, AnyConnection, Db};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;

/// What a code form says, checked.
struct Valid {
    code: String,
    kind: &'static str,
    value: i64,
    min_subtotal: i64,
    usage_limit: Option<i64>,
    per_customer: Option<i64>,
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    product_ids: String,
    category_ids: String,
}

fn date(raw: &str, field: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    crate::platform::text::parse_day(raw, field).map(Some)
}

/// Web addresses (comma-separated) of rows of `table` → their ids, naming any unknown.
async fn ids(
    conn: &mut AnyConnection,
    table: &str,
    raw: &str,
    field: &str,
) -> Result<String, AppError> {
    let mut out = Vec::new();
    for slug in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let row: Option<(String,)> =
            sqlx::query_as(&format!("select id from {table} where slug = $1"))
                .bind(slug.to_lowercase())
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some((id,)) if !out.contains(&id) => out.push(id),
            Some(_) => {}
            None => {
                return Err(AppError::validation(
                    field,
                    format!(
                        "there is no {} at “{slug}”",
                        if table == "products" {
                            "product"
                        } else {
                            "category"
                        }
                    ),
                ))
            }
        }
    }
    if out.len() > 200 {
        return Err(AppError::validation(field, "at most 200"));
    }
    Ok(out.join(" "))
}

async fn check(conn: &mut AnyConnection, input: &DiscountInput) -> Result<Valid, AppError> {
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
    Ok(Valid {
        code,
        kind,
        value,
        min_subtotal,
        usage_limit: limit(&input.usage_limit, "usage_limit")?,
        per_customer: limit(&input.per_customer_limit, "per_customer_limit")?,
        starts_at,
        ends_at,
        product_ids: ids(conn, "products", &input.products, "products").await?,
        category_ids: ids(conn, "categories", &input.categories, "categories").await?,
    })
}

impl Valid {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({"code": self.code, "kind": self.kind, "value": self.value, "min_subtotal": self.min_subtotal,
            "usage_limit": self.usage_limit, "per_customer_limit": self.per_customer, "starts_at": self.starts_at,
            "ends_at": self.ends_at, "product_ids": self.product_ids, "category_ids": self.category_ids})
    }
}

/// Adds or edits a code. A usage limit below the uses already counted is refused.
pub async fn save_discount(
    db: &Db,
    actor: &str,
    target: Target<'_>,
    input: &DiscountInput,
) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    let v = check(&mut tx, input).await?;
    let taken = format!("the code {} exists already", v.code);
    let (id, change) = match target {
        Target::New => {
            let id = new_id();
            sqlx::query(
                "insert into discounts (id, code, kind, value, min_subtotal, usage_limit, per_customer_limit, \
                   used_count, starts_at, ends_at, active, product_ids, category_ids, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 1, $10, $11, $12, $12)",
            )
            .bind(&id).bind(&v.code).bind(v.kind).bind(v.value).bind(v.min_subtotal).bind(v.usage_limit)
            .bind(v.per_customer).bind(v.starts_at).bind(v.ends_at).bind(&v.product_ids).bind(&v.category_ids)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, &taken))?;
            let change = Change::new("discount.create", "discount", &id)
                .summary(format!("Code {} added", v.code));
            (id, change.after(&v.json()))
        }
        Target::Edit {
            id,
            version,
            active,
        } => {
            let used: Option<(i64,)> =
                sqlx::query_as("select used_count from discounts where id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let (Some((used,)), Some(limit)) = (used, v.usage_limit) {
                if limit < used {
                    return Err(AppError::validation(
                        "usage_limit",
                        format!("it has been used {used} times already"),
                    ));
                }
            }
            let before: Option<(String, String, i64, i64, Option<i64>, i64)> = sqlx::query_as(
                "select code, kind, value, min_subtotal, usage_limit, active from discounts where id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let done = sqlx::query(
                "update discounts set code = $2, kind = $3, value = $4, min_subtotal = $5, usage_limit = $6, \
                   per_customer_limit = $7, starts_at = $8, ends_at = $9, active = $10, product_ids = $11, \
                   category_ids = $12, updated_at = $13 where id = $1 and updated_at = $14",
            )
            .bind(id).bind(&v.code).bind(v.kind).bind(v.value).bind(v.min_subtotal).bind(v.usage_limit)
            .bind(v.per_customer).bind(v.starts_at).bind(v.ends_at).bind(i64::from(active))
            .bind(&v.product_ids).bind(&v.category_ids).bind(next_version(version)).bind(version)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, &taken))?;
            guarded(&mut tx, "discounts", id, done.rows_affected()).await?;
            let mut after = v.json();
            after["active"] = active.into();
            let before = before.map(|(c, k, val, m, l, a)| serde_json::json!({"code": c, "kind": k, "value": val, "min_subtotal": m, "usage_limit": l, "active": a == 1}));
            let change = Change::new("discount.update", "discount", id)
                .summary(format!("Code {} changed", v.code));
            (id.to_owned(), change.before(&before).after(&after))
        }
    };
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(id)
}
