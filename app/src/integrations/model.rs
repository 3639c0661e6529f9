//! The API keys as the admin page shows them (shared with the browser).

use crate::accounts::permissions::Permission;
use serde::{Deserialize, Serialize};

/// One key, never with its secret (only [`NewKey`] carries that, once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    /// The first characters of the key (`oxk_AbCd1234`), to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Permission>,
    pub created_by: String,
    /// Unix ms.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<i64>,
}

/// A key just made: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewKey {
    pub key: ApiKeyView,
    pub secret: String,
}

/// The events an endpoint may receive, as the `event` field of the body says them.
pub const EVENTS: [&str; 8] = [
    "order.created",
    "order.paid",
    "order.fulfilled",
    "order.cancelled",
    "order.refunded",
    "customer.created",
    "product.updated",
    "inventory.low",
];

/// A webhook endpoint, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WebhookEndpointView {
    pub id: String,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why Oxcart turned it off (a delivery failed for a day), if it did.
    pub disabled_reason: Option<String>,
    pub created_at: i64,
    pub pending: i64,
    pub failed: i64,
}

/// One message to one endpoint, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// The `webhook-id` header (the same on every attempt).
    pub id: String,
    pub endpoint_url: String,
    pub event: String,
    /// pending, delivered or failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub response_status: Option<i64>,
    pub response_excerpt: String,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An endpoint just added: the only time its signing secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewEndpoint {
    pub endpoint: WebhookEndpointView,
    pub secret: String,
}
