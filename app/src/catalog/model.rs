//! Catalog types both targets use: what listing and product pages show, the query a
//! listing answers (parsed from the URL), and the values staff send when they edit.

pub use super::slug::{Sku, Slug};
use crate::platform::money::{Currency, Money};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// One stored picture: the browser picks a width from `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductOption {
    pub name: String,
    /// The values in the order the variants first use them.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// One value of an option filter, with how many products of the listing have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub name: String,
    pub value: String,
    pub count: i64,
}

pub use crate::web::pagination::Pagination;

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
/// Every field may be left out (empty); the rules then say what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductInput {
    /// The URL name; empty: made from the name.
    pub slug: String,
    pub name: String,
    /// Markdown.
    pub description: String,
    pub status: Status,
    pub category_id: Option<String>,
    pub featured: bool,
    pub seo_title: String,
    pub seo_description: String,
    /// ISO 4217, e.g. USD; empty: the shop's.
    pub currency: String,
    /// Option names in order (at most three).
    pub options: Vec<String>,
    /// At least one.
    pub variants: Vec<VariantInput>,
    /// The product's `updated_at` when the editor opened it: a save over someone else's
    /// newer change is refused instead of silently overwriting it. `None` skips the check
    /// (imports, the API's full replace).
    #[serde(default)]
    pub version: Option<i64>,
}

/// Numbers as decimal text, as typed into the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VariantInput {
    /// The variant being changed; `None` for a new one.
    pub id: Option<String>,
    pub sku: String,
    /// One value per product option, in order.
    pub options: Vec<String>,
    /// e.g. `19.99`.
    pub price: String,
    /// The crossed-out price; empty for none.
    pub compare_at: String,
    /// Units free to sell, e.g. `12` (later changes are better made as adjustments,
    /// which say why in the ledger).
    pub stock: String,
    pub weight_grams: String,
    pub barcode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
