//! Server functions of the checkout. Each step is a form that works without JavaScript
//! (the server redirects back to `/checkout`), and the page re-reads the priced checkout
//! after every step, so what is shown is always the server's arithmetic.

#![allow(clippy::too_many_arguments)]

use super::model::*;
use crate::platform::error::PublicError;
use leptos::prelude::*;

#[server]
pub async fn get_checkout() -> Result<CheckoutView, PublicError> {
    use crate::accounts::edge::*;
    let (state, session) = context().await?;
    Ok(crate::checkout::service::view(&state, &session).await?)
}

#[server]
pub async fn save_checkout_contact(
    email: String,
    saved_address: Option<String>,
    full_name: Option<String>,
    company: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    phone: Option<String>,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let address = crate::accounts::model::AddressInput {
        full_name: o(&full_name),
        company: o(&company),
        line1: o(&line1),
        line2: o(&line2),
        city: o(&city),
        region: o(&region),
        postal_code: o(&postal_code),
        country: o(&country),
        phone: o(&phone),
        default_shipping: false,
        default_billing: false,
    };
    let result = async {
        let (state, session) = context().await?;
        crate::checkout::steps::save_contact(
            &state,
            &session,
            &email,
            saved_address.as_deref(),
            &address,
        )
        .await
    }
    .await;
    let keep = [
        ("email", email.as_str()),
        ("full_name", address.full_name.as_str()),
        ("company", address.company.as_str()),
        ("line1", address.line1.as_str()),
        ("line2", address.line2.as_str()),
        ("city", address.city.as_str()),
        ("region", address.region.as_str()),
        ("postal_code", address.postal_code.as_str()),
        ("country", address.country.as_str()),
        ("phone", address.phone.as_str()),
    ];
    done("checkout-contact", result, &keep, "/checkout").await
}

#[server]
pub async fn choose_shipping(rate_id: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, session) = context().await?;
        crate::checkout::steps::choose_shipping(&state, &session, &rate_id).await
    }
    .await;
    done("checkout-shipping", result, &[], "/checkout").await
}

/// Applies a discount code; an empty code removes it.
#[server]
pub async fn apply_discount_code(code: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, session) = context().await?;
        crate::checkout::steps::apply_discount(&state, &session, &code).await
    }
    .await;
    done("checkout-discount", result, &[("code", &code)], "/checkout").await
}

/// "Pay now" on the review step: holds the stock and opens the payment step.
#[server]
pub async fn start_payment() -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    use crate::checkout::payment::Started;
    let result = async {
        let (state, session) = context().await?;
        let client = client_ip(&state);
        match crate::checkout::payment::start_payment(&state, &session, &client).await? {
            Started::Pay(_) => Ok("/checkout/pay".to_owned()),
            Started::Paid { order_id } => Ok(crate::orders::access::guest_path(&state, &order_id)),
        }
    }
    .await;
    let to = finish("checkout-pay", result, &[]).await?;
    crate::web::forms::redirect(&to);
    Ok(())
}

/// The offline test provider's card step; on success, to the order.
#[server]
pub async fn pay_with_test_card(card: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, session) = context().await?;
        let order = crate::checkout::pay_step::pay_test(&state, &session, &card).await?;
        Ok::<_, AppError>(crate::orders::access::guest_path(&state, &order))
    }
    .await;
    let to = finish("test-card", result, &[]).await?;
    crate::web::forms::redirect(&to);
    Ok(())
}

/// Stripe's return URL: the order's path, or `None` while the payment is processing.
#[server]
pub async fn complete_payment(payment_intent: String) -> Result<Option<String>, PublicError> {
    use crate::accounts::edge::*;
    let (state, session) = context().await?;
    let order =
        crate::checkout::pay_step::complete_return(&state, &session, &payment_intent).await?;
    let path = order.map(|id| crate::orders::access::guest_path(&state, &id));
    if let Some(path) = &path {
        crate::web::forms::redirect(path);
    }
    Ok(path)
}

// The staff's checkout rules (rates, codes) are `rules_api`, re-exported here.
pub use super::rules_api::*;
