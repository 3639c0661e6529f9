//! Catalog types both targets use: what listing and product pages show, the query a
//! listing answers (parsed from the URL), and the values staff send when they edit.

use serde::{Deserialize, Serialize};

/// A price: minor units (cents) of a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// The currencies the store can price in (two decimal places each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Draft,
    Active,
    Archived,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Draft, Status::Active, Status::Archived];

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "draft" => Some(Self::Draft),
            "active" => Some(Self::Active),
            "archived" => Some(Self::Archived),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Active => "Active",
            Self::Archived => "Archived",
        }
    }
}

/// A URL name: lower-case letters (of any script: "שלום", "قميص", "日本茶" as well as
/// "linen"), digits and single hyphens, 1–80 characters. Browsers show such paths as
/// they are and send them percent-encoded; see [`Slug::url_path`].
pub struct Slug;

impl Slug {
    pub const MAX: usize = 80;

    /// Whether `s` is already a valid slug.
    pub fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.chars().count() <= Self::MAX
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c == '-' || (c.is_alphanumeric() && !c.is_uppercase()))
    }

    /// A slug made from a name: "Café Crème 🎉 Mug" -> "cafe-creme-mug", "חולצת פשתן" ->
    /// "חולצת-פשתן". Empty when the name has no letters or digits at all (emoji only).
    pub fn from_name(name: &str) -> String {
        let mut out = String::new();
        let mut count = 0;
        for c in name.chars().flat_map(fold_accent) {
            if c.is_alphanumeric() {
                for lower in c.to_lowercase() {
                    out.push(lower);
                    count += 1;
                }
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
                count += 1;
            }
            if count >= Self::MAX {
                break;
            }
        }
        let out = out.trim_end_matches('-');
        out.chars()
            .take(Self::MAX)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }

    /// `slug` as a path segment of an absolute URL (sitemap, canonical): non-ASCII
    /// letters percent-encoded, as browsers send them.
    pub fn url_path(slug: &str) -> String {
        let mut out = String::with_capacity(slug.len());
        for byte in slug.bytes() {
            if byte.is_ascii_alphanumeric() || byte == b'-' {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }

    /// A slug as it arrives in a request path, decoded (`%D7%A9…` → "ש…"); `None` when
    /// the encoding is broken.
    pub fn from_path(raw: &str) -> Option<String> {
        if !raw.contains('%') {
            return Some(raw.to_owned());
        }
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = raw.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).ok()
    }
}

/// `text` with common accented Latin letters replaced by their ASCII letters.
pub fn fold_accents(text: &str) -> String {
    text.chars().flat_map(fold_accent).collect()
}

/// The ASCII letters of common accented Latin letters, so slugs stay readable.
fn fold_accent(c: char) -> Vec<char> {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        other => return vec![other],
    };
    s.chars().collect()
}

/// A stock-keeping unit: 1–64 visible ASCII characters, no spaces; kept as typed but
/// compared case-insensitively (stored upper-case).
pub struct Sku;

impl Sku {
    pub fn parse(s: &str) -> Option<String> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_graphic()))
            .then(|| s.to_ascii_uppercase())
    }
}

/// One stored picture: the browser picks a width from `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    pub alt: String,
    pub width: i64,
    pub height: i64,
    /// The URL of the largest width.
    pub src: String,
    /// `url 320w, url 640w, …`
    pub srcset: String,
}

/// A product as a card in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub price_min: Money,
    pub price_max: Money,
    /// The highest compare-at price above the lowest price, shown struck through.
    pub compare_at: Option<Money>,
    pub in_stock: bool,
    pub image: Option<Image>,
    pub status: Status,
}

impl ProductCard {
    pub fn price_label(&self) -> String {
        if self.price_min == self.price_max {
            self.price_min.to_string()
        } else {
            format!("From {}", self.price_min)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub parent_id: Option<String>,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i64,
    pub featured: bool,
    /// Active products in this category (not counting sub-categories).
    pub product_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    /// The values in the order the variants first use them.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: String,
    pub sku: String,
    /// One value per option, in option order.
    pub options: Vec<String>,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub stock: i64,
    pub weight_grams: i64,
    pub barcode: String,
    pub image_id: Option<String>,
}

impl Variant {
    pub fn title(&self) -> String {
        self.options.join(" / ")
    }
}

/// "M / Blue" from a variant row's option columns (unused ones are null or empty).
pub fn variant_title(options: [Option<String>; 3]) -> String {
    options
        .into_iter()
        .flatten()
        .filter(|o| !o.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Everything the product page (and the staff editor) shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Product {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// Markdown as staff typed it.
    pub description: String,
    /// The same, rendered and sanitised.
    pub description_html: String,
    /// The description as plain text, for meta descriptions and structured data.
    pub summary: String,
    pub status: Status,
    pub featured: bool,
    pub seo_title: String,
    pub seo_description: String,
    pub currency: Currency,
    pub category: Option<Category>,
    /// Root first, ending with `category`.
    pub breadcrumbs: Vec<Category>,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
    pub created_at: i64,
    pub updated_at: i64,
}

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
                "in_stock" => query.in_stock = matches!(value, "1" | "true" | "on" | "yes"),
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
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| bad("page", "the page must be a whole number from 1"))?
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

/// One value of an option filter, with how many products of the listing have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub name: String,
    pub value: String,
    pub count: i64,
}

pub use crate::pagination::Pagination;

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub items: Vec<ProductCard>,
    pub pagination: Pagination,
    pub facets: Vec<Facet>,
    /// The category being browsed, when there is one.
    pub category: Option<Category>,
    pub breadcrumbs: Vec<Category>,
}

/// What the home page shows: featured categories and products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub categories: Vec<Category>,
    pub products: Vec<ProductCard>,
}

/// A product as staff submit it. Numbers arrive as typed (text), so that every bad value
/// is reported against its own field (`variants.2.price`) instead of failing the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProductInput {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub status: Status,
    pub category_id: Option<String>,
    pub featured: bool,
    pub seo_title: String,
    pub seo_description: String,
    pub currency: String,
    /// Option names in order (at most three).
    pub options: Vec<String>,
    pub variants: Vec<VariantInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VariantInput {
    /// The variant being changed; `None` for a new one.
    pub id: Option<String>,
    pub sku: String,
    pub options: Vec<String>,
    pub price: String,
    pub compare_at: String,
    pub stock: String,
    pub weight_grams: String,
    pub barcode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CategoryInput {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub parent_id: Option<String>,
    pub position: i64,
    pub featured: bool,
}

/// One problem of an import, on a row of the file (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: u64,
    pub column: Option<String>,
    pub message: String,
}

/// An import's progress, as the staff page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub id: String,
    pub status: String,
    pub total_rows: i64,
    pub done_rows: i64,
    pub imported: i64,
    pub errors: Vec<RowError>,
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

    #[test]
    fn slugs_are_made_from_any_name() {
        assert_eq!(Slug::from_name("Café Crème 🎉 Mug"), "cafe-creme-mug");
        assert_eq!(Slug::from_name("  --Hello,   World!-- "), "hello-world");
        assert_eq!(Slug::from_name("🎉🎉"), "");
        assert_eq!(Slug::from_name("חולצת פשתן"), "חולצת-פשתן");
        assert_eq!(Slug::from_name("قميص كتان"), "قميص-كتان");
        assert_eq!(Slug::from_name("ÄRMEL Größe"), "armel-grosse");
        assert!(Slug::is_valid("חולצת-פשתן"));
        assert!(!Slug::is_valid("Ärmel"));
        assert!(Slug::from_name(&"ש".repeat(200)).chars().count() <= Slug::MAX);
        assert_eq!(Slug::url_path("שלום-2"), "%D7%A9%D7%9C%D7%95%D7%9D-2");
        assert_eq!(
            Slug::from_path("%D7%A9%D7%9C%D7%95%D7%9D-2").as_deref(),
            Some("שלום-2")
        );
        assert_eq!(Slug::from_path("%zz"), None);
        assert!(Slug::is_valid("linen-shirt-2"));
        assert!(!Slug::is_valid("Linen"));
        assert!(!Slug::is_valid("a--b"));
        assert!(!Slug::is_valid("-a"));
        assert!(!Slug::is_valid(""));
    }

    #[test]
    fn skus_are_trimmed_and_upper_cased() {
        assert_eq!(Sku::parse(" ab-12 ").as_deref(), Some("AB-12"));
        assert_eq!(Sku::parse("a b"), None);
        assert_eq!(Sku::parse(""), None);
        assert_eq!(Sku::parse("é"), None);
    }

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
