//! Discount codes at checkout: a code checked against its dates, minimum and limits, and
//! its uses taken and given back one at a time, each a conditional update, so a code with
//! N uses left is used N times however many shoppers race for it.

use super::model::*;
use super::pricing::DiscountKind;
use crate::platform::db::AnyConnection;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;

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
    product_ids: String,
    category_ids: String,
    updated_at: i64,
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
            product_ids: r
                .product_ids
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            category_ids: r
                .category_ids
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            products: String::new(),
            categories: String::new(),
            version: r.updated_at,
        }
    }
}

const DISCOUNT_COLUMNS: &str = "id, code, kind, value, min_subtotal, usage_limit, \
    per_customer_limit, used_count, starts_at, ends_at, active, product_ids, category_ids, updated_at";

/// A code as shoppers type it: trimmed, upper-case.
pub fn normalize_code(raw: &str) -> String {
    raw.trim().to_uppercase()
}

/// Whether `code` applies to `cart` for `customer` (the signed-in account's key, `None`
/// for a guest) now, and the part of the subtotal it discounts (the lines of its
/// products and categories, or all); the reason if not. Read-only: the use is taken when
/// payment starts ([`take_use`]).
pub async fn check_discount(
    db: &Db,
    code: &str,
    cart: &crate::cart::model::Cart,
    customer: Option<&str>,
    currency: crate::platform::money::Currency,
) -> Result<Result<(Discount, i64), String>, AppError> {
    let subtotal = cart.subtotal.minor;
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
    let eligible = eligible_subtotal(db, &discount, cart).await?;
    if eligible == 0 {
        return Ok(Err(format!(
            "{code} does not apply to anything in your cart."
        )));
    }
    Ok(Ok((discount, eligible)))
}

/// The part of the cart's subtotal a code discounts: the lines of its products, or of its
/// categories (or their sub-categories); the whole subtotal if it is not limited.
async fn eligible_subtotal(
    db: &Db,
    discount: &Discount,
    cart: &crate::cart::model::Cart,
) -> Result<i64, AppError> {
    if discount.product_ids.is_empty() && discount.category_ids.is_empty() {
        return Ok(cart.subtotal.minor);
    }
    let parents: std::collections::HashMap<String, Option<String>> =
        sqlx::query_as::<_, (String, Option<String>)>("select id, parent_id from categories")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    let in_category = |mut category: Option<String>| {
        // Up the tree, at most as many steps as there are categories (no loop forever).
        for _ in 0..=parents.len() {
            let Some(id) = category else { return false };
            if discount.category_ids.contains(&id) {
                return true;
            }
            category = parents.get(&id).cloned().flatten();
        }
        false
    };
    // Every line's product and category in one statement (pricing runs on each view of
    // the checkout).
    let mut params = crate::platform::db::params::Params::default();
    let ids: Vec<String> = cart
        .lines
        .iter()
        .map(|l| params.text(l.variant_id.clone()))
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "select v.id, p.id, p.category_id from variants v join products p on p.id = v.product_id \
         where v.id in ({})",
        ids.join(", ")
    );
    let owners: std::collections::HashMap<String, (String, Option<String>)> =
        crate::platform::db::params::bind(
            sqlx::query_as::<_, (String, String, Option<String>)>(&sql),
            &params.0,
        )
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|(variant, product, category)| (variant, (product, category)))
        .collect();
    let eligible = cart
        .lines
        .iter()
        .filter(|line| {
            owners
                .get(&line.variant_id)
                .is_some_and(|(product, category)| {
                    discount.product_ids.contains(product) || in_category(category.clone())
                })
        })
        .map(|line| line.line_total.minor)
        .sum();
    Ok(eligible)
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

/// Every code, newest first (the settings page), with its limits as web addresses.
pub async fn all(db: &Db) -> Result<Vec<Discount>, AppError> {
    let rows: Vec<DiscountRow> = sqlx::query_as(&format!(
        "select {DISCOUNT_COLUMNS} from discounts order by active desc, created_at desc"
    ))
    .fetch_all(db.pool())
    .await?;
    let mut list: Vec<Discount> = rows.into_iter().map(Discount::from).collect();
    for d in &mut list {
        d.products = slugs(db, "products", &d.product_ids).await?;
        d.categories = slugs(db, "categories", &d.category_ids).await?;
    }
    Ok(list)
}

async fn slugs(db: &Db, table: &str, ids: &[String]) -> Result<String, AppError> {
    let mut out = Vec::new();
    for id in ids {
        let row: Option<(String,)> =
            sqlx::query_as(&format!("select slug from {table} where id = $1"))
                .bind(id)
                .fetch_optional(db.pool())
                .await?;
        out.extend(row.map(|(s,)| s));
    }
    Ok(out.join(", "))
}
