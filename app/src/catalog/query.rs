//! The query a listing answers: filters, sort and page, parsed from the URL's query string
//! (every bad value named) and written back to it, so a listing's URL is its state.

use super::model::Status;
use crate::platform::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Sort {
    /// Best match first when searching; otherwise featured, then newest.
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Newest,
        Sort::Name,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "relevance" | "" => Self::Relevance,
            "price" | "price-asc" => Self::PriceAsc,
            "-price" | "price-desc" => Self::PriceDesc,
            "newest" => Self::Newest,
            "name" => Self::Name,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::PriceAsc => "price-asc",
            Self::PriceDesc => "price-desc",
            Self::Newest => "newest",
            Self::Name => "name",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Relevance => "Featured",
            Self::PriceAsc => "Price: low to high",
            Self::PriceDesc => "Price: high to low",
            Self::Newest => "Newest",
            Self::Name => "Name",
        }
    }
}

pub const DEFAULT_LIMIT: u32 = 24;
pub const MAX_LIMIT: u32 = 100;

/// What a listing shows: the storefront's `/products`, `/categories/:slug` and `/search`,
/// the API's `GET /api/v1/products`, and the staff list (which may see every status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ListingQuery {
    pub q: String,
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
    /// `(option name, value)` pairs; a product matches when it has a variant with each.
    pub options: Vec<(String, String)>,
    pub sort: Sort,
    pub page: u32,
    pub limit: u32,
    /// Staff only: `None` = every status. Shoppers always get `Active`.
    pub status: Option<Status>,
}

/// A query parameter that did not make sense, in words for the page or the envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub field: &'static str,
    pub message: String,
}

impl ListingQuery {
    /// Reads URL parameters: `q`, `category`, `min`, `max` (decimal money), `in_stock`,
    /// `o` (repeated, `Name:Value`), `sort`, `page` (from 1), `limit` (1–100), `status`.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, QueryError> {
        let bad = |field: &'static str, message: &str| QueryError {
            field,
            message: message.to_owned(),
        };
        let mut query = ListingQuery {
            page: 1,
            limit: DEFAULT_LIMIT,
            ..Default::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "q" => query.q = value.chars().take(200).collect(),
                "category" if !value.is_empty() => query.category = Some(value.to_owned()),
                "min" if !value.is_empty() => {
                    query.min_price = Some(
                        Money::parse_decimal(value)
                            .ok_or_else(|| bad("min", "the minimum price must be a number"))?,
                    )
                }
                "max" if !value.is_empty() => {
                    query.max_price = Some(
                        Money::parse_decimal(value)
                            .ok_or_else(|| bad("max", "the maximum price must be a number"))?,
                    )
                }
                "in_stock" => {
                    query.in_stock = match value {
                        "1" | "true" | "on" | "yes" => true,
                        "" | "0" | "false" | "off" | "no" => false,
                        _ => return Err(bad("in_stock", "in_stock is true or false")),
                    }
                }
                "o" => {
                    if let Some((name, v)) = value.split_once(':') {
                        if !name.trim().is_empty() && !v.trim().is_empty() {
                            query
                                .options
                                .push((name.trim().to_owned(), v.trim().to_owned()));
                        }
                    }
                }
                "sort" => {
                    query.sort =
                        Sort::parse(value).ok_or_else(|| bad("sort", "unknown sort order"))?
                }
                "page" if !value.is_empty() => {
                    query.page = value
                        .parse()
                        .ok()
                        .filter(|p| (1..=100_000).contains(p))
                        .ok_or_else(|| {
                            bad("page", "the page must be a whole number from 1 to 100,000")
                        })?
                }
                "limit" if !value.is_empty() => {
                    query.limit = value
                        .parse()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| bad("limit", "the limit must be between 1 and 100"))?
                }
                "status" if !value.is_empty() && value != "all" => {
                    query.status =
                        Some(Status::parse(value).ok_or_else(|| bad("status", "unknown status"))?)
                }
                _ => {}
            }
        }
        if query.options.len() > 10 {
            return Err(bad("o", "at most 10 option filters"));
        }
        if let (Some(min), Some(max)) = (query.min_price, query.max_price) {
            if min > max {
                return Err(bad("min", "the minimum price is above the maximum"));
            }
        }
        Ok(query)
    }

    /// The URL query string of this listing at `page` (stable: the same listing always
    /// gets the same URL). Default values are left out.
    pub fn to_query_string(&self, page: u32) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if !self.q.is_empty() {
            parts.push(("q".into(), self.q.clone()));
        }
        if let Some(c) = &self.category {
            parts.push(("category".into(), c.clone()));
        }
        if let Some(m) = self.min_price {
            parts.push(("min".into(), Money::new(m, Currency::USD).decimal()));
        }
        if let Some(m) = self.max_price {
            parts.push(("max".into(), Money::new(m, Currency::USD).decimal()));
        }
        if self.in_stock {
            parts.push(("in_stock".into(), "1".into()));
        }
        for (name, value) in &self.options {
            parts.push(("o".into(), format!("{name}:{value}")));
        }
        if self.sort != Sort::Relevance {
            parts.push(("sort".into(), self.sort.as_str().into()));
        }
        if let Some(s) = self.status {
            parts.push(("status".into(), s.as_str().into()));
        }
        if page > 1 {
            parts.push(("page".into(), page.to_string()));
        }
        if self.limit != DEFAULT_LIMIT {
            parts.push(("limit".into(), self.limit.to_string()));
        }
        parts
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.limit)
    }

    pub fn has_filters(&self) -> bool {
        self.min_price.is_some()
            || self.max_price.is_some()
            || self.in_stock
            || !self.options.is_empty()
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_queries_round_trip_through_the_url() {
        let q = ListingQuery::from_pairs([
            ("q", "linen shirt"),
            ("min", "10"),
            ("max", "99.5"),
            ("in_stock", "1"),
            ("o", "Size:M"),
            ("sort", "price-desc"),
            ("page", "3"),
            ("limit", "12"),
        ])
        .expect("valid");
        assert_eq!(q.min_price, Some(1000));
        assert_eq!(q.options, vec![("Size".to_owned(), "M".to_owned())]);
        let url = q.to_query_string(3);
        assert_eq!(
            url,
            "q=linen%20shirt&min=10.00&max=99.50&in_stock=1&o=Size%3AM&sort=price-desc&page=3&limit=12"
        );
        let pairs: Vec<(String, String)> = url
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').expect("pair");
                (k.to_owned(), v.replace("%20", " ").replace("%3A", ":"))
            })
            .collect();
        let again = ListingQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .expect("valid");
        assert_eq!(again, q);
    }

    #[test]
    fn bad_listing_parameters_are_named() {
        let err = |pairs: &[(&str, &str)]| {
            ListingQuery::from_pairs(pairs.iter().copied())
                .expect_err("invalid")
                .field
        };
        assert_eq!(err(&[("limit", "101")]), "limit");
        assert_eq!(err(&[("limit", "0")]), "limit");
        assert_eq!(err(&[("page", "0")]), "page");
        assert_eq!(err(&[("page", "x")]), "page");
        assert_eq!(err(&[("sort", "cheapest")]), "sort");
        assert_eq!(err(&[("min", "ten")]), "min");
        assert_eq!(err(&[("min", "20"), ("max", "10")]), "min");
    }
}
