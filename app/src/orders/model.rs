//! Order types shared by the pages and the server.

use crate::accounts::model::AddressInput;
use crate::platform::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    #[default]
    Paid,
    Fulfilled,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] = [
        Self::Paid,
        Self::Fulfilled,
        Self::Delivered,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Fulfilled => "fulfilled",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The allowed changes: a paid order ships (fulfilled) or is cancelled; a shipped
    /// one is delivered. Delivered and cancelled are final. An order is made `paid`, by
    /// `orders::transition` only.
    pub fn can_become(self, to: Self) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Paid, Fulfilled | Cancelled) | (Fulfilled, Delivered)
        )
    }

    /// As the customer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "Paid — being prepared",
            Self::Fulfilled => "Shipped",
            Self::Delivered => "Delivered",
            Self::Cancelled => "Cancelled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum PaymentStatus {
    #[default]
    Paid,
    PartiallyRefunded,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 3] = [Self::Paid, Self::PartiallyRefunded, Self::Refunded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::PartiallyRefunded => "partially_refunded",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// What `refunded` of `captured` makes.
    pub fn of(captured: i64, refunded: i64) -> Self {
        if refunded <= 0 {
            Self::Paid
        } else if refunded >= captured {
            Self::Refunded
        } else {
            Self::PartiallyRefunded
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "Paid",
            Self::PartiallyRefunded => "Partially refunded",
            Self::Refunded => "Refunded",
        }
    }
}

/// "#1042".
pub fn number_label(number: i64) -> String {
    format!("#{number}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub product_name: String,
    pub variant_title: String,
    pub sku: String,
    pub unit_price: Money,
    pub quantity: i64,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    pub kind: String,
    pub message: String,
    pub actor: Option<String>,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: String,
    pub number: i64,
    pub email: String,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub created_at: i64,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
    pub tax_inclusive: bool,
    pub captured: Money,
    pub refunded: Money,
    pub address: AddressInput,
    pub shipping_name: String,
    pub discount_code: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    /// Sold while the stock had run out (a payment that arrived after its hold expired).
    pub stock_short: bool,
    /// Why staff must look at the order before it ships (the amount or currency paid is
    /// not the order's, it was sold short), if so. Staff only: `None` for customers.
    pub hold_reason: Option<String>,
    pub events: Vec<OrderEvent>,
    /// The guest access token (for links); present when the viewer may share it.
    pub token: Option<String>,
}

impl Order {
    pub fn refundable(&self) -> Money {
        Money::new(
            self.captured.minor - self.refunded.minor,
            self.captured.currency,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub id: String,
    pub number: i64,
    pub email: String,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub total: Money,
    pub items: i64,
    pub created_at: i64,
    /// On hold for staff (see [`Order::hold_reason`]).
    pub on_hold: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    pub orders: Vec<OrderSummary>,
    pub pagination: crate::web::pagination::Pagination,
}
