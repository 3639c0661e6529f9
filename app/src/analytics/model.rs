//! What the analytics pages ask for and get back (serde types for both builds).

use serde::{Deserialize, Serialize};

/// The range, comparison and table options of a dashboard or report, as in its URL
/// (`?range=30d&compare=previous&bucket=auto&sort=revenue&dir=desc`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// `today`, `7d`, `30d`, `90d`, `month` (this month so far), `12m` or `custom`.
    #[serde(default)]
    pub range: String,
    /// Custom range, `YYYY-MM-DD`, both days included.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// `previous` (the period before), `year` (the same days a year earlier) or `none`.
    #[serde(default)]
    pub compare: String,
    /// `auto`, `day`, `week` or `month`.
    #[serde(default)]
    pub bucket: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    /// The products report: `product` or `variant`.
    #[serde(default)]
    pub by: String,
}

impl Query {
    /// Reads the query string of a page or export; unknown keys are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (key, value) in pairs {
            let value = value.chars().take(40).collect::<String>();
            match key {
                "range" => q.range = value,
                "from" => q.from = value,
                "to" => q.to = value,
                "compare" => q.compare = value,
                "bucket" => q.bucket = value,
                "sort" => q.sort = value,
                "dir" => q.dir = value,
                "by" => q.by = value,
                _ => {}
            }
        }
        q
    }

    /// The query string that gives this query back (for links and exports).
    pub fn to_query_string(&self) -> String {
        let pairs = [
            ("range", &self.range),
            ("from", &self.from),
            ("to", &self.to),
            ("compare", &self.compare),
            ("bucket", &self.bucket),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("by", &self.by),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::accounts::pages::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// How a number reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Count,
    /// Minor units of the store currency.
    Money,
    /// Basis points (1234 = 12.34 %).
    Percent,
    Text,
}

/// One headline number with the comparison period's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpi {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    pub value: Option<i64>,
    pub previous: Option<i64>,
    /// Whether a rise is good news (refund rate: no).
    pub up_is_good: bool,
}

/// A column of a report's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub kind: Kind,
}

/// A cell: a number (sorted and exported as an integer) or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Int(Option<i64>),
    Text(String),
}

/// A report: what it covers, its chart (SVG drawn on the server) and its table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub key: String,
    pub title: String,
    /// "1 Nov 2026 – 30 Nov 2026 · compared with 1 Oct – 31 Oct".
    pub period: String,
    pub currency: String,
    pub kpis: Vec<Kpi>,
    pub chart_svg: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub sort: String,
    pub dir: String,
    /// A word about how the numbers are counted.
    pub note: String,
}

/// The dashboard home: the headline numbers, the sales chart, and the widgets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub period: String,
    pub currency: String,
    pub kpis: Vec<Kpi>,
    pub chart_svg: String,
    pub to_ship: i64,
    pub low_stock: i64,
    pub recent: Vec<RecentOrder>,
    /// The newest live-feed number when the page was made: the browser asks for what
    /// came after it.
    pub live_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentOrder {
    pub id: String,
    pub number: i64,
    pub email: String,
    pub total: String,
    pub status: String,
    pub placed: String,
}

/// The reports, in menu order: (key, title).
pub const REPORTS: &[(&str, &str)] = &[
    ("sales", "Sales over time"),
    ("products", "Products"),
    ("categories", "Categories"),
    ("codes", "Discount codes"),
    ("customers", "Customers"),
    ("taxes", "Taxes and shipping"),
    ("funnel", "Funnel"),
];

/// The range presets, in picker order: (value, label).
pub const RANGES: &[(&str, &str)] = &[
    ("today", "Today"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("month", "This month"),
    ("90d", "Last 90 days"),
    ("12m", "Last 12 months"),
    ("custom", "Custom"),
];

/// A number as it reads in a cell or a headline.
pub fn format(kind: Kind, value: Option<i64>, currency: &str) -> String {
    let Some(v) = value else {
        return "—".to_owned();
    };
    match kind {
        Kind::Count | Kind::Text => group(v),
        Kind::Money => {
            let c = crate::platform::money::Currency::parse(currency).unwrap_or_default();
            crate::platform::money::Money::new(v, c).to_string()
        }
        Kind::Percent => format!("{}.{:02} %", v / 100, (v % 100).abs()),
    }
}

/// 1234567 → "1,234,567".
fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The change from `previous` to `value` in basis points, when both exist and the
/// previous is not zero.
pub fn change_bp(value: Option<i64>, previous: Option<i64>) -> Option<i64> {
    match (value, previous) {
        (Some(v), Some(p)) if p != 0 => Some(((v - p) as i128 * 10_000 / p.abs() as i128) as i64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(format(Kind::Count, Some(1_234_567), "USD"), "1,234,567");
        assert_eq!(format(Kind::Percent, Some(1234), "USD"), "12.34 %");
        assert_eq!(format(Kind::Money, None, "USD"), "—");
        assert_eq!(change_bp(Some(150), Some(100)), Some(5000));
        assert_eq!(change_bp(Some(50), Some(0)), None);
        let q = Query::from_pairs([("range", "custom"), ("from", "2026-01-01"), ("x", "y")]);
        assert_eq!(q.to_query_string(), "range=custom&from=2026-01-01");
    }
}
