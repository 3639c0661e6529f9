//! Server functions of the cart. Forms post here without JavaScript (the server
//! redirects back to the cart); after hydration the same functions answer with the cart.

use super::model::*;
use crate::platform::error::PublicError;
use leptos::prelude::*;

#[server]
pub async fn get_cart() -> Result<Cart, PublicError> {
    use crate::accounts::edge::*;
    let (state, session) = context().await?;
    Ok(crate::cart::service::current(&state, &session).await?)
}

#[server]
pub async fn get_cart_summary() -> Result<CartSummary, PublicError> {
    use crate::accounts::edge::*;
    let (state, session) = context().await?;
    let cart = crate::cart::service::current(&state, &session).await?;
    Ok(CartSummary {
        count: cart.count,
        subtotal: cart.subtotal,
    })
}

/// Adds a variant; a plain form is sent on to the cart, a hydrated page stays put.
#[server]
pub async fn add_to_cart(variant_id: String, quantity: String) -> Result<CartSummary, PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, session) = context().await?;
        let cart = crate::cart::service::add(&state, &session, &variant_id, &quantity).await?;
        // A payment started for the old cart no longer pays for this one.
        crate::checkout::steps::cart_changed(&state, &session).await?;
        Ok(cart)
    }
    .await;
    let cart = finish("add-to-cart", result, &[("quantity", &quantity)]).await?;
    if crate::platform::request::is_plain_form_post() {
        crate::web::forms::redirect("/cart");
    }
    Ok(CartSummary {
        count: cart.count,
        subtotal: cart.subtotal,
    })
}

/// Sets a line's quantity (0 removes it).
#[server]
pub async fn update_cart_line(variant_id: String, quantity: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, session) = context().await?;
        crate::cart::service::set_quantity(&state, &session, &variant_id, &quantity).await?;
        crate::checkout::steps::cart_changed(&state, &session).await
    }
    .await;
    done("cart", result, &[("variant_id", &variant_id)], "/cart").await
}
