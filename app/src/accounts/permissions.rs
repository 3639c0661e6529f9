//! What a staff member may do: permissions by action, and the built-in roles as sets of
//! them (docs/adr/0007). Shared with the browser, which hides what the person may not do;
//! the server checks every call through `accounts::edge::allowed` (server functions) and
//! `session::require_permission` (REST routes and exports).

use serde::{Deserialize, Serialize};

/// One action a staff member may be allowed. The text form (`catalog.write`) is what the
/// database stores and the API shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Permission {
    #[serde(rename = "catalog.write")]
    CatalogWrite,
    #[serde(rename = "orders.read")]
    OrdersRead,
    #[serde(rename = "orders.fulfil")]
    OrdersFulfil,
    #[serde(rename = "orders.refund")]
    OrdersRefund,
    #[serde(rename = "inventory.adjust")]
    InventoryAdjust,
    #[serde(rename = "customers.read")]
    CustomersRead,
    #[serde(rename = "customers.write")]
    CustomersWrite,
    #[serde(rename = "customers.erase")]
    CustomersErase,
    #[serde(rename = "discounts.manage")]
    DiscountsManage,
    #[serde(rename = "settings.manage")]
    SettingsManage,
    #[serde(rename = "staff.manage")]
    StaffManage,
    #[serde(rename = "analytics.read")]
    AnalyticsRead,
    #[serde(rename = "audit.read")]
    AuditRead,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Self::CatalogWrite,
        Self::OrdersRead,
        Self::OrdersFulfil,
        Self::OrdersRefund,
        Self::InventoryAdjust,
        Self::CustomersRead,
        Self::CustomersWrite,
        Self::CustomersErase,
        Self::DiscountsManage,
        Self::SettingsManage,
        Self::StaffManage,
        Self::AnalyticsRead,
        Self::AuditRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CatalogWrite => "catalog.write",
            Self::OrdersRead => "orders.read",
            Self::OrdersFulfil => "orders.fulfil",
            Self::OrdersRefund => "orders.refund",
            Self::InventoryAdjust => "inventory.adjust",
            Self::CustomersRead => "customers.read",
            Self::CustomersWrite => "customers.write",
            Self::CustomersErase => "customers.erase",
            Self::DiscountsManage => "discounts.manage",
            Self::SettingsManage => "settings.manage",
            Self::StaffManage => "staff.manage",
            Self::AnalyticsRead => "analytics.read",
            Self::AuditRead => "audit.read",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw.trim())
    }

    /// What the permission allows, in the words of the role editor.
    pub fn label(self) -> &'static str {
        match self {
            Self::CatalogWrite => "Edit products, categories and pictures",
            Self::OrdersRead => "See orders",
            Self::OrdersFulfil => "Fulfil and deliver orders, release holds",
            Self::OrdersRefund => "Refund and cancel orders",
            Self::InventoryAdjust => "See and adjust stock",
            Self::CustomersRead => "See customers",
            Self::CustomersWrite => "Edit customers, send resets, deactivate",
            Self::CustomersErase => "Export and erase a customer's data",
            Self::DiscountsManage => "Discount codes",
            Self::SettingsManage => "Shipping, tax and store settings",
            Self::StaffManage => "The team and its roles",
            Self::AnalyticsRead => "Sales figures",
            Self::AuditRead => "The audit log",
        }
    }

    /// Whoever holds this must sign in with two-factor: it moves money, hands out power
    /// or destroys data.
    pub fn needs_two_factor(self) -> bool {
        matches!(
            self,
            Self::OrdersRefund
                | Self::SettingsManage
                | Self::StaffManage
                | Self::CustomersErase
                | Self::DiscountsManage
        )
    }

    /// Parses a stored list (`"orders.read orders.fulfil"`); unknown words are dropped
    /// (a permission removed in a later release grants nothing).
    pub fn parse_list(raw: &str) -> Vec<Self> {
        let mut list: Vec<Self> = raw.split_whitespace().filter_map(Self::parse).collect();
        list.sort();
        list.dedup();
        list
    }

    /// The stored form of `list`.
    pub fn join(list: &[Self]) -> String {
        let mut list = list.to_vec();
        list.sort();
        list.dedup();
        list.iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The role every store owner (the `admin` account kind) has: every permission, not
/// editable, so the store can never lock itself out.
pub const OWNER: &str = "owner";

/// The roles a new store starts with: key, name, what they are for, permissions.
/// Owners hold every permission; the others are rows of `staff_roles` that admins may
/// edit, and new roles may be added beside them.
pub const BUILT_IN: &[(&str, &str, &str, &[Permission])] = {
    use Permission::*;
    &[
        (
            OWNER,
            "Owner",
            "Everything, including the team and its roles",
            &Permission::ALL,
        ),
        (
            "manager",
            "Manager",
            "Runs the shop day to day: everything but the team and the settings",
            &[
                CatalogWrite,
                OrdersRead,
                OrdersFulfil,
                OrdersRefund,
                InventoryAdjust,
                CustomersRead,
                CustomersWrite,
                DiscountsManage,
                AnalyticsRead,
                AuditRead,
            ],
        ),
        (
            "fulfilment",
            "Fulfilment",
            "Packs and ships orders and keeps stock right",
            &[OrdersRead, OrdersFulfil, InventoryAdjust],
        ),
        (
            "support",
            "Support",
            "Answers customers: their orders and accounts",
            &[OrdersRead, CustomersRead, CustomersWrite],
        ),
        (
            "catalog",
            "Catalog editor",
            "Products, categories, pictures and stock",
            &[CatalogWrite, InventoryAdjust],
        ),
    ]
};

/// A role as Admin → Staff → Roles shows and edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub key: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    pub built_in: bool,
    /// Owners' role cannot change.
    pub editable: bool,
    pub members: i64,
    /// For the edit form's conflict check.
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_reads_back_from_its_text() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).expect("json");
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        assert_eq!(Permission::parse("orders.delete"), None);
    }

    #[test]
    fn stored_lists_drop_unknown_words_and_repeats() {
        let list = Permission::parse_list("orders.read  bogus orders.read catalog.write");
        assert_eq!(list, vec![Permission::CatalogWrite, Permission::OrdersRead]);
        assert_eq!(Permission::join(&list), "catalog.write orders.read");
    }

    #[test]
    fn only_owners_and_managers_need_two_factor_among_the_built_in_roles() {
        let needs: Vec<&str> = BUILT_IN
            .iter()
            .filter(|(_, _, _, perms)| perms.iter().any(|p| p.needs_two_factor()))
            .map(|(key, ..)| *key)
            .collect();
        assert_eq!(needs, vec![OWNER, "manager"]);
    }
}
