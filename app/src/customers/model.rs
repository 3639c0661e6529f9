//! Customers as the dashboard shows them.

use crate::accounts::model::Address;
use crate::orders::OrderSummary;
use crate::platform::money::Money;
use serde::{Deserialize, Serialize};

/// A row of the customer list (an account), or of the guest list (`id` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub active: bool,
    pub verified: bool,
    pub tags: Vec<String>,
    pub orders: i64,
    /// Captured less refunded, over every order.
    pub spent: Money,
    pub last_order_at: Option<i64>,
    pub created_at: i64,
}

/// A page of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerList {
    pub rows: Vec<CustomerRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// One line of a customer's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineItem {
    pub at: i64,
    /// `signed_up`, `verified`, `order`, `refund`, `mail`, `note`, `staff` …
    pub kind: String,
    pub text: String,
    /// An order's page, where there is one.
    pub href: Option<String>,
}

/// A staff note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: String,
    pub author_email: String,
    pub body: String,
    pub created_at: i64,
}

/// Everything a customer's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerDetail {
    pub customer: CustomerRow,
    pub addresses: Vec<Address>,
    pub orders: Vec<OrderSummary>,
    pub average_order: Money,
    pub notes: Vec<Note>,
    pub timeline: Vec<TimelineItem>,
    pub erased: bool,
    /// For the notes-and-tags form's conflict check.
    pub version: i64,
}

/// Rows per page of the list.
pub const PAGE_SIZE: u32 = 25;
