//! Audit rows as the dashboard shows them, and the list's filters.

use serde::{Deserialize, Serialize};

/// One staff action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub actor_id: Option<String>,
    /// The actor's email when it was written; "system" for jobs and the command line.
    pub actor_email: String,
    pub ip: String,
    pub request_id: String,
    /// `product.update`, `order.refund`, `staff.role` …
    pub action: String,
    /// `product`, `order`, `user`, `role` …
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
    /// The fields that changed, as `(field, before, after)`; JSON text for each value.
    pub changes: Vec<(String, String, String)>,
}

impl AuditEntry {
    /// Where the entity is seen in the dashboard, if it has a page.
    pub fn entity_href(&self) -> Option<String> {
        let id = &self.entity_id;
        if id.is_empty() {
            return None;
        }
        match self.entity.as_str() {
            "product" => Some(format!("/admin/catalog/products/{id}")),
            "order" => Some(format!("/admin/orders/{id}")),
            "user" | "customer" => Some(format!("/admin/customers/{id}")),
            "staff" => Some("/admin/staff".to_owned()),
            "role" => Some("/admin/staff/roles".to_owned()),
            "variant" => Some(format!("/admin/inventory?q={id}")),
            "category" => Some("/admin/catalog/categories".to_owned()),
            "shipping_rate" | "tax_rate" | "discount" => {
                Some("/admin/settings/checkout".to_owned())
            }
            _ => None,
        }
    }
}

/// A page of the audit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// The actions and entities seen, for the filter menus.
    pub actions: Vec<String>,
    pub entities: Vec<String>,
    /// How many days rows are kept.
    pub retention_days: i64,
}

/// Rows per page of the list.
pub const PAGE_SIZE: u32 = 50;
