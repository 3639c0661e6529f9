//! The arithmetic of a checkout's totals, in integer minor units. One function, used for
//! the review page, for the amount charged and for the order, so they cannot disagree.

use serde::{Deserialize, Serialize};

/// A shipping rate as configured by staff: base amount plus an amount per started
/// kilogram (0 for a flat rate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRate {
    pub id: String,
    pub name: String,
    /// ISO country code, or `*` for every country without its own rates.
    pub country: String,
    pub base_amount: i64,
    pub per_kg: i64,
}

impl ShippingRate {
    pub fn price(&self, weight_grams: i64) -> i64 {
        let kilos = (weight_grams.max(0) + 999) / 1000;
        self.base_amount
            .saturating_add(self.per_kg.saturating_mul(kilos))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub id: String,
    pub name: String,
    pub country: String,
    /// Empty: the whole country.
    pub region: String,
    /// Basis points: 2000 = 20 %.
    pub rate_bp: i64,
    /// Prices already include the tax (shown as "incl."), else it is added.
    pub inclusive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountKind {
    /// `value` is a whole percentage, 1–100.
    Percent,
    /// `value` is minor units off the subtotal.
    Fixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    pub subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub tax: i64,
    pub total: i64,
    pub tax_inclusive: bool,
}

/// Rounds `a × b / c` half up, for non-negative values.
fn mul_div(a: i64, b: i64, c: i64) -> i64 {
    if c == 0 {
        return 0;
    }
    let (a, b, c) = (i128::from(a), i128::from(b), i128::from(c));
    i64::try_from((a * b * 2 + c) / (c * 2)).unwrap_or(i64::MAX)
}

/// Totals of a cart: the discount comes off the goods only, tax applies to the
/// discounted goods plus shipping (either contained in them or added on top).
pub fn totals(
    subtotal: i64,
    discount: Option<(DiscountKind, i64)>,
    shipping: i64,
    tax: Option<(i64, bool)>,
) -> Totals {
    let subtotal = subtotal.max(0);
    let discount = match discount {
        Some((DiscountKind::Percent, pct)) => mul_div(subtotal, pct.clamp(0, 100), 100),
        Some((DiscountKind::Fixed, amount)) => amount.clamp(0, subtotal),
        None => 0,
    };
    let shipping = shipping.max(0);
    let taxable = subtotal - discount + shipping;
    let (tax, inclusive) = match tax {
        Some((bp, true)) => (taxable - mul_div(taxable, 10_000, 10_000 + bp.max(0)), true),
        Some((bp, false)) => (mul_div(taxable, bp.max(0), 10_000), false),
        None => (0, false),
    };
    Totals {
        subtotal,
        discount,
        shipping,
        tax,
        total: if inclusive { taxable } else { taxable + tax },
        tax_inclusive: inclusive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_tax_is_added_to_discounted_goods_and_shipping() {
        // 100.00 − 10 % = 90.00, + 5.00 shipping = 95.00, + 8.25 % = 7.84 (7.8375 rounded)
        let t = totals(
            10_000,
            Some((DiscountKind::Percent, 10)),
            500,
            Some((825, false)),
        );
        assert_eq!((t.discount, t.tax, t.total), (1_000, 784, 10_284));
    }

    #[test]
    fn inclusive_tax_is_contained_in_the_total() {
        // 120.00 incl. 20 % VAT contains 20.00
        let t = totals(12_000, None, 0, Some((2_000, true)));
        assert_eq!((t.tax, t.total, t.tax_inclusive), (2_000, 12_000, true));
    }

    #[test]
    fn a_fixed_discount_never_exceeds_the_goods() {
        let t = totals(1_500, Some((DiscountKind::Fixed, 5_000)), 700, None);
        assert_eq!((t.discount, t.total), (1_500, 700));
    }

    #[test]
    fn weight_rates_charge_per_started_kilogram() {
        let rate = ShippingRate {
            id: "r".into(),
            name: "Parcel".into(),
            country: "US".into(),
            base_amount: 500,
            per_kg: 200,
        };
        assert_eq!(rate.price(0), 500);
        assert_eq!(rate.price(1), 700);
        assert_eq!(rate.price(1000), 700);
        assert_eq!(rate.price(1001), 900);
    }
}
