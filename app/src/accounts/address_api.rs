//! The address form's server function, on its own: it takes one argument per form field,
//! and the client half that `#[server]` generates has the same long signature.
#![allow(clippy::too_many_arguments)]

use crate::error::PublicError;
use leptos::prelude::*;

/// Adds an address (no `id`) or changes one. Checkboxes arrive as `on` when ticked.
#[server]
pub async fn save_address(
    id: Option<String>,
    full_name: String,
    company: Option<String>,
    line1: String,
    line2: Option<String>,
    city: String,
    region: Option<String>,
    postal_code: Option<String>,
    country: String,
    phone: Option<String>,
    default_shipping: Option<String>,
    default_billing: Option<String>,
) -> Result<(), PublicError> {
    use super::api::edge::*;
    let input = super::model::AddressInput {
        full_name,
        company: company.unwrap_or_default(),
        line1,
        line2: line2.unwrap_or_default(),
        city,
        region: region.unwrap_or_default(),
        postal_code: postal_code.unwrap_or_default(),
        country,
        phone: phone.unwrap_or_default(),
        default_shipping: default_shipping.is_some(),
        default_billing: default_billing.is_some(),
    };
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        let id = id.as_deref().filter(|id| !id.is_empty());
        super::addresses::save(&state.db, &user.id, id, &input).await
    }
    .await;
    let keep = [
        ("full_name", input.full_name.as_str()),
        ("company", &input.company),
        ("line1", &input.line1),
        ("line2", &input.line2),
        ("city", &input.city),
        ("region", &input.region),
        ("postal_code", &input.postal_code),
        ("country", &input.country),
        ("phone", &input.phone),
    ];
    finish("address", result, &keep).await?;
    leptos_axum::redirect("/account/addresses?saved=1");
    Ok(())
}
