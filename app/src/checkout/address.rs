//! The shipping address as a checkout and its payment attempt keep it (JSON).

use crate::accounts::model::{Address, AddressInput};

pub fn address_of(a: &Address) -> AddressInput {
    AddressInput {
        full_name: a.full_name.clone(),
        company: a.company.clone(),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        phone: a.phone.clone(),
        default_shipping: false,
        default_billing: false,
    }
}

pub fn json(a: &AddressInput) -> String {
    serde_json::to_string(a).unwrap_or_default()
}

pub fn parse_address(raw: &str) -> Option<AddressInput> {
    serde_json::from_str(raw).ok()
}
