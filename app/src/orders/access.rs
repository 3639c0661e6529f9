//! Who may see an order: its customer, staff, or a guest with the order's token (sent in
//! the confirmation mail) or with email + order number.

use super::model::*;
use super::read::load;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

/// The guest's key to an order: an HMAC of its id under the server secret, so it needs
/// no storage and cannot be guessed from the id or the number.
pub fn token(state: &AppState, order_id: &str) -> String {
    use hmac::{Hmac, Mac as _};
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&state.config.jwt_secret)
        .expect("HMAC takes any key length");
    mac.update(b"order:");
    mac.update(order_id.as_bytes());
    let bytes = mac.finalize().into_bytes();
    data_encoding::BASE64URL_NOPAD.encode(&bytes[..18])
}

fn token_matches(state: &AppState, order_id: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    let expected = token(state, order_id);
    expected.as_bytes().ct_eq(given.trim().as_bytes()).into()
}

/// The path a guest (or a mail) opens an order at.
pub fn guest_path(state: &AppState, order_id: &str) -> String {
    format!("/orders/{order_id}?token={}", token(state, order_id))
}

/// An order for whoever asks: its customer (signed in), staff, or anyone with its token.
/// Anyone else gets "not found", the same as for an id that does not exist.
pub async fn for_viewer(
    state: &AppState,
    session: &tower_sessions::Session,
    order_id: &str,
    token: Option<&str>,
) -> Result<Order, AppError> {
    Ok(viewer(state, session, order_id, token).await?.0)
}

/// [`for_viewer`], and the viewer's user id when they are the order's customer (signed
/// in): who acts when a customer, rather than a link holder or staff, asks for something.
pub async fn viewer(
    state: &AppState,
    session: &tower_sessions::Session,
    order_id: &str,
    token: Option<&str>,
) -> Result<(Order, Option<String>), AppError> {
    let user = crate::accounts::session::current(&state.db, session).await?;
    view_as(state, user, order_id, token).await
}

/// [`viewer`] for a known user (or none): the API's bearer, the pages' session.
pub async fn view_as(
    state: &AppState,
    user: Option<crate::accounts::db::UserRow>,
    order_id: &str,
    token: Option<&str>,
) -> Result<(Order, Option<String>), AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let (mut order, owner) = load(&mut conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    drop(conn);
    // Staff who may read orders, as the admin lets them in (owing two-factor, not yet).
    let is_staff = user.as_ref().is_some_and(|u| {
        u.staff_access().is_ok() && u.can(crate::accounts::Permission::OrdersRead)
    });
    let is_owner = user.as_ref().is_some_and(|u| Some(&u.id) == owner.as_ref());
    let has_token = token.is_some_and(|t| token_matches(state, order_id, t));
    if !(is_owner || is_staff || has_token) {
        return Err(AppError::NotFound("order".into()));
    }
    if !is_staff {
        order.hold_reason = None;
        // Customers see the story, not the staff's notes on stock and amounts.
        order.events.retain(|e| {
            matches!(
                e.kind.as_str(),
                "placed" | "fulfilled" | "delivered" | "cancelled" | "refunded"
            )
        });
    }
    order.token = Some(self::token(state, order_id));
    let customer = user.filter(|_| is_owner).map(|u| u.id);
    Ok((order, customer))
}

/// Guest look-up by email and order number: the order's id and token, or not found.
pub async fn lookup(state: &AppState, email: &str, number: &str) -> Result<String, AppError> {
    let number: i64 = number.trim().trim_start_matches('#').parse().map_err(|_| {
        AppError::validation(
            "number",
            "enter the order number from your confirmation, e.g. 1042",
        )
    })?;
    let row: Option<(String,)> =
        sqlx::query_as("select id from orders where number = $1 and lower(email) = $2")
            .bind(number)
            .bind(email.trim().to_lowercase())
            .fetch_optional(state.db.pool())
            .await?;
    let (id,) = row.ok_or_else(|| {
        AppError::validation(
            "number",
            "no order matches that email and number; check both",
        )
    })?;
    Ok(guest_path(state, &id))
}

/// The staff's view of one order (full timeline).
pub async fn for_staff(state: &AppState, order_id: &str) -> Result<Order, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let (mut order, _) = load(&mut conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    order.token = Some(token(state, order_id));
    Ok(order)
}
