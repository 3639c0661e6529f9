//! Server functions of returns: the customer's request (a plain form on the order page),
//! and the staff's list, decision and receipt.

#![allow(clippy::too_many_arguments)]

use super::model::{OrderReturns, Return};
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// The return part of an order's page, for whoever may see the order.
#[server]
pub async fn get_order_returns(
    order_id: String,
    token: Option<String>,
) -> Result<OrderReturns, PublicError> {
    use crate::accounts::edge::*;
    let (state, session) = context().await?;
    crate::orders::access::for_viewer(&state, &session, &order_id, token.as_deref()).await?;
    Ok(crate::returns::read::for_order(&state.db, &order_id).await?)
}

/// A return asked from the order page: for each order line `i`, `position[i]`,
/// `quantity[i]` (0 to leave it) and `reason[i]`.
#[server]
pub async fn request_return(
    order_id: String,
    token: Option<String>,
    position: Option<Vec<String>>,
    quantity: Option<Vec<String>>,
    reason: Option<Vec<String>>,
    note: Option<String>,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let token = token.filter(|t| !t.is_empty());
    let result = async {
        let (state, session) = context().await?;
        let (order, by) =
            crate::orders::access::viewer(&state, &session, &order_id, token.as_deref()).await?;
        let (positions, quantities, reasons) = (
            position.unwrap_or_default(),
            quantity.unwrap_or_default(),
            reason.unwrap_or_default(),
        );
        let mut asks = Vec::new();
        for (i, raw) in positions.iter().enumerate() {
            let position = raw.parse().map_err(|_| {
                AppError::validation("position", "that item is not part of this order")
            })?;
            let quantity = quantities
                .get(i)
                .map_or("0", String::as_str)
                .trim()
                .parse()
                .map_err(|_| AppError::validation("quantity", "choose how many to send back"))?;
            let reason = reasons.get(i).cloned().unwrap_or_default();
            asks.push(crate::returns::service::Ask {
                position,
                quantity,
                reason,
            });
        }
        crate::returns::service::request(
            &state,
            &order.id,
            by.as_deref(),
            &asks,
            note.as_deref().unwrap_or(""),
        )
        .await
    }
    .await;
    let back = match &token {
        Some(t) => format!(
            "/orders/{order_id}?token={}&returned=1",
            crate::accounts::pages::urlencode(t)
        ),
        None => format!("/orders/{order_id}?returned=1"),
    };
    done("return", result, &[], &back).await
}

#[server]
pub async fn admin_returns(status: String) -> Result<Vec<Return>, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::OrdersRead).await?;
    let status = match status.as_str() {
        "" => None,
        s => Some(
            crate::returns::model::ReturnStatus::parse(s)
                .ok_or_else(|| AppError::validation("status", "unknown status"))?,
        ),
    };
    Ok(crate::returns::read::list(&state.db, status).await?)
}

#[server]
pub async fn admin_return(id: String) -> Result<Return, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::OrdersRead).await?;
    let mut conn = state.db.pool().acquire().await.map_err(AppError::from)?;
    Ok(crate::returns::read::one(&mut conn, &id).await?)
}

/// `decision` is `approve` or `refuse` (a message is then required).
#[server]
pub async fn decide_return(
    id: String,
    decision: String,
    message: String,
    version: i64,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::OrdersFulfil).await?;
        let approve = match decision.as_str() {
            "approve" => true,
            "refuse" => false,
            _ => return Err(AppError::validation("decision", "approve or refuse")),
        };
        crate::returns::service::decide(&state, &user.id, &id, approve, &message, version).await
    }
    .await;
    done(
        "return",
        result,
        &[("message", &message)],
        &format!("/admin/returns/{id}"),
    )
    .await
}

/// The parcel came: `restock[i]` names the order lines going back in stock; `amount`
/// is refunded through the provider.
#[server]
pub async fn receive_return(
    id: String,
    restock: Option<Vec<String>>,
    amount: String,
    version: i64,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::OrdersRefund).await?;
        let amount = crate::platform::money::Money::parse_amount(&amount)
            .map_err(|e| AppError::validation("amount", e.message("4.99")))?;
        let restock: Vec<i64> = restock
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect();
        crate::returns::service::receive(&state, &user.id, &id, &restock, amount, version).await
    }
    .await;
    done(
        "return",
        result,
        &[("amount", &amount)],
        &format!("/admin/returns/{id}"),
    )
    .await
}

/// How many days after delivery a return may be asked (0 to 365); audited.
#[server]
pub async fn set_return_window(days: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        crate::returns::read::set_window(&state.db, &user.id, &days).await
    }
    .await;
    done(
        "return-window",
        result,
        &[("days", &days)],
        "/admin/returns",
    )
    .await
}
