//! What staff see of stock: the levels (with the low-stock count) and the ledger of every
//! change, a page at a time.

pub use super::mail::LowStock;
use super::model::*;
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use crate::web::pagination::{ListParams, Pagination};

#[derive(sqlx::FromRow)]
struct LevelRow {
    variant_id: String,
    product_id: String,
    product_name: String,
    option1: Option<String>,
    option2: Option<String>,
    option3: Option<String>,
    sku: String,
    stock: i64,
    reserved: i64,
    low_stock_threshold: i64,
}

/// Variants whose available stock is at or under their threshold.
pub async fn low_count(state: &AppState) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from variants v join products p on p.id = v.product_id \
         where p.status <> 'archived' and v.low_stock_threshold > 0 \
           and v.stock - v.reserved <= v.low_stock_threshold",
    )
    .fetch_one(state.db.pool())
    .await?;
    Ok(n)
}

/// A ledger entry as read: sku, delta, on hand after, reason, note, actor's email, order,
/// time.
type LedgerRow = (
    String,
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

/// The staff inventory page: `q` matches SKU or product name; `low` keeps only variants
/// at or under their threshold.
pub async fn page(
    state: &AppState,
    q: &str,
    low: bool,
    list: ListParams,
) -> Result<InventoryPage, AppError> {
    let limit = if list.limit == 0 { 50 } else { list.limit };
    let page = list.page.max(1);
    let q = q.trim().to_lowercase();
    let mut conditions = vec!["p.status <> 'archived'".to_owned()];
    if !q.is_empty() {
        conditions.push("(lower(v.sku) like $1 or lower(p.name) like $1)".into());
    } else {
        conditions.push("$1 = $1".into());
    }
    if low {
        conditions.push(
            "v.low_stock_threshold > 0 and v.stock - v.reserved <= v.low_stock_threshold".into(),
        );
    }
    let filter = format!(
        "from variants v join products p on p.id = v.product_id where {}",
        conditions.join(" and ")
    );
    let pattern = format!("%{}%", q.replace(['%', '_'], ""));
    let (total,): (i64,) = sqlx::query_as(&format!("select count(*) {filter}"))
        .bind(&pattern)
        .fetch_one(state.db.pool())
        .await?;
    // By default the closest to running out first; the API may sort by SKU or stock.
    let dir = if list.sort.is_empty() {
        "asc"
    } else {
        list.direction()
    };
    let order = match list.sort {
        "sku" => format!("v.sku {dir}"),
        "available" => format!("v.stock - v.reserved {dir}, v.sku"),
        _ => format!("(v.stock - v.reserved) - v.low_stock_threshold {dir}, p.name, v.position"),
    };
    let rows: Vec<LevelRow> = sqlx::query_as(&format!(
        "select v.id as variant_id, p.id as product_id, p.name as product_name, v.option1, \
           v.option2, v.option3, v.sku, v.stock, v.reserved, v.low_stock_threshold \
         {filter} order by {order} limit {limit} offset {}",
        u64::from(page - 1) * u64::from(limit)
    ))
    .bind(&pattern)
    .fetch_all(state.db.pool())
    .await?;
    let levels = rows
        .into_iter()
        .map(|r| StockLevel {
            variant_title: crate::catalog::model::variant_title([r.option1, r.option2, r.option3]),
            variant_id: r.variant_id,
            product_id: r.product_id,
            product_name: r.product_name,
            sku: r.sku,
            on_hand: r.stock,
            reserved: r.reserved,
            available: r.stock - r.reserved,
            low_stock_threshold: r.low_stock_threshold,
        })
        .collect();
    let recent = movements(state, None, 20, 0).await?;
    Ok(InventoryPage {
        levels,
        low_count: low_count(state).await?,
        recent,
        pagination: Pagination::new(page, limit, total),
    })
}

/// The ledger, newest first: every variant's, or one's (by id).
pub async fn ledger(
    state: &AppState,
    variant_id: Option<&str>,
    list: ListParams,
) -> Result<(Vec<Movement>, Pagination), AppError> {
    let limit = if list.limit == 0 { 50 } else { list.limit };
    let page = list.page.max(1);
    let (total,): (i64,) = sqlx::query_as(
        "select count(*) from inventory_ledger l where ($1 = '' or l.variant_id = $1)",
    )
    .bind(variant_id.unwrap_or_default())
    .fetch_one(state.db.pool())
    .await?;
    let offset = u64::from(page - 1) * u64::from(limit);
    let rows = movements(state, variant_id, limit, offset).await?;
    Ok((rows, Pagination::new(page, limit, total)))
}

async fn movements(
    state: &AppState,
    variant_id: Option<&str>,
    limit: u32,
    offset: u64,
) -> Result<Vec<Movement>, AppError> {
    let rows: Vec<LedgerRow> = sqlx::query_as(&format!(
        "select l.sku, l.delta, l.on_hand_after, l.reason, l.note, \
           coalesce(u.email, 'API key ' || k.name), l.order_id, l.created_at \
         from inventory_ledger l left join users u on u.id = l.actor \
         left join api_keys k on k.id = l.actor where ($1 = '' or l.variant_id = $1) \
         order by l.created_at desc, l.id limit {limit} offset {offset}"
    ))
    .bind(variant_id.unwrap_or_default())
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(sku, delta, on_hand_after, reason, note, actor, order_id, at)| Movement {
                sku,
                delta,
                on_hand_after,
                reason: Reason::parse(&reason).unwrap_or(Reason::Correction),
                note,
                actor,
                order_id,
                at,
            },
        )
        .collect())
}
