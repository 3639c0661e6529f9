//! A product page's read: the product, its options, variants and images.

use crate::catalog::model::*;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: String,
    slug: String,
    name: String,
    description: String,
    description_html: String,
    status: String,
    category_id: Option<String>,
    featured: i64,
    seo_title: String,
    seo_description: String,
    currency: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    id: String,
    sku: String,
    option1: Option<String>,
    option2: Option<String>,
    option3: Option<String>,
    price: i64,
    compare_at_price: Option<i64>,
    stock: i64,
    weight_grams: i64,
    barcode: String,
    image_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ImageRow {
    id: String,
    key: String,
    alt: String,
    width: i64,
    height: i64,
    widths: String,
}

/// A product by slug or id (`by = "slug" | "id"`), with its options, variants and
/// images; the category and breadcrumbs are filled in by the caller from the cached tree.
pub async fn product(db: &Db, by: &str, key: &str) -> Result<Option<Product>, AppError> {
    let column = if by == "id" { "id" } else { "slug" };
    let sql = format!(
        "select id, slug, name, description, description_html, status, category_id, featured, \
           seo_title, seo_description, currency, created_at, updated_at \
         from products where {column} = $1"
    );
    let Some(row): Option<ProductRow> = sqlx::query_as(&sql)
        .bind(key)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let option_names: Vec<(String,)> =
        sqlx::query_as("select name from product_options where product_id = $1 order by position")
            .bind(&row.id)
            .fetch_all(db.pool())
            .await?;
    let variants: Vec<VariantRow> = sqlx::query_as(
        "select id, sku, option1, option2, option3, price, compare_at_price, stock - reserved as stock, \
           weight_grams, barcode, image_id \
         from variants where product_id = $1 order by position, id",
    )
    .bind(&row.id)
    .fetch_all(db.pool())
    .await?;
    let images: Vec<ImageRow> = sqlx::query_as(
        "select id, key, alt, width, height, widths from product_images \
         where product_id = $1 order by position, id",
    )
    .bind(&row.id)
    .fetch_all(db.pool())
    .await?;

    let currency = Currency::parse(&row.currency).unwrap_or_default();
    let count = option_names.len();
    let variants: Vec<Variant> = variants
        .into_iter()
        .map(|v| Variant {
            id: v.id,
            sku: v.sku,
            options: [v.option1, v.option2, v.option3]
                .into_iter()
                .take(count)
                .map(Option::unwrap_or_default)
                .collect(),
            price: Money::new(v.price, currency),
            compare_at: v.compare_at_price.map(|c| Money::new(c, currency)),
            stock: v.stock,
            weight_grams: v.weight_grams,
            barcode: v.barcode,
            image_id: v.image_id,
        })
        .collect();
    let options = option_names
        .into_iter()
        .enumerate()
        .map(|(i, (name,))| {
            let mut values: Vec<String> = Vec::new();
            for v in &variants {
                if let Some(value) = v.options.get(i) {
                    if !values.contains(value) {
                        values.push(value.clone());
                    }
                }
            }
            ProductOption { name, values }
        })
        .collect();
    Ok(Some(Product {
        id: row.id,
        slug: row.slug,
        name: row.name,
        summary: crate::catalog::markdown::plain_text(&row.description),
        description: row.description,
        description_html: row.description_html,
        status: Status::parse(&row.status).unwrap_or_default(),
        featured: row.featured != 0,
        seo_title: row.seo_title,
        seo_description: row.seo_description,
        currency,
        category: row.category_id.map(|id| Category {
            id,
            parent_id: None,
            slug: String::new(),
            name: String::new(),
            description: String::new(),
            position: 0,
            featured: false,
            product_count: 0,
        }),
        breadcrumbs: Vec::new(),
        options,
        variants,
        images: images
            .into_iter()
            .map(|i| {
                crate::catalog::images::view(i.id, &i.key, i.alt, i.width, i.height, &i.widths)
            })
            .collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }))
}
