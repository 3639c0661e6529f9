//! `pagination` of the API envelope (DESIGN.md) and of every paged list: page, limit, totals.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pagination {
    pub page: u32,
    pub limit: u32,
    pub total_items: i64,
    pub total_pages: i64,
    pub has_next: bool,
    pub has_prev: bool,
}

impl Pagination {
    pub fn new(page: u32, limit: u32, total_items: i64) -> Self {
        let total_pages = (total_items + i64::from(limit) - 1) / i64::from(limit.max(1));
        Self {
            page,
            limit,
            total_items,
            total_pages,
            has_next: i64::from(page) < total_pages,
            has_prev: page > 1,
        }
    }
}

/// The REST API's list parameters (the specification's §3.7): `page` (from 1), `limit`
/// (1–100), `sort` (one of the list's fields) and `order` (`asc`/`desc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListParams {
    pub page: u32,
    /// 0: the list's default.
    pub limit: u32,
    /// "": the list's default.
    pub sort: &'static str,
    pub ascending: bool,
}

#[cfg(feature = "ssr")]
impl ListParams {
    /// Takes `key=value` if it is one of the four (`sorts`: the fields the list sorts
    /// by); `Ok(false)` for any other key.
    pub fn take(
        &mut self,
        key: &str,
        value: &str,
        sorts: &[&'static str],
    ) -> Result<bool, crate::platform::error::AppError> {
        use crate::platform::error::AppError;
        match key {
            "page" => self.page = crate::platform::text::parse_page(value)?,
            "limit" => {
                self.limit = value
                    .parse()
                    .ok()
                    .filter(|l| (1..=100).contains(l))
                    .ok_or_else(|| AppError::validation("limit", "limit must be from 1 to 100"))?;
            }
            "sort" => {
                self.sort = sorts
                    .iter()
                    .find(|s| **s == value)
                    .copied()
                    .ok_or_else(|| {
                        AppError::validation(
                            "sort",
                            format!("sort by one of: {}", sorts.join(", ")),
                        )
                    })?;
            }
            "order" => {
                self.ascending = match value {
                    "asc" => true,
                    "desc" => false,
                    _ => return Err(AppError::validation("order", "order is asc or desc")),
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `order by` for `column` (an SQL expression chosen by the list, never the request).
    pub fn direction(&self) -> &'static str {
        if self.ascending {
            "asc"
        } else {
            "desc"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pagination;

    #[test]
    fn pagination_edges() {
        let p = Pagination::new(1, 24, 0);
        assert_eq!((p.total_pages, p.has_next, p.has_prev), (0, false, false));
        let p = Pagination::new(2, 24, 48);
        assert_eq!((p.total_pages, p.has_next, p.has_prev), (2, false, true));
        let p = Pagination::new(1, 24, 25);
        assert_eq!((p.total_pages, p.has_next), (2, true));
    }
}
