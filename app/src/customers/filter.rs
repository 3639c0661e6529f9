//! What the customer list filters and sorts by, read from the page's query string:
//! `q` (name or email), `ordered` (yes / no), `min` / `max` spent, `last_from` / `last_to`
//! (last order), `verified` (yes / no), `status` (active / deactivated), `joined_from` /
//! `joined_to`, `sort` (spent, orders, last_order, newest), `page`; `guests=1` lists the
//! guests who ordered without an account, grouped by email.

use crate::platform::db::params::Arg;
use crate::platform::error::AppError;
use crate::platform::money::Money;
use crate::platform::text::{parse_day, parse_page};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Spent,
    Orders,
    LastOrder,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    pub q: String,
    pub ordered: Option<bool>,
    pub min_spent: Option<i64>,
    pub max_spent: Option<i64>,
    pub last_from: Option<i64>,
    pub last_to: Option<i64>,
    pub verified: Option<bool>,
    pub active: Option<bool>,
    pub joined_from: Option<i64>,
    pub joined_to: Option<i64>,
    pub sort: Sort,
    pub guests: bool,
    pub page: u32,
    /// Rows per page; 0: [`PAGE_SIZE`](super::model::PAGE_SIZE).
    pub limit: u32,
    /// Smallest first (the API's `order=asc`); the pages list largest first.
    pub ascending: bool,
}

const DAY: i64 = 24 * 3600 * 1000;

impl CustomerFilter {
    pub fn from_query(raw: &str) -> Result<Self, AppError> {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        for (key, value) in url::form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if key == "page" {
                f.page = parse_page(value)?;
            } else if key == "sort" {
                f.sort = match value {
                    "newest" => Sort::Newest,
                    "spent" => Sort::Spent,
                    "orders" => Sort::Orders,
                    "last_order" => Sort::LastOrder,
                    _ => {
                        return Err(AppError::validation(
                            "sort",
                            "sort by newest, spent, orders or last_order",
                        ))
                    }
                };
            } else {
                f.take(&key, &key, value)?;
            }
        }
        f.check("max")?;
        Ok(f)
    }

    /// The REST API's query (`/api/v1/customers`): the specification's names — `search`,
    /// `status`, `verified`, `ordered`, `min_spent`, `max_spent`, `created_after`,
    /// `created_before`, `last_order_after`, `last_order_before` — with `page`, `limit`,
    /// `sort` (created_at, spent, orders, last_order) and `order`; an unknown parameter
    /// is a 400 naming it.
    pub fn from_api_query(raw: &str) -> Result<Self, AppError> {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        let mut list = crate::web::pagination::ListParams::default();
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            if value.is_empty()
                || list.take(
                    &key,
                    value,
                    &["created_at", "spent", "orders", "last_order"],
                )?
            {
                continue;
            }
            if key == "search" && value.chars().count() > 100 {
                return Err(AppError::validation("search", "use at most 100 characters"));
            }
            if matches!(key.as_ref(), "verified" | "ordered") && !matches!(value, "true" | "false")
            {
                return Err(AppError::validation(key.as_ref(), "true or false"));
            }
            let canonical = match key.as_ref() {
                "search" => "q",
                "min_spent" => "min",
                "max_spent" => "max",
                "created_after" => "joined_from",
                "created_before" => "joined_to",
                "last_order_after" => "last_from",
                "last_order_before" => "last_to",
                "status" | "verified" | "ordered" => key.as_ref(),
                _ => "",
            };
            if !f.take(canonical, &key, value)? {
                return Err(AppError::validation(
                    key.as_ref(),
                    format!("“{key}” is not a parameter of this list"),
                ));
            }
        }
        f.page = list.page.max(1);
        f.limit = list.limit;
        f.ascending = list.ascending;
        f.sort = match list.sort {
            "spent" => Sort::Spent,
            "orders" => Sort::Orders,
            "last_order" => Sort::LastOrder,
            _ => Sort::Newest,
        };
        f.check("max_spent")?;
        Ok(f)
    }

    /// Takes one filter of the page's query (`key`), reporting a bad value against
    /// `field` (the API's name for it); `Ok(false)` if `key` is no filter.
    pub fn take(&mut self, key: &str, field: &str, value: &str) -> Result<bool, AppError> {
        let yes_no = |v: &str| match v {
            "yes" | "1" | "true" => Ok(true),
            "no" | "0" | "false" => Ok(false),
            _ => Err(AppError::validation(field, "choose yes or no")),
        };
        let money = |v: &str| {
            Money::parse_decimal(v)
                .ok_or_else(|| AppError::validation(field, "enter an amount such as 25 or 19.99"))
        };
        match key {
            "q" => self.q = value.chars().take(100).collect(),
            "ordered" => self.ordered = Some(yes_no(value)?),
            "verified" => self.verified = Some(yes_no(value)?),
            "guests" => self.guests = yes_no(value)?,
            "status" => {
                self.active = Some(match value {
                    "active" => true,
                    "deactivated" => false,
                    _ => return Err(AppError::validation(field, "choose active or deactivated")),
                })
            }
            "min" => self.min_spent = Some(money(value)?),
            "max" => self.max_spent = Some(money(value)?),
            "last_from" => self.last_from = Some(parse_day(value, field)?),
            "last_to" => self.last_to = Some(parse_day(value, field)? + DAY),
            "joined_from" => self.joined_from = Some(parse_day(value, field)?),
            "joined_to" => self.joined_to = Some(parse_day(value, field)? + DAY),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The rules across filters (`max`: the highest amount's name, for the error).
    fn check(&self, max: &str) -> Result<(), AppError> {
        if let (Some(low), Some(high)) = (self.min_spent, self.max_spent) {
            if low > high {
                return Err(AppError::validation(
                    max,
                    "the highest amount is below the lowest",
                ));
            }
        }
        Ok(())
    }

    /// The WHERE conditions over the list's row source (`c`: id, email, full_name,
    /// status, verified_at, created_at, orders, spent, last_order) and their arguments.
    pub fn conditions(&self) -> (String, Vec<Arg>) {
        let mut c = Vec::new();
        let mut a = Vec::new();
        let mut push = |sql: &str, arg: Option<Arg>| match arg {
            Some(arg) => {
                a.push(arg);
                c.push(sql.replace('?', &format!("${}", a.len())));
            }
            None => c.push(sql.to_owned()),
        };
        let q = self.q.to_lowercase().replace(['%', '_'], "");
        if !q.is_empty() {
            // One argument used twice: `$n` may repeat on both engines.
            push(
                "(lower(c.email) like ? or lower(c.full_name) like ?)",
                Some(Arg::Text(format!("%{q}%"))),
            );
        }
        match self.ordered {
            Some(true) => push("c.orders > 0", None),
            Some(false) => push("c.orders = 0", None),
            None => {}
        }
        if let Some(min) = self.min_spent {
            push("c.spent >= ?", Some(Arg::Int(min)));
        }
        if let Some(max) = self.max_spent {
            push("c.spent <= ?", Some(Arg::Int(max)));
        }
        if let Some(from) = self.last_from {
            push("c.last_order >= ?", Some(Arg::Int(from)));
        }
        if let Some(to) = self.last_to {
            push("c.last_order < ?", Some(Arg::Int(to)));
        }
        match self.verified {
            Some(true) => push("c.verified_at is not null", None),
            Some(false) => push("c.verified_at is null", None),
            None => {}
        }
        match self.active {
            Some(true) => push("c.status = 'active'", None),
            Some(false) => push("c.status = 'deactivated'", None),
            None => {}
        }
        if let Some(from) = self.joined_from {
            push("c.created_at >= ?", Some(Arg::Int(from)));
        }
        if let Some(to) = self.joined_to {
            push("c.created_at < ?", Some(Arg::Int(to)));
        }
        let where_ = if c.is_empty() {
            String::new()
        } else {
            format!(" where {}", c.join(" and "))
        };
        (where_, a)
    }

    pub fn order_by(&self) -> String {
        let column = match self.sort {
            Sort::Newest => "c.created_at",
            Sort::Spent => "c.spent",
            Sort::Orders => "c.orders",
            Sort::LastOrder => "coalesce(c.last_order, 0)",
        };
        let direction = if self.ascending { "asc" } else { "desc" };
        format!("{column} {direction}, c.id")
    }

    /// Rows per page.
    pub fn page_size(&self) -> u32 {
        if self.limit == 0 {
            super::model::PAGE_SIZE
        } else {
            self.limit
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_reads_back_as_a_filter_and_bad_values_are_named() {
        let f = CustomerFilter::from_query("q=Ada&ordered=yes&min=10&max=99.50&sort=spent&page=2")
            .expect("filter");
        assert_eq!(f.q, "Ada");
        assert_eq!(f.ordered, Some(true));
        assert_eq!((f.min_spent, f.max_spent), (Some(1000), Some(9950)));
        assert_eq!((f.sort, f.page), (Sort::Spent, 2));
        let (where_, args) = f.conditions();
        assert!(where_.contains("lower(c.full_name) like $1"), "{where_}");
        assert_eq!(args.len(), 3);
        for (bad, field) in [
            ("sort=cheap", "sort"),
            ("min=lots", "min"),
            ("min=9&max=1", "max"),
            ("status=gone", "status"),
            ("joined_from=monday", "joined_from"),
        ] {
            match CustomerFilter::from_query(bad) {
                Err(AppError::Validation { field: f, .. }) => {
                    assert_eq!(f.as_deref(), Some(field), "{bad}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_api_query_takes_the_specification_names_and_refuses_the_others() {
        let f = CustomerFilter::from_api_query(
            "search=Ada&created_after=2026-01-02&min_spent=10&sort=spent&order=asc&limit=5&page=3",
        )
        .expect("filter");
        assert_eq!(f.q, "Ada");
        assert!(f.joined_from.is_some());
        assert_eq!(f.min_spent, Some(1000));
        assert_eq!(
            (f.sort, f.ascending, f.page_size(), f.page),
            (Sort::Spent, true, 5, 3)
        );
        assert_eq!(f.order_by(), "c.spent asc, c.id");
        for (bad, field) in [
            ("q=Ada", "q"),
            ("guests=yes", "guests"),
            ("created_after=monday", "created_after"),
            ("min_spent=9&max_spent=1", "max_spent"),
            ("sort=email", "sort"),
            ("limit=101", "limit"),
            ("verified=maybe", "verified"),
            ("ordered=yes", "ordered"),
        ] {
            match CustomerFilter::from_api_query(bad) {
                Err(AppError::Validation { field: f, .. }) => {
                    assert_eq!(f.as_deref(), Some(field), "{bad}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
