//! A listing page's reads. A page costs three statements whatever its size (cards, count,
//! option facets): every per-product detail a card shows (first image, compare-at price,
//! stock) is a sub-select of the one card query, never a query per card.

use crate::catalog::model::*;
use crate::catalog::query::ListingQuery;
use crate::catalog::query::Sort;
use crate::platform::db::params::{bind, Params};
use crate::platform::db::{search, Backend, Db};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};

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
        let image = crate::catalog::images::from_columns(
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
