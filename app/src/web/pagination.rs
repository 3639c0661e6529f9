//! `pagination` of the API envelope (DESIGN.md) and of every paged list: page, limit, totals.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
