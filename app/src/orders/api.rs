//! Server functions of orders: the customer's and guest's views, and the staff's list,
//! detail and actions.

use super::model::*;
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// One order, for its customer, staff, or a guest with the order's token.
#[server]
pub async fn get_order(id: String, token: Option<String>) -> Result<Order, PublicError> {
    use crate::accounts::edge::*;
    let (state, session) = context().await?;
    Ok(crate::orders::access::for_viewer(&state, &session, &id, token.as_deref()).await?)
}

#[server]
pub async fn my_orders(page: u32) -> Result<OrderList, PublicError> {
    use crate::accounts::edge::*;
    let (state, _, user) = signed_in().await?;
    Ok(crate::orders::filter::history(&state, &user.id, page).await?)
}

/// Guest look-up by email and order number; on a match, to the order.
#[server]
pub async fn lookup_order(email: String, number: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, _) = context().await?;
        limit(&state).await?;
        crate::orders::access::lookup(&state, &email, &number).await
    }
    .await;
    let to = finish(
        "order-lookup",
        result,
        &[("email", &email), ("number", &number)],
    )
    .await?;
    crate::web::forms::redirect(&to);
    Ok(())
}

/// The staff list; `query` is the page's query string (status, from, to, customer, min,
/// max, page).
#[server]
pub async fn admin_orders(query: String) -> Result<OrderList, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::OrdersRead).await?;
    let filter = crate::orders::filter::OrderFilter::from_query(&query)?;
    Ok(crate::orders::filter::list(&state, &filter, None).await?)
}

#[server]
pub async fn admin_order(id: String) -> Result<Order, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::OrdersRead).await?;
    Ok(crate::orders::access::for_staff(&state, &id).await?)
}

/// A staff action on an order: `fulfil` (carrier, tracking_number), `deliver`, `cancel`
/// (reason), `refund` (amount, reason) or `release` (a hold). Back to the order either
/// way. Fulfil, deliver and release need `orders.fulfil`; cancel and refund, which move
/// money, `orders.refund` (whose holders have two-factor on).
#[server]
pub async fn order_action(
    id: String,
    action: String,
    carrier: Option<String>,
    tracking_number: Option<String>,
    amount: Option<String>,
    reason: Option<String>,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    use crate::orders::actions;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let result = async {
        match action.as_str() {
            "fulfil" => {
                let (state, user) = allowed(Permission::OrdersFulfil).await?;
                actions::fulfil(&state, &user.id, &id, &o(&carrier), &o(&tracking_number)).await
            }
            "deliver" => {
                let (state, user) = allowed(Permission::OrdersFulfil).await?;
                actions::deliver(&state, &user.id, &id).await
            }
            "cancel" => {
                let (state, user) = allowed(Permission::OrdersRefund).await?;
                actions::cancel(&state, Some(&user.id), &id, &o(&reason)).await
            }
            "refund" => {
                let (state, user) = allowed(Permission::OrdersRefund).await?;
                let amount = crate::platform::money::Money::parse_amount(&o(&amount))
                    .map_err(|e| AppError::validation("amount", e.message("4.99")))?;
                actions::refund(&state, &user.id, &id, amount, &o(&reason)).await
            }
            "release" => {
                let (state, user) = allowed(Permission::OrdersFulfil).await?;
                actions::release_hold(&state, &user.id, &id).await
            }
            _ => {
                staff().await?;
                Err(AppError::validation("action", "unknown action"))
            }
        }
    }
    .await;
    let keep = [
        ("carrier", o(&carrier)),
        ("tracking_number", o(&tracking_number)),
        ("amount", o(&amount)),
        ("reason", o(&reason)),
    ];
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    done(
        &format!("order-{action}"),
        result,
        &keep,
        &format!("/admin/orders/{id}"),
    )
    .await
}
