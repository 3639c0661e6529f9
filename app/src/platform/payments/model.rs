//! What the checkout page needs to know about payment.

use serde::{Deserialize, Serialize};

/// The offline test provider's cards.
pub const TEST_CARD_OK: &str = "4242424242424242";
pub const TEST_CARD_DECLINED: &str = "4000000000000002";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderInfo {
    /// The offline test provider: a labelled card step, no real money.
    pub test_mode: bool,
    /// Stripe's publishable key, for Stripe.js.
    pub publishable_key: Option<String>,
}

/// Keeps the digits of a card number as typed with spaces or dashes.
pub fn card_digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}
