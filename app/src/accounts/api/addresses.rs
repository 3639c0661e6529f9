//! The address book. `save_address` takes one argument per form field, and the client
//! half that `#[server]` generates has the same long signature (hence the allow).
#![allow(clippy::too_many_arguments)]

use crate::platform::error::PublicError;
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
    use super::prelude::*;
    let input = crate::accounts::model::AddressInput {
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
        let (state, _, user) = signed_in().await?;
        let id = id.as_deref().filter(|id| !id.is_empty());
        crate::accounts::addresses::save(&state.db, &user.id, id, &input).await
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
    done("address", result, &keep, "/account/addresses?saved=1").await
}

/// The signed-in customer's saved addresses.
#[server]
pub async fn list_addresses() -> Result<Vec<crate::accounts::model::Address>, PublicError> {
    use super::prelude::*;
    let (state, _, user) = signed_in().await?;
    Ok(crate::accounts::addresses::list(&state.db, &user.id).await?)
}

#[server]
pub async fn delete_address(id: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        crate::accounts::addresses::delete(&state.db, &user.id, &id).await
    }
    .await;
    done("addresses", result, &[], "/account/addresses?deleted=1").await
}

/// Makes an address the default for `kind` (`shipping` or `billing`).
#[server]
pub async fn set_default_address(id: String, kind: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        let kind = crate::accounts::addresses::Kind::parse(&kind)
            .ok_or_else(|| AppError::validation("kind", "choose shipping or billing"))?;
        crate::accounts::addresses::set_default(&state.db, &user.id, &id, kind).await
    }
    .await;
    done("addresses", result, &[], "/account/addresses").await
}
