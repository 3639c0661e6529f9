//! Inventory types shared by the staff page and the server.

use serde::{Deserialize, Serialize};

/// Why on-hand stock changed. Staff choose the first three; the rest are written by the
/// system (a product edit, a sale, a cancelled order's restock, a new variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Reason {
    Received,
    Damaged,
    Correction,
    Initial,
    Edit,
    Sale,
    Restock,
}

impl Reason {
    pub const STAFF: [Reason; 3] = [Reason::Received, Reason::Damaged, Reason::Correction];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Damaged => "damaged",
            Self::Correction => "correction",
            Self::Initial => "initial",
            Self::Edit => "edit",
            Self::Sale => "sale",
            Self::Restock => "restock",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Received,
            Self::Damaged,
            Self::Correction,
            Self::Initial,
            Self::Edit,
            Self::Sale,
            Self::Restock,
        ]
        .into_iter()
        .find(|r| r.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "Received",
            Self::Damaged => "Damaged",
            Self::Correction => "Correction",
            Self::Initial => "Initial stock",
            Self::Edit => "Product edit",
            Self::Sale => "Sale",
            Self::Restock => "Restock",
        }
    }
}

/// One variant's stock as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockLevel {
    pub variant_id: String,
    pub product_id: String,
    pub product_name: String,
    pub variant_title: String,
    pub sku: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
    /// 0 = no alert.
    pub low_stock_threshold: i64,
}

impl StockLevel {
    pub fn is_low(&self) -> bool {
        self.low_stock_threshold > 0 && self.available <= self.low_stock_threshold
    }
}

/// A ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Movement {
    pub sku: String,
    pub delta: i64,
    pub on_hand_after: i64,
    pub reason: Reason,
    pub note: String,
    pub actor: Option<String>,
    pub order_id: Option<String>,
    pub at: i64,
}

/// The staff inventory page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryPage {
    pub levels: Vec<StockLevel>,
    pub low_count: i64,
    pub recent: Vec<Movement>,
    pub pagination: crate::web::pagination::Pagination,
}
