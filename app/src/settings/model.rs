use serde::{Deserialize, Serialize};

/// What every storefront page shows about the store itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Storefront {
    pub name: String,
    pub currency: String,
    /// The announcement bar, unless there is none or this shopper dismissed it.
    pub announcement: Option<String>,
}

/// Setting keys, spelled once.
pub mod keys {
    pub const STORE_NAME: &str = "store.name";
    pub const CURRENCY: &str = "store.currency";
    pub const ANNOUNCEMENT: &str = "store.announcement";
    /// Set when the demo data was seeded, so that a first start seeds once only.
    pub const SEEDED_AT: &str = "demo.seeded_at";
}

/// The values `oxcart seed` and the first start write, where no value exists yet.
pub const DEFAULTS: &[(&str, &str)] = &[
    (keys::STORE_NAME, "Oxcart Demo Store"),
    (keys::CURRENCY, "USD"),
    (
        keys::ANNOUNCEMENT,
        "Free shipping on orders over $50 · 30-day returns",
    ),
];
