//! Server functions of the staff's checkout rules: shipping rates and tax rates
//! (`settings.manage`), discount codes (`discounts.manage`). Each form adds a rule, or,
//! with `id` and the `version` it was opened at, edits one (and `active` switches it on
//! or off); a save over someone else's newer change is refused.

#![allow(clippy::too_many_arguments)]

use super::model::*;
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// The rates (for `settings.manage`) and the codes (for `discounts.manage`) the person
/// may manage; neither is 403.
#[server]
pub async fn admin_checkout_settings() -> Result<CheckoutSettings, PublicError> {
    use crate::accounts::edge::*;
    let (state, user) = staff().await?;
    let (rates, codes) = (
        user.can(Permission::SettingsManage),
        user.can(Permission::DiscountsManage),
    );
    if !rates && !codes {
        return Err(AppError::Forbidden.into());
    }
    let mut all = crate::checkout::rates::settings(&state.db).await?;
    if !rates {
        all.shipping.clear();
        all.taxes.clear();
    }
    if !codes {
        all.discounts.clear();
    }
    Ok(all)
}

/// A new rule (`id` empty) or an edit of `id` at `version`.
#[cfg(feature = "ssr")]
fn target<'a>(
    id: &'a Option<String>,
    version: Option<i64>,
    active: &Option<String>,
) -> Result<crate::checkout::setup::Target<'a>, crate::platform::error::AppError> {
    use crate::checkout::setup::Target;
    match (id.as_deref().filter(|i| !i.is_empty()), version) {
        (None, _) => Ok(Target::New),
        (Some(id), Some(version)) => Ok(Target::Edit {
            id,
            version,
            active: active.is_some(),
        }),
        (Some(_), None) => Err(crate::platform::error::AppError::validation(
            "version",
            "this form is out of date; reload the page",
        )),
    }
}

#[server]
pub async fn add_shipping_rate(
    name: String,
    country: String,
    base_amount: String,
    per_kg: String,
    id: Option<String>,
    version: Option<i64>,
    active: Option<String>,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let input = ShippingRateInput {
        name,
        country,
        base_amount,
        per_kg,
    };
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        let target = target(&id, version, &active)?;
        crate::checkout::setup::save_shipping(&state.db, &user.id, target, &input).await
    }
    .await;
    let keep = [
        ("name", &input.name),
        ("country", &input.country),
        ("base_amount", &input.base_amount),
        ("per_kg", &input.per_kg),
    ];
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    done("shipping-rate", result, &keep, "/admin/settings/checkout").await
}

#[server]
pub async fn add_tax_rate(
    name: String,
    country: String,
    region: String,
    rate: String,
    inclusive: Option<String>,
    id: Option<String>,
    version: Option<i64>,
    active: Option<String>,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let input = TaxRateInput {
        name,
        country,
        region,
        rate,
        inclusive: inclusive.is_some(),
    };
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        let target = target(&id, version, &active)?;
        crate::checkout::setup::save_tax(&state.db, &user.id, target, &input).await
    }
    .await;
    let keep = [
        ("name", &input.name),
        ("country", &input.country),
        ("region", &input.region),
        ("rate", &input.rate),
    ];
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    done("tax-rate", result, &keep, "/admin/settings/checkout").await
}

#[server]
pub async fn add_discount(
    code: String,
    kind: String,
    value: String,
    min_subtotal: String,
    usage_limit: String,
    per_customer_limit: String,
    starts_on: String,
    ends_on: String,
    products: Option<String>,
    categories: Option<String>,
    id: Option<String>,
    version: Option<i64>,
    active: Option<String>,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let input = DiscountInput {
        code,
        kind,
        value,
        min_subtotal,
        usage_limit,
        per_customer_limit,
        starts_on,
        ends_on,
        products: products.unwrap_or_default(),
        categories: categories.unwrap_or_default(),
    };
    let result = async {
        let (state, user) = allowed(Permission::DiscountsManage).await?;
        let target = target(&id, version, &active)?;
        crate::checkout::codes::save_discount(&state.db, &user.id, target, &input).await
    }
    .await;
    done(
        "discount",
        result,
        &[("code", &input.code), ("value", &input.value)],
        "/admin/settings/checkout",
    )
    .await
}

#[server]
pub async fn delete_checkout_setting(what: String, id: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let needs = if what == "discount" {
            Permission::DiscountsManage
        } else {
            Permission::SettingsManage
        };
        let (state, user) = allowed(needs).await?;
        crate::checkout::setup::delete(&state.db, &user.id, &what, &id).await
    }
    .await;
    done("checkout-settings", result, &[], "/admin/settings/checkout").await
}
