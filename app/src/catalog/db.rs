//! Catalog reads. A listing page costs three statements whatever its size (cards,
//! count, option facets): every per-product detail a card shows (first image,
//! compare-at price, stock) is a sub-select of the one card query, never a query per card.

use super::model::*;
use super::query::ListingQuery;
use super::query::Sort;
use crate::platform::db::Any;
use crate::platform::db::AnyArguments;
use crate::platform::db::{search, Backend, Db};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use sqlx::query::{Query, QueryAs};

/// A bound value of a query assembled at run time.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// A statement that takes [`Arg`]s: `sqlx::query` and `sqlx::query_as` alike.
pub trait Bind<'q>: Sized {
    fn bind_arg(self, arg: &'q Arg) -> Self;
}

impl<'q> Bind<'q> for Query<'q, Any, AnyArguments<'q>> {
    fn bind_arg(self, arg: &'q Arg) -> Self {
        match arg {
            Arg::Text(s) => self.bind(s.as_str()),
            Arg::Int(i) => self.bind(*i),
        }
    }
}

impl<'q, O> Bind<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_arg(self, arg: &'q Arg) -> Self {
        match arg {
            Arg::Text(s) => self.bind(s.as_str()),
            Arg::Int(i) => self.bind(*i),
        }
    }
}

/// Binds `args` in order (`$1`, `$2`, …).
pub fn bind<'q, B: Bind<'q>>(query: B, args: &'q [Arg]) -> B {
    args.iter().fold(query, B::bind_arg)
}

/// Collects the parameters of a statement and hands out their `$n` names.
#[derive(Default)]
pub struct Params(pub Vec<Arg>);

impl Params {
    pub fn text(&mut self, s: impl Into<String>) -> String {
        self.0.push(Arg::Text(s.into()));
        format!("${}", self.0.len())
    }

    pub fn int(&mut self, i: i64) -> String {
        self.0.push(Arg::Int(i));
        format!("${}", self.0.len())
    }

    pub fn next_index(&self) -> usize {
        self.0.len() + 1
    }
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: String,
    slug: String,
    name: String,
    status: String,
    currency: String,
    price_min: i64,
    price_max: i64,
    compare_at: Option<i64>,
    in_stock: i64,
    image_id: Option<String>,
    image_key: Option<String>,
    image_alt: Option<String>,
    image_width: Option<i64>,
    image_height: Option<i64>,
    image_widths: Option<String>,
}

impl CardRow {
    fn into_card(self) -> ProductCard {
        let currency = Currency::parse(&self.currency).unwrap_or_default();
        let image = super::images::from_columns(
            self.image_id,
            self.image_key,
            self.image_alt,
            self.image_width,
            self.image_height,
            self.image_widths,
        );
        ProductCard {
            id: self.id,
            slug: self.slug,
            name: self.name,
            price_min: Money::new(self.price_min, currency),
            price_max: Money::new(self.price_max, currency),
            compare_at: self.compare_at.map(|c| Money::new(c, currency)),
            in_stock: self.in_stock > 0,
            image,
            status: Status::parse(&self.status).unwrap_or_default(),
        }
    }
}

const CARD_COLUMNS: &str = "p.id, p.slug, p.name, p.status, p.currency, p.price_min, p.price_max, \
    (select max(v.compare_at_price) from variants v \
       where v.product_id = p.id and v.compare_at_price > p.price_min) as compare_at, \
    cast(case when exists (select 1 from variants v where v.product_id = p.id and v.stock - v.reserved > 0) \
       then 1 else 0 end as bigint) as in_stock, \
    i.id as image_id, i.key as image_key, i.alt as image_alt, i.width as image_width, \
    i.height as image_height, i.widths as image_widths";

const FIRST_IMAGE_JOIN: &str = "left join product_images i on i.id = (select i2.id \
    from product_images i2 where i2.product_id = p.id order by i2.position, i2.id limit 1)";

/// The `from … where …` shared by the cards, the count and the facets of a listing.
struct Filter {
    from: String,
    conditions: Vec<String>,
    params: Params,
    searching: bool,
}

impl Filter {
    /// `categories` are the ids of the chosen category and all its descendants.
    fn new(backend: Backend, query: &ListingQuery, categories: Option<&[String]>) -> Self {
        let mut params = Params::default();
        let mut conditions = Vec::new();
        let mut from = "products p".to_owned();
        let mut searching = false;
        if let Some((sub, expr)) = search::matches(backend, &query.q, params.next_index()) {
            params.text(expr);
            from.push_str(&format!(" join ({sub}) s on s.product_id = p.id"));
            searching = true;
        } else if let Some((condition, needle)) =
            search::symbols_in_name(backend, &query.q, params.next_index())
        {
            // Only symbols or emoji, which no tokenizer keeps: found in the name as typed.
            params.text(needle);
            conditions.push(condition);
        }
        if let Some(status) = query.status {
            conditions.push(format!("p.status = {}", params.text(status.as_str())));
        }
        if let Some(ids) = categories {
            let list: Vec<String> = ids.iter().map(|id| params.text(id.clone())).collect();
            conditions.push(if list.is_empty() {
                "1 = 0".to_owned()
            } else {
                format!("p.category_id in ({})", list.join(", "))
            });
        }
        if query.min_price.is_some() || query.max_price.is_some() {
            let min = params.int(query.min_price.unwrap_or(0));
            let max = params.int(query.max_price.unwrap_or(i64::MAX));
            conditions.push(format!(
                "exists (select 1 from variants v where v.product_id = p.id \
                 and v.price >= {min} and v.price <= {max})"
            ));
        }
        if query.in_stock {
            conditions.push(
                "exists (select 1 from variants v where v.product_id = p.id and v.stock - v.reserved > 0)"
                    .into(),
            );
        }
        for (name, value) in &query.options {
            let name = params.text(name.to_lowercase());
            let value = params.text(value.clone());
            conditions.push(format!(
                "exists (select 1 from variants v join product_options o \
                   on o.product_id = v.product_id \
                 where v.product_id = p.id and lower(o.name) = {name} \
                   and ((o.position = 1 and v.option1 = {value}) \
                     or (o.position = 2 and v.option2 = {value}) \
                     or (o.position = 3 and v.option3 = {value})))"
            ));
        }
        Self {
            from,
            conditions,
            params,
            searching,
        }
    }

    fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" where {}", self.conditions.join(" and "))
        }
    }
}

fn order_by(sort: Sort, searching: bool) -> &'static str {
    match sort {
        Sort::Relevance if searching => "s.score desc, p.featured desc, p.id",
        Sort::Relevance => "p.featured desc, p.created_at desc, p.id",
        Sort::PriceAsc => "p.price_min asc, p.id",
        Sort::PriceDesc => "p.price_min desc, p.id",
        Sort::Newest => "p.created_at desc, p.id",
        Sort::Name => "lower(p.name) asc, p.id",
    }
}

/// One page of products matching `query`, the total, and the option values on offer.
pub async fn listing(
    db: &Db,
    query: &ListingQuery,
    categories: Option<&[String]>,
) -> Result<(Vec<ProductCard>, i64, Vec<Facet>), AppError> {
    let mut filter = Filter::new(db.backend(), query, categories);
    let where_clause = filter.where_clause();

    let count_sql = format!("select count(*) from {}{where_clause}", filter.from);
    let (total,): (i64,) = bind(sqlx::query_as(&count_sql), &filter.params.0)
        .fetch_one(db.pool())
        .await?;

    // Facets ignore the option filters themselves, so picking "M" still offers "L".
    let facet_query = ListingQuery {
        options: Vec::new(),
        ..query.clone()
    };
    let facet_filter = Filter::new(db.backend(), &facet_query, categories);
    let facet_sql = format!(
        "select o.name, f.value, count(distinct p.id) as n from {from} \
         join product_options o on o.product_id = p.id \
         join (select product_id, 1 as position, option1 as value from variants \
               union all select product_id, 2, option2 from variants \
               union all select product_id, 3, option3 from variants) f \
           on f.product_id = p.id and f.position = o.position and f.value is not null\
         {where_clause} group by o.name, f.value order by o.name, f.value limit 200",
        from = facet_filter.from,
        where_clause = facet_filter.where_clause(),
    );
    let facets: Vec<(String, String, i64)> =
        bind(sqlx::query_as(&facet_sql), &facet_filter.params.0)
            .fetch_all(db.pool())
            .await?;

    let limit = filter.params.int(i64::from(query.limit));
    let offset = filter.params.int(query.offset());
    let cards_sql = format!(
        "select {CARD_COLUMNS} from {from} {FIRST_IMAGE_JOIN}{where_clause} \
         order by {order} limit {limit} offset {offset}",
        from = filter.from,
        order = order_by(query.sort, filter.searching),
    );
    let rows: Vec<CardRow> = bind(sqlx::query_as(&cards_sql), &filter.params.0)
        .fetch_all(db.pool())
        .await?;
    Ok((
        rows.into_iter().map(CardRow::into_card).collect(),
        total,
        facets
            .into_iter()
            .map(|(name, value, count)| Facet { name, value, count })
            .collect(),
    ))
}

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
        summary: super::markdown::plain_text(&row.description),
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
            .map(|i| super::images::view(i.id, &i.key, i.alt, i.width, i.height, &i.widths))
            .collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }))
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
