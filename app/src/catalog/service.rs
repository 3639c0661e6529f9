//! Catalog writes: products with their options and variants, status changes. Each save
//! is one transaction (product row, options, variants, search entry): a failure, such as
//! a SKU another product already uses, leaves nothing half-saved. Every write empties the
//! catalog cache, on every instance.

use super::model::*;
use super::validate::validate;
use super::validate::Valid;
use super::{markdown, read};
use crate::audit::log::{record, Change};
use crate::inventory::Reason;
use crate::platform::db::AnyConnection;
use crate::platform::db::{now_ms, on_unique, search, Backend};
use crate::platform::error::AppError;
use crate::platform::state::AppState;

const INSERT_PRODUCT: &str = "insert into products (id, slug, name, description, \
    description_html, status, category_id, featured, seo_title, seo_description, currency, \
    price_min, price_max, created_at, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)";

const UPDATE_PRODUCT: &str = "update products set slug = $2, name = $3, description = $4, \
    description_html = $5, status = $6, category_id = $7, featured = $8, seo_title = $9, \
    seo_description = $10, currency = $11, price_min = $12, price_max = $13, updated_at = $14 \
    where id = $1";

/// Creates (`id = None`) or changes a product; returns its id.
#[tracing::instrument(skip(state, input), fields(slug = %input.slug))]
pub async fn save_product(
    state: &AppState,
    actor: &str,
    id: Option<&str>,
    input: &ProductInput,
) -> Result<String, AppError> {
    let categories = read::categories(state).await?;
    let valid = validate(input, &categories)?;
    let now = now_ms();
    let price_min = valid.variants.iter().map(|v| v.price).min().unwrap_or(0);
    let price_max = valid.variants.iter().map(|v| v.price).max().unwrap_or(0);
    let slug_taken = || {
        format!(
            "another product already uses the web address “{}”; choose another",
            valid.slug
        )
    };
    // The insert and the update list the same columns in the same order ($1 is the id),
    // so one chain of binds serves both.
    let (product_id, sql) = match id {
        None => (crate::platform::ids::new_id(), INSERT_PRODUCT),
        Some(id) => (id.to_owned(), UPDATE_PRODUCT),
    };
    let mut tx = state.db.begin_write().await?;
    if let (Some(id), Some(version)) = (id, input.version) {
        // Takes the row (PostgreSQL's lock; SQLite's one writer) only if nobody saved it
        // since the editor opened it.
        let current = sqlx::query(
            "update products set updated_at = updated_at where id = $1 and updated_at = $2",
        )
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if current.rows_affected() == 0 {
            return Err(AppError::Conflict(
                "someone else saved this product since you opened it; reload to see their change \
                 (what you typed is still in the form)"
                    .into(),
            ));
        }
    }
    let before = match id {
        Some(id) => snapshot(&mut tx, id).await?,
        None => None,
    };
    let written = sqlx::query(sql)
        .bind(&product_id)
        .bind(&valid.slug)
        .bind(&valid.name)
        .bind(&valid.description)
        .bind(markdown::render(&valid.description))
        .bind(valid.status.as_str())
        .bind(valid.category_id.as_deref())
        .bind(i64::from(valid.featured))
        .bind(&valid.seo_title)
        .bind(&valid.seo_description)
        .bind(valid.currency.code())
        .bind(price_min)
        .bind(price_max)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_unique(e, &slug_taken()))?;
    if written.rows_affected() == 0 {
        return Err(AppError::NotFound("product".into()));
    }
    write_options_and_variants(&mut tx, &product_id, &valid, now).await?;
    let trail = valid
        .category_id
        .as_deref()
        .map(|c| read::trail(&categories, c))
        .unwrap_or_default();
    index(
        &mut tx,
        state.db.backend(),
        &product_id,
        &valid.name,
        &valid.description,
        valid
            .variants
            .iter()
            .map(|v| (v.sku.as_str(), v.options.as_slice())),
        &category_names(&trail),
    )
    .await?;
    let after = snapshot(&mut tx, &product_id).await?;
    let (action, verb) = if before.is_some() {
        ("product.update", "changed")
    } else {
        ("product.create", "added")
    };
    let mut change = Change::new(action, "product", &product_id)
        .summary(format!("“{}” {verb}", valid.name))
        .after(&after);
    if let Some(before) = &before {
        change = change.before(before);
    }
    record(&mut tx, Some(actor), change).await?;
    let data = serde_json::json!({ "id": product_id, "change": verb, "product": after });
    crate::integrations::webhooks::emit(&mut tx, "product.updated", data).await?;
    tx.commit().await?;
    state.jobs.notify();
    state.cache.invalidate().await;
    Ok(product_id)
}

/// What the audit log keeps of a product: its fields and each variant's SKU, price,
/// stock and options, keyed so a diff names what changed.
async fn snapshot(
    conn: &mut AnyConnection,
    product_id: &str,
) -> Result<Option<serde_json::Value>, AppError> {
    type Fields = (String, String, String, Option<String>, i64, String, String);
    let product: Option<Fields> = sqlx::query_as(
        "select name, slug, status, category_id, featured, seo_title, description \
             from products where id = $1",
    )
    .bind(product_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((name, slug, status, category, featured, seo_title, description)) = product else {
        return Ok(None);
    };
    let variants: Vec<(String, i64, Option<i64>, i64)> = sqlx::query_as(
        "select sku, price, compare_at_price, stock from variants where product_id = $1 order by position, sku",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut value = serde_json::json!({
        "name": name, "slug": slug, "status": status, "category_id": category,
        "featured": featured == 1, "seo_title": seo_title, "description": description,
    });
    for (sku, price, compare_at, stock) in variants {
        value[format!("variant {sku}")] =
            serde_json::json!({ "price": price, "compare_at": compare_at, "stock": stock });
    }
    Ok(Some(value))
}

async fn write_options_and_variants(
    conn: &mut AnyConnection,
    product_id: &str,
    valid: &Valid,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("delete from product_options where product_id = $1")
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    for (i, name) in valid.options.iter().enumerate() {
        sqlx::query("insert into product_options (product_id, position, name) values ($1, $2, $3)")
            .bind(product_id)
            .bind(i as i64 + 1)
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    let existing: Vec<(String, i64)> =
        sqlx::query_as("select id, stock - reserved from variants where product_id = $1")
            .bind(product_id)
            .fetch_all(&mut *conn)
            .await?;
    let kept: Vec<&str> = valid
        .variants
        .iter()
        .filter_map(|v| v.id.as_deref())
        .collect();
    for (id, _) in &existing {
        if !kept.contains(&id.as_str()) {
            sqlx::query("delete from variants where id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    // SKUs may move between this product's variants: park them first so the unique index
    // only ever compares against other products.
    sqlx::query("update variants set sku = '~' || id where product_id = $1")
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    for (position, v) in valid.variants.iter().enumerate() {
        let option = |i: usize| v.options.get(i).cloned();
        let taken = format!("SKU {} is already used by another product", v.sku);
        let known =
            v.id.as_deref()
                .filter(|id| existing.iter().any(|(e, _)| e == id));
        let fresh = crate::platform::ids::new_id();
        let result = match known {
            Some(id) => {
                sqlx::query(
                    "update variants set position = $2, sku = $3, option1 = $4, option2 = $5, \
                       option3 = $6, price = $7, compare_at_price = $8, stock = $9 + reserved, \
                       weight_grams = $10, barcode = $11, updated_at = $12 \
                     where id = $1",
                )
                .bind(id)
                .bind(position as i64)
                .bind(&v.sku)
                .bind(option(0))
                .bind(option(1))
                .bind(option(2))
                .bind(v.price)
                .bind(v.compare_at)
                .bind(v.stock)
                .bind(v.weight_grams)
                .bind(&v.barcode)
                .bind(now)
                .execute(&mut *conn)
                .await
            }
            None => {
                sqlx::query(
                    "insert into variants (id, product_id, position, sku, option1, option2, \
                       option3, price, compare_at_price, stock, weight_grams, barcode, \
                       created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
                )
                .bind(&fresh)
                .bind(product_id)
                .bind(position as i64)
                .bind(&v.sku)
                .bind(option(0))
                .bind(option(1))
                .bind(option(2))
                .bind(v.price)
                .bind(v.compare_at)
                .bind(v.stock)
                .bind(v.weight_grams)
                .bind(&v.barcode)
                .bind(now)
                .execute(&mut *conn)
                .await
            }
        };
        result.map_err(|e| on_unique(e, &taken))?;
        // Staff edit the available count; the ledger records the change of what is on hand.
        let before = known.and_then(|id| existing.iter().find(|(e, _)| e == id).map(|(_, a)| *a));
        let (variant_id, reason, delta) = match (known, before) {
            (Some(id), Some(before)) => (id, Reason::Edit, v.stock - before),
            _ => (fresh.as_str(), Reason::Initial, v.stock),
        };
        if delta != 0 {
            let (on_hand,): (i64,) = sqlx::query_as("select stock from variants where id = $1")
                .bind(variant_id)
                .fetch_one(&mut *conn)
                .await?;
            crate::inventory::service::record(
                conn,
                &crate::inventory::service::Entry {
                    variant_id,
                    sku: &v.sku,
                    delta,
                    on_hand_after: on_hand,
                    reason,
                    note: "",
                    actor: None,
                    order_id: None,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The category part of a product's search entry: the names from the root down.
pub(super) fn category_names(trail: &[Category]) -> String {
    trail
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a product's search entry: its name, the SKUs and option values of its variants,
/// its category names and its description as plain text.
pub(super) async fn index<'a>(
    conn: &mut AnyConnection,
    backend: Backend,
    product_id: &str,
    name: &str,
    description: &str,
    variants: impl IntoIterator<Item = (&'a str, &'a [String])>,
    category_names: &str,
) -> Result<(), AppError> {
    let mut skus = Vec::new();
    let mut body = markdown::plain_text(description);
    for (sku, options) in variants {
        skus.push(sku);
        for value in options {
            body.push(' ');
            body.push_str(value);
        }
    }
    search::index_product(
        conn,
        backend,
        product_id,
        &search::Document {
            name,
            skus: &skus.join(" "),
            category: category_names,
            body: &body,
        },
    )
    .await
}

/// Sets the status of several products at once; returns how many changed.
pub async fn set_status(
    state: &AppState,
    actor: &str,
    ids: &[String],
    status: Status,
) -> Result<u64, AppError> {
    if ids.is_empty() {
        return Err(AppError::validation("ids", "select at least one product"));
    }
    if ids.len() > 500 {
        return Err(AppError::validation(
            "ids",
            "at most 500 products at a time",
        ));
    }
    let mut params = crate::platform::db::params::Params::default();
    let status_param = params.text(status.as_str());
    let now = params.int(now_ms());
    let list: Vec<String> = ids.iter().map(|id| params.text(id.clone())).collect();
    let sql = format!(
        "update products set status = {status_param}, updated_at = {now} where id in ({})",
        list.join(", ")
    );
    let mut tx = state.db.begin_write().await?;
    let done = crate::platform::db::params::bind(sqlx::query(&sql), &params.0)
        .execute(&mut *tx)
        .await?;
    for id in ids {
        let change = Change::new("product.status", "product", id)
            .summary(format!("Status set to {}", status.as_str()))
            .after(&serde_json::json!({ "status": status.as_str() }));
        record(&mut tx, Some(actor), change).await?;
    }
    tx.commit().await?;
    state.cache.invalidate().await;
    Ok(done.rows_affected())
}
