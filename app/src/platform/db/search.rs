//! Full-text search: the one place where the two engines need different SQL.
//!
//! SQLite keeps a separate FTS5 table (`product_search`), PostgreSQL a weighted `tsvector`
//! column on `products` with a GIN index. Both are written by [`index_product`] in the
//! transaction that saves a product, and queried through [`matches`], which yields
//! `(product_id, score)` rows where a higher score is a better match. Text is folded (lower
//! case, common accents removed) here, before either engine sees it, so "Café" and "cafe"
//! find each other on both, and every query word matches as a prefix ("shir" finds
//! "shirts"). Weights: name and SKUs first, then the category, then the description.

use super::dialect::Backend;
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;

/// The words of a search box, folded, at most 8 of them.
pub fn terms(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(40).collect())
        .take(8)
        .collect()
}

/// Lower case with common Latin accents removed.
pub fn fold(text: &str) -> String {
    crate::platform::text::fold_accents(&text.to_lowercase())
}

/// The searchable text of one product.
pub struct Document<'a> {
    pub name: &'a str,
    pub skus: &'a str,
    pub category: &'a str,
    pub body: &'a str,
}

/// Writes (or rewrites) the search entry of a product.
pub async fn index_product(
    conn: &mut AnyConnection,
    backend: Backend,
    product_id: &str,
    doc: &Document<'_>,
) -> Result<(), AppError> {
    let (name, skus, category, body) = (
        fold(doc.name),
        fold(doc.skus),
        fold(doc.category),
        fold(doc.body),
    );
    match backend {
        Backend::Sqlite => {
            remove_product(conn, backend, product_id).await?;
            sqlx::query(
                "insert into product_search (product_id, name, skus, category, body) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(product_id)
            .bind(name)
            .bind(skus)
            .bind(category)
            .bind(body)
            .execute(&mut *conn)
            .await?;
        }
        Backend::Postgres => {
            sqlx::query(
                "update products set search = \
                   setweight(to_tsvector('simple', $2), 'A') \
                   || setweight(to_tsvector('simple', $3), 'A') \
                   || setweight(to_tsvector('simple', $4), 'B') \
                   || setweight(to_tsvector('simple', $5), 'D') \
                 where id = $1",
            )
            .bind(product_id)
            .bind(name)
            .bind(skus)
            .bind(category)
            .bind(body)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Removes a product's entry (PostgreSQL's goes with the row itself).
pub async fn remove_product(
    conn: &mut AnyConnection,
    backend: Backend,
    product_id: &str,
) -> Result<(), AppError> {
    if backend == Backend::Sqlite {
        sqlx::query("delete from product_search where product_id = $1")
            .bind(product_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A sub-query of `(product_id, score)` for the products matching every term, with the
/// match expression bound at `$param`; `None` when the text has no searchable word.
pub fn matches(backend: Backend, q: &str, param: usize) -> Option<(String, String)> {
    let terms = terms(q);
    if terms.is_empty() {
        return None;
    }
    Some(match backend {
        Backend::Sqlite => (
            // bm25 is lower for better matches; weights follow the column order.
            format!(
                "select product_id, -bm25(product_search, 0.0, 10.0, 10.0, 4.0, 1.0) as score \
                 from product_search where product_search match ${param}"
            ),
            terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Backend::Postgres => (
            format!(
                "select id as product_id, \
                   cast(ts_rank('{{0.1, 0.2, 0.4, 1.0}}', search, to_tsquery('simple', ${param})) \
                   as double precision) as score \
                 from products where search @@ to_tsquery('simple', ${param})"
            ),
            terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        ),
    })
}

/// For a search of symbols only (emoji, "★"), which both engines' tokenizers drop: a
/// condition that finds them in the product name as typed, with the text bound at
/// `$param`; `None` for an empty search.
pub fn symbols_in_name(backend: Backend, q: &str, param: usize) -> Option<(String, String)> {
    let needle: String = q.trim().chars().take(40).collect();
    if needle.is_empty() {
        return None;
    }
    Some(match backend {
        Backend::Sqlite => (format!("instr(p.name, ${param}) > 0"), needle),
        Backend::Postgres => (format!("strpos(p.name, ${param}) > 0"), needle),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_folded_words() {
        assert_eq!(terms("Café  CRÈME!"), vec!["cafe", "creme"]);
        assert_eq!(terms("AB-12"), vec!["ab", "12"]);
        assert_eq!(terms("🎉 \" OR 1=1 --"), vec!["or", "1", "1"]);
        assert!(terms("🎉🎉 ***").is_empty());
        assert_eq!(terms("日本 茶"), vec!["日本", "茶"]);
    }

    #[test]
    fn a_search_of_symbols_only_looks_in_the_name() {
        let (sql, needle) = symbols_in_name(Backend::Postgres, " 🎉 ", 3).expect("symbols");
        assert_eq!(
            (sql.as_str(), needle.as_str()),
            ("strpos(p.name, $3) > 0", "🎉")
        );
        assert!(symbols_in_name(Backend::Sqlite, "   ", 1).is_none());
    }

    #[test]
    fn match_expressions_cannot_inject_syntax() {
        let (_, sqlite) = matches(Backend::Sqlite, "a\"b* NEAR(c)", 1).expect("terms");
        assert_eq!(sqlite, "\"a\"* \"b\"* \"near\"* \"c\"*");
        let (_, pg) = matches(Backend::Postgres, "x & !y | z:*", 1).expect("terms");
        assert_eq!(pg, "x:* & y:* & z:*");
    }
}
