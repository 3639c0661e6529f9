//! The category tree, and what the sitemap and the command line count.

use crate::catalog::model::*;
use crate::platform::db::Db;
use crate::platform::error::AppError;

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: String,
    parent_id: Option<String>,
    slug: String,
    name: String,
    description: String,
    position: i64,
    featured: i64,
    product_count: i64,
}

/// Every category, in tree order of position then name.
pub async fn categories(db: &Db) -> Result<Vec<Category>, AppError> {
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "select c.id, c.parent_id, c.slug, c.name, c.description, c.position, c.featured, \
           (select count(*) from products p where p.category_id = c.id \
              and p.status = 'active') as product_count \
         from categories c order by c.position, c.name, c.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Category {
            id: r.id,
            parent_id: r.parent_id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            position: r.position,
            featured: r.featured != 0,
            product_count: r.product_count,
        })
        .collect())
}

/// `(slug, updated_at)` of every active product, for the sitemap.
pub async fn active_slugs(db: &Db) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "select slug, updated_at from products where status = 'active' order by slug",
    )
    .fetch_all(db.pool())
    .await?)
}

/// How many products the catalog holds (any status).
pub async fn count_products(db: &Db) -> Result<i64, AppError> {
    let (products,): (i64,) = sqlx::query_as("select count(*) from products")
        .fetch_one(db.pool())
        .await?;
    Ok(products)
}
