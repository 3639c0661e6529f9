//! Account types shared by the server and the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    Customer,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "customer" => Some(Self::Customer),
            "staff" => Some(Self::Staff),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// Whether this role may open the admin dashboard.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Staff | Self::Admin)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Customer => "Customer",
            Self::Staff => "Staff",
            Self::Admin => "Admin",
        }
    }
}

/// The signed-in team member, for pages inside the admin frame (its context).
#[derive(Debug, Clone)]
pub struct Staff(pub CurrentUser);

/// The signed-in user, as pages and the API see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub email_verified: bool,
    pub two_factor: bool,
    /// What the person may do in the admin (empty for customers).
    #[serde(default)]
    pub permissions: Vec<super::permissions::Permission>,
    /// Their staff role (`owner`, `manager`, …), for staff.
    #[serde(default)]
    pub role_key: Option<String>,
    /// The profile picture's URL, if one was uploaded.
    pub avatar_url: Option<String>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

impl CurrentUser {
    pub fn can(&self, permission: super::permissions::Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// What to call the user: their name, else the part of the email before the `@`.
    pub fn display_name(&self) -> String {
        let name = self.full_name.trim();
        if name.is_empty() {
            self.email.split('@').next().unwrap_or_default().to_owned()
        } else {
            name.to_owned()
        }
    }
}

/// A saved address in the address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Address {
    pub id: String,
    pub full_name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: String,
    pub is_default_shipping: bool,
    pub is_default_billing: bool,
}

impl Address {
    /// The lines to print on a label.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.full_name.clone()];
        for extra in [&self.company, &self.line1, &self.line2] {
            if !extra.trim().is_empty() {
                lines.push(extra.clone());
            }
        }
        let city = [&self.postal_code, &self.city, &self.region]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(city);
        lines.push(self.country.clone());
        lines
    }
}

/// What an address form sends (a field left out of JSON is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AddressInput {
    pub full_name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub default_shipping: bool,
    pub default_billing: bool,
}

/// What the two-factor set-up page shows: the secret to type or the QR code to scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// Base32, grouped in fours for reading.
    pub secret: String,
    pub uri: String,
    /// An inline SVG of the QR code (made on the server from the URI).
    pub qr_svg: String,
}

/// The two-factor state of the signed-in user, for the security page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub required: bool,
    pub recovery_codes_left: i64,
    /// Shown once, right after turning two-factor on.
    pub new_recovery_codes: Vec<String>,
}

/// A row of Admin → Staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    /// Their staff role's key and name (`owner` / "Owner" for admins).
    pub role_key: String,
    pub role_name: String,
    pub active: bool,
    /// Invited but has not accepted yet.
    pub invited: bool,
    pub two_factor: bool,
    pub created_at: i64,
}

/// Whether the signed-in user may open the admin, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminAccess {
    Allowed(CurrentUser),
    SignInFirst,
    /// Staff holding a permission that needs two-factor, who have not turned it on yet.
    NeedsTwoFactor,
    Forbidden,
}
