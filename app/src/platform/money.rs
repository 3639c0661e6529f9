//! Money: an integer number of minor units of a currency (never a float), how amounts
//! are read as people type them (refusing what could be misread), and printed.

use serde::{Deserialize, Serialize};

/// A price: minor units (cents) of a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// The currencies the store can price in (two decimal places each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Currency {
    #[default]
    USD,
    EUR,
    GBP,
    CAD,
    AUD,
}

impl Currency {
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code.trim().to_ascii_uppercase().as_str() {
            "USD" => Self::USD,
            "EUR" => Self::EUR,
            "GBP" => Self::GBP,
            "CAD" => Self::CAD,
            "AUD" => Self::AUD,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::USD => "USD",
            Self::EUR => "EUR",
            Self::GBP => "GBP",
            Self::CAD => "CAD",
            Self::AUD => "AUD",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::USD => "$",
            Self::EUR => "€",
            Self::GBP => "£",
            Self::CAD => "CA$",
            Self::AUD => "A$",
        }
    }
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// "12.50" — the amount as a decimal, as forms and CSV files carry it.
    pub fn decimal(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// The largest amount anything may be typed as (a price, a rate, a refund, a code):
    /// 1,000,000.00. Sums of bounded amounts stay far inside `i64`.
    pub const MAX_MINOR: i64 = 100_000_000;

    /// Reads an amount as typed: "12", "12.5", "12.50", ".5", or "1,299.99" (commas only
    /// between groups of three digits and only before a decimal point), as minor units.
    /// Refused, each with its reason: a comma that could be a decimal comma ("1,5" or
    /// "19,99", which are $1.50 and $19.99 to half the world; "1,500" too), more than two
    /// decimals, signs, anything that is not a number, and more than [`Self::MAX_MINOR`].
    pub fn parse_amount(text: &str) -> Result<i64, AmountError> {
        let text = text.trim();
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (text, None),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        let whole = if whole.contains(',') {
            let mut groups = whole.split(',');
            let first = groups.next().unwrap_or_default();
            let grouped = (1..=3).contains(&first.len())
                && digits(first)
                && groups.all(|g| g.len() == 3 && digits(g));
            if !grouped || frac.is_none() {
                return Err(
                    if grouped || text.chars().all(|c| c.is_ascii_digit() || c == ',') {
                        AmountError::Ambiguous
                    } else {
                        AmountError::NotANumber
                    },
                );
            }
            whole.replace(',', "")
        } else {
            whole.to_owned()
        };
        let frac = frac.unwrap_or_default();
        if whole.is_empty() && frac.is_empty() || !digits(&whole) || !digits(frac) {
            return Err(AmountError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(AmountError::TooPrecise);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| AmountError::TooLarge)?
        };
        let frac: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| AmountError::NotANumber)?;
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .filter(|minor| *minor <= Self::MAX_MINOR)
            .ok_or(AmountError::TooLarge)
    }

    /// [`Self::parse_amount`] for callers that give their own message.
    pub fn parse_decimal(text: &str) -> Option<i64> {
        Self::parse_amount(text).ok()
    }
}

/// Why a typed amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    NotANumber,
    /// A comma that may be a decimal comma: "1,5", "19,99", "1,500".
    Ambiguous,
    TooPrecise,
    TooLarge,
}

impl AmountError {
    /// What to tell the person who typed it; `example` is an amount that would do.
    pub fn message(self, example: &str) -> String {
        match self {
            Self::NotANumber => format!("enter an amount such as {example}"),
            Self::Ambiguous => format!(
                "write the amount with a dot before the cents and no other commas, such as {example}"
            ),
            Self::TooPrecise => "use at most two decimals".to_owned(),
            Self::TooLarge => "the amount may be at most 1000000.00".to_owned(),
        }
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let decimal = self.decimal();
        let (sign, digits) = match decimal.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", decimal.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, "00"));
        // Thousands separators: 1234567 -> 1,234,567.
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{}{grouped}.{frac}", self.currency.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_and_prints_decimals() {
        assert_eq!(Money::parse_decimal("12"), Some(1200));
        assert_eq!(Money::parse_decimal("12.5"), Some(1250));
        assert_eq!(Money::parse_decimal("1,299.99"), Some(129_999));
        assert_eq!(Money::parse_decimal(".5"), Some(50));
        assert_eq!(Money::parse_decimal("12.345"), None);
        assert_eq!(Money::parse_decimal("-1"), None);
        assert_eq!(Money::parse_decimal("abc"), None);
        assert_eq!(Money::parse_decimal(""), None);
        assert_eq!(Money::parse_decimal("99999999999999999999"), None);
        assert_eq!(Money::parse_amount("1,5"), Err(AmountError::Ambiguous));
        assert_eq!(Money::parse_amount("19,99"), Err(AmountError::Ambiguous));
        assert_eq!(Money::parse_amount("1,500"), Err(AmountError::Ambiguous));
        assert_eq!(Money::parse_amount("1,500.00"), Ok(150_000));
        assert_eq!(Money::parse_amount("12,34.5"), Err(AmountError::NotANumber));
        assert_eq!(Money::parse_amount("1.2.3"), Err(AmountError::NotANumber));
        assert_eq!(Money::parse_amount("1.234"), Err(AmountError::TooPrecise));
        assert_eq!(Money::parse_amount("1000000"), Ok(Money::MAX_MINOR));
        assert_eq!(
            Money::parse_amount("1000000.01"),
            Err(AmountError::TooLarge)
        );
        assert_eq!(
            Money::parse_amount("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
        assert!(AmountError::Ambiguous.message("19.99").contains("19.99"));
        assert_eq!(Money::new(129_999, Currency::USD).to_string(), "$1,299.99");
        assert_eq!(Money::new(5, Currency::EUR).to_string(), "€0.05");
        assert_eq!(
            Money::new(100_000_000, Currency::GBP).to_string(),
            "£1,000,000.00"
        );
    }
}
