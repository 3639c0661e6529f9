//! Returns as the customer's order page and the dashboard show them.

use crate::platform::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ReturnStatus {
    #[default]
    Requested,
    Approved,
    Refused,
    Received,
    Refunded,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 5] = [
        Self::Requested,
        Self::Approved,
        Self::Refused,
        Self::Received,
        Self::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Refused => "refused",
            Self::Received => "received",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Requested => "Requested",
            Self::Approved => "Approved: send it back",
            Self::Refused => "Refused",
            Self::Received => "Received",
            Self::Refunded => "Refunded",
        }
    }
}

/// Why a line goes back (what the form offers).
pub const REASONS: &[(&str, &str)] = &[
    ("doesnt_fit", "Doesn't fit"),
    ("damaged", "Arrived damaged"),
    ("not_as_described", "Not as described"),
    ("changed_mind", "Changed my mind"),
    ("other", "Other"),
];

pub fn reason_label(key: &str) -> &'static str {
    REASONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Other", |(_, l)| l)
}

/// A line of the order as the return form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReturnableLine {
    pub position: i64,
    pub name: String,
    pub sku: String,
    pub unit_price: Money,
    /// Bought less what other (not refused) returns already ask for.
    pub returnable: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReturnLine {
    pub position: i64,
    pub name: String,
    pub sku: String,
    pub quantity: i64,
    pub reason: String,
    pub restocked: bool,
    pub value: Money,
}

/// One return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Return {
    pub id: String,
    pub order_id: String,
    pub order_number: i64,
    pub email: String,
    pub status: ReturnStatus,
    pub customer_note: String,
    pub staff_message: String,
    pub lines: Vec<ReturnLine>,
    /// What staff are offered to refund when the parcel comes (the lines' share of what
    /// was paid for goods and tax; shipping is not refunded), capped by what is left.
    pub suggested_refund: Money,
    pub refund_amount: Money,
    pub created_at: i64,
    pub version: i64,
}

/// The return part of a customer's order page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderReturns {
    /// The last day to ask (ms), once delivered.
    pub window_ends: Option<i64>,
    pub can_request: bool,
    /// Why not, in words, when the order is delivered but no return can be asked.
    pub why_not: Option<String>,
    pub lines: Vec<ReturnableLine>,
    pub returns: Vec<Return>,
}
