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
}

const DAY: i64 = 24 * 3600 * 1000;

impl CustomerFilter {
    pub fn from_query(raw: &str) -> Result<Self, AppError> {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        let yes_no = |v: &str, field: &str| match v {
            "yes" | "1" | "true" => Ok(true),
            "no" | "0" | "false" => Ok(false),
            _ => Err(AppError::validation(field, "choose yes or no")),
        };
        let money = |v: &str, field: &str| {
            Money::parse_decimal(v)
                .ok_or_else(|| AppError::validation(field, "enter an amount such as 25 or 19.99"))
        };
        for (key, value) in url::form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "q" => f.q = value.chars().take(100).collect(),
                "ordered" => f.ordered = Some(yes_no(value, "ordered")?),
                "verified" => f.verified = Some(yes_no(value, "verified")?),
                "guests" => f.guests = yes_no(value, "guests")?,
                "status" => {
                    f.active = Some(match value {
                        "active" => true,
                        "deactivated" => false,
                        _ => {
                            return Err(AppError::validation(
                                "status",
                                "choose active or deactivated",
                            ))
                        }
                    })
                }
                "min" => f.min_spent = Some(money(value, "min")?),
                "max" => f.max_spent = Some(money(value, "max")?),
                "last_from" => f.last_from = Some(parse_day(value, "last_from")?),
                "last_to" => f.last_to = Some(parse_day(value, "last_to")? + DAY),
                "joined_from" => f.joined_from = Some(parse_day(value, "joined_from")?),
                "joined_to" => f.joined_to = Some(parse_day(value, "joined_to")? + DAY),
                "sort" => {
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
                    }
                }
                "page" => f.page = parse_page(value)?,
                _ => {}
            }
        }
        if let (Some(min), Some(max)) = (f.min_spent, f.max_spent) {
            if min > max {
                return Err(AppError::validation(
                    "max",
                    "the highest amount is below the lowest",
                ));
            }
        }
        Ok(f)
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

    pub fn order_by(&self) -> &'static str {
        match self.sort {
            Sort::Newest => "c.created_at desc, c.id",
            Sort::Spent => "c.spent desc, c.id",
            Sort::Orders => "c.orders desc, c.id",
            Sort::LastOrder => "coalesce(c.last_order, 0) desc, c.id",
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
}
