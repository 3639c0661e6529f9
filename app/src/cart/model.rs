//! Cart types shared by the pages and the server, and the one quantity rule both apply.

use crate::catalog::model::Image;

use crate::platform::money::Money;
use serde::{Deserialize, Serialize};

/// Most units of one variant in a cart.
pub const MAX_QUANTITY: i64 = 99;
/// Most distinct lines in a cart.
pub const MAX_LINES: i64 = 100;

/// Reads a quantity as typed: a whole number from 1 to [`MAX_QUANTITY`] (0 where
/// `allow_zero`, meaning "remove"). Negative, fractional, huge and non-numeric values are
/// refused with a message that says what is accepted.
pub fn parse_quantity(raw: &str, allow_zero: bool) -> Result<i64, String> {
    let raw = raw.trim();
    let low = i64::from(!allow_zero);
    let message = || format!("enter a whole number from {low} to {MAX_QUANTITY}");
    if raw.is_empty() || !raw.chars().all(|c| c.is_ascii_digit()) || raw.len() > 6 {
        return Err(message());
    }
    match raw.parse::<i64>() {
        Ok(n) if (low..=MAX_QUANTITY).contains(&n) => Ok(n),
        _ => Err(message()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CartLine {
    pub variant_id: String,
    pub product_slug: String,
    pub product_name: String,
    pub variant_title: String,
    pub sku: String,
    pub image: Option<Image>,
    pub unit_price: Money,
    pub compare_at: Option<Money>,
    pub quantity: i64,
    pub line_total: Money,
    /// Units that can still be bought.
    pub available: i64,
    pub weight_grams: i64,
    /// Why this line cannot be checked out as it is ("Only 2 left"), if so.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Cart {
    pub lines: Vec<CartLine>,
    /// Units in the cart (the header's badge).
    pub count: i64,
    pub subtotal: Money,
}

impl Cart {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn has_problems(&self) -> bool {
        self.lines.iter().any(|l| l.problem.is_some())
    }

    pub fn weight_grams(&self) -> i64 {
        self.lines.iter().fold(0i64, |sum, l| {
            sum.saturating_add(l.weight_grams.saturating_mul(l.quantity))
        })
    }
}

/// What the header shows: units and subtotal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CartSummary {
    pub count: i64,
    pub subtotal: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_whole_numbers_within_bounds() {
        assert_eq!(parse_quantity("1", false), Ok(1));
        assert_eq!(parse_quantity(" 99 ", false), Ok(99));
        assert_eq!(parse_quantity("0", true), Ok(0));
        for bad in [
            "0",
            "-1",
            "1.5",
            "1e3",
            "100",
            "99999999999999999999",
            "two",
            "",
            "+3",
            "0x10",
        ] {
            assert!(parse_quantity(bad, false).is_err(), "{bad:?} accepted");
        }
        assert!(parse_quantity("-0", true).is_err());
    }
}
