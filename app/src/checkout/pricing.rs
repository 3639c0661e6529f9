//! The arithmetic of a checkout's totals, in integer minor units. One function, used for
//! the review page, for the amount charged and for the order, so they cannot disagree.

use serde::{Deserialize, Serialize};

/// A shipping rate as configured by staff: base amount plus an amount per started
/// kilogram (0 for a flat rate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShippingRate {
    pub id: String,
    pub name: String,
    /// ISO country code, or `*` for every country without its own rates.
    pub country: String,
    pub base_amount: i64,
    pub per_kg: i64,
    /// Switched off rates are kept (and editable) but not offered.
    pub active: bool,
    /// For the edit form's conflict check (`updated_at`).
    pub version: i64,
}

impl ShippingRate {
    pub fn price(&self, weight_grams: i64) -> i64 {
        let kilos = (weight_grams.max(0) + 999) / 1000;
        self.base_amount
            .saturating_add(self.per_kg.saturating_mul(kilos))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaxRate {
    pub id: String,
    pub name: String,
    pub country: String,
    /// Empty: the whole country.
    pub region: String,
    /// Parts per million: 200000 = 20 %, 88750 = 8.875 %.
    pub rate_ppm: i64,
    /// Prices already include the tax (shown as "incl."), else it is added.
    pub inclusive: bool,
    /// Switched off rates are kept (and editable) but not charged.
    pub active: bool,
    /// For the edit form's conflict check (`updated_at`).
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum DiscountKind {
    #[default]
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

/// The most one payment may be: 999,999.99 (Stripe's limit for two-decimal currencies).
pub const MAX_CHARGE: i64 = 99_999_999;

/// One million: a tax rate's parts per million for 100 %.
const PPM: i64 = 1_000_000;

/// Rounds `a × b / c` half up, for non-negative values, in 128 bits (no overflow).
fn mul_div(a: i64, b: i64, c: i64) -> i64 {
    if c == 0 {
        return 0;
    }
    let (a, b, c) = (i128::from(a), i128::from(b), i128::from(c));
    i64::try_from((a * b * 2 + c) / (c * 2)).unwrap_or(i64::MAX)
}

/// Totals of a cart: the discount comes off the goods only (off `base` of them: the
/// lines a code is limited to, else the whole subtotal), tax applies to the discounted
/// goods plus shipping (either contained in them or added on top). Sums saturate instead
/// of wrapping; anything above [`MAX_CHARGE`] is refused by checkout.
pub fn totals(
    subtotal: i64,
    discount: Option<(DiscountKind, i64, i64)>,
    shipping: i64,
    tax: Option<(i64, bool)>,
) -> Totals {
    let subtotal = subtotal.max(0);
    let discount = match discount {
        Some((DiscountKind::Percent, pct, base)) => {
            mul_div(base.clamp(0, subtotal), pct.clamp(0, 100), 100)
        }
        Some((DiscountKind::Fixed, amount, base)) => amount.clamp(0, base.clamp(0, subtotal)),
        None => 0,
    };
    let shipping = shipping.max(0);
    let taxable = (subtotal - discount).saturating_add(shipping);
    let (tax, inclusive) = match tax {
        Some((ppm, true)) => (
            taxable - mul_div(taxable, PPM, PPM + ppm.clamp(0, PPM)),
            true,
        ),
        Some((ppm, false)) => (mul_div(taxable, ppm.clamp(0, PPM), PPM), false),
        None => (0, false),
    };
    Totals {
        subtotal,
        discount,
        shipping,
        tax,
        total: if inclusive {
            taxable
        } else {
            taxable.saturating_add(tax)
        },
        tax_inclusive: inclusive,
    }
}

/// Reads a tax rate as typed ("20", "8.25", "8.875 %", up to four decimals, 0–100) as
/// parts per million.
pub fn parse_percent(raw: &str) -> Result<i64, &'static str> {
    const HELP: &str = "enter a percentage from 0 to 100 with a dot for decimals, e.g. 8.875";
    let text = raw.trim().trim_end_matches('%').trim_end();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 3 {
        return Err(HELP);
    }
    if frac.len() > 4 {
        return Err("use at most four decimals, e.g. 8.875");
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| HELP)?
    };
    let frac: i64 = format!("{frac:0<4}").parse().map_err(|_| HELP)?;
    // 1 % is 10,000 ppm; the four decimals are ten-thousandths of a percent, 1 ppm each.
    let ppm = whole * 10_000 + frac;
    if ppm > PPM {
        return Err(HELP);
    }
    Ok(ppm)
}

/// A rate in parts per million as people write it: 88750 → "8.875".
pub fn format_percent(ppm: i64) -> String {
    let whole = ppm / 10_000;
    let frac = format!("{:04}", ppm % 10_000);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{frac}")
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
            Some((DiscountKind::Percent, 10, 10_000)),
            500,
            Some((82_500, false)),
        );
        assert_eq!((t.discount, t.tax, t.total), (1_000, 784, 10_284));
    }

    #[test]
    fn a_code_limited_to_some_lines_discounts_only_them() {
        // 20 % off the 40.00 of eligible lines in a 100.00 cart; fixed 50.00 off 40.00.
        let t = totals(10_000, Some((DiscountKind::Percent, 20, 4_000)), 0, None);
        assert_eq!((t.discount, t.total), (800, 9_200));
        let t = totals(10_000, Some((DiscountKind::Fixed, 5_000, 4_000)), 0, None);
        assert_eq!(t.discount, 4_000);
    }

    #[test]
    fn inclusive_tax_is_contained_in_the_total() {
        // 120.00 incl. 20 % VAT contains 20.00
        let t = totals(12_000, None, 0, Some((200_000, true)));
        assert_eq!((t.tax, t.total, t.tax_inclusive), (2_000, 12_000, true));
    }

    #[test]
    fn a_fixed_discount_never_exceeds_the_goods() {
        let t = totals(1_500, Some((DiscountKind::Fixed, 5_000, 1_500)), 700, None);
        assert_eq!((t.discount, t.total), (1_500, 700));
    }

    #[test]
    fn rates_with_three_decimals_are_read_and_applied() {
        assert_eq!(parse_percent("8.875"), Ok(88_750));
        assert_eq!(parse_percent(" 20 % "), Ok(200_000));
        assert_eq!(parse_percent("0.0001"), Ok(1));
        assert_eq!(parse_percent("100"), Ok(1_000_000));
        for bad in ["100.01", "8,875", "-1", "8.87501", "", "x", "1e3"] {
            assert!(parse_percent(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format_percent(88_750), "8.875");
        assert_eq!(format_percent(200_000), "20");
        // 100.00 at 8.875 % exclusive: 8.875 → 8.88 (half up).
        let t = totals(10_000, None, 0, Some((88_750, false)));
        assert_eq!((t.tax, t.total), (888, 10_888));
    }

    #[test]
    fn huge_amounts_saturate_instead_of_wrapping() {
        let t = totals(i64::MAX, None, i64::MAX, Some((200_000, false)));
        assert_eq!(t.total, i64::MAX);
        assert!(t.total > MAX_CHARGE);
    }

    #[test]
    fn weight_rates_charge_per_started_kilogram() {
        let rate = ShippingRate {
            id: "r".into(),
            name: "Parcel".into(),
            country: "US".into(),
            base_amount: 500,
            per_kg: 200,
            active: true,
            version: 0,
        };
        assert_eq!(rate.price(0), 500);
        assert_eq!(rate.price(1), 700);
        assert_eq!(rate.price(1000), 700);
        assert_eq!(rate.price(1001), 900);
    }
}
