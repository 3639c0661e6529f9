//! Checkout types shared by the pages and the server.

use super::pricing::{DiscountKind, ShippingRate, TaxRate};
use crate::accounts::model::{Address, AddressInput};
use crate::cart::Cart;
use crate::platform::money::Money;
use crate::platform::payments::ProviderInfo;
use serde::{Deserialize, Serialize};

/// How long a payment holds its stock and discount use.
pub const HOLD_MS: i64 = 15 * 60 * 1000;

/// A payment in progress: what the pay step shows, read from the payment's frozen
/// snapshot — exactly what will be charged and shipped, whatever the cart says now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PendingPayment {
    pub id: String,
    pub total: Money,
    pub client_secret: Option<String>,
    pub expires_at: i64,
    pub last_error: Option<String>,
    pub summary: PaymentSummary,
}

/// What a payment attempt pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PaymentSummary {
    pub lines: Vec<PaidLine>,
    pub totals: MoneyTotals,
    pub email: String,
    pub address: AddressInput,
    pub shipping_name: String,
    pub discount_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PaidLine {
    pub product_name: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i64,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RateOption {
    pub id: String,
    pub name: String,
    pub price: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MoneyTotals {
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
    pub tax_inclusive: bool,
}

/// Everything the checkout page shows, computed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckoutView {
    pub cart: Cart,
    pub signed_in: bool,
    pub email: String,
    pub address: Option<AddressInput>,
    pub saved_addresses: Vec<Address>,
    /// The rates for the address's country (empty until there is an address).
    pub rates: Vec<RateOption>,
    pub shipping_rate_id: Option<String>,
    pub discount_code: Option<String>,
    /// Why the entered code does not apply now, if it does not.
    pub discount_problem: Option<String>,
    pub tax_name: Option<String>,
    pub totals: MoneyTotals,
    pub provider: ProviderInfo,
    /// A payment started and not finished: the pay step.
    pub pending: Option<PendingPayment>,
    /// The latest payment attempt failed with this message.
    pub last_error: Option<String>,
    /// Why the checkout cannot be paid as it is (a total above the most one payment
    /// may be), if so.
    pub problem: Option<String>,
}

impl CheckoutView {
    /// Contact, address and shipping method are all there, and the cart can be bought.
    pub fn ready(&self) -> bool {
        !self.cart.is_empty()
            && !self.cart.has_problems()
            && !self.email.is_empty()
            && self.address.is_some()
            && self.shipping_rate_id.is_some()
            && self.discount_problem.is_none()
            && self.problem.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Discount {
    pub id: String,
    pub code: String,
    pub kind: DiscountKind,
    pub value: i64,
    pub min_subtotal: i64,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    pub used_count: i64,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub active: bool,
    /// The products and categories it is limited to (ids; both empty: the whole cart).
    pub product_ids: Vec<String>,
    pub category_ids: Vec<String>,
    /// The same as the edit form shows them: web addresses, comma-separated.
    pub products: String,
    pub categories: String,
    /// For the edit form's conflict check.
    pub version: i64,
}

/// The staff's checkout settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CheckoutSettings {
    pub shipping: Vec<ShippingRate>,
    pub taxes: Vec<TaxRate>,
    pub discounts: Vec<Discount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShippingRateInput {
    /// What shoppers see, 1–80 characters.
    pub name: String,
    /// Two-letter country code, or `*` for every country without its own rates.
    pub country: String,
    /// A decimal, e.g. `4.95`.
    pub base_amount: String,
    /// Added per started kilogram; empty or 0 for a flat rate.
    pub per_kg: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaxRateInput {
    pub name: String,
    /// Two-letter country code.
    pub country: String,
    /// A region code within the country (e.g. `CA`); empty for the whole country.
    pub region: String,
    /// A percentage, e.g. `20` or `8.875`.
    pub rate: String,
    /// Prices already include the tax.
    pub inclusive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiscountInput {
    /// 1–40 letters, digits, - or _ (stored in capitals).
    pub code: String,
    /// "percent" or "fixed".
    pub kind: String,
    /// A whole percentage (1–100), or a decimal amount off.
    pub value: String,
    /// A decimal; empty for none.
    pub min_subtotal: String,
    /// Uses in all; empty for no limit.
    pub usage_limit: String,
    /// Uses per customer; empty for no limit.
    pub per_customer_limit: String,
    /// YYYY-MM-DD (UTC), inclusive; empty for no start.
    pub starts_on: String,
    /// YYYY-MM-DD (UTC), inclusive; empty for no end.
    pub ends_on: String,
    /// Web addresses (slugs) of the products / categories it is limited to,
    /// comma-separated; empty for the whole cart.
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub categories: String,
}
