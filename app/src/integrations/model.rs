//! The API keys as the admin page shows them (shared with the browser).

use crate::accounts::permissions::Permission;
use serde::{Deserialize, Serialize};

/// One key, never with its secret (only [`NewKey`] carries that, once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct NewKey {
    pub key: ApiKeyView,
    pub secret: String,
}
