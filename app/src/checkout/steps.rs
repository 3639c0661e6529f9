//! The checkout's steps: contact and address, shipping method, discount code. Each is
//! checked against the server's settings, saved on the draft, and then cancels a payment
//! started for the draft as it was (`pending::cancel_open`), so the pay step never
//! charges for what the shopper has since changed. A change to the cart does the same.

use super::address::{address_of, json, parse_address};
use super::discounts;
use super::pending;
use super::rates;
use super::service::{context, open_id, price, CHECKOUT};
use crate::accounts::model::AddressInput;
use crate::cart::service::Owner;
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use tower_sessions::Session;

/// Contact and shipping address (typed, or one of a customer's saved addresses by id).
/// A changed country keeps the shipping method of the same name if the new country has
/// one, else clears it, so the price shown is always the new country's.
pub async fn save_contact(
    state: &AppState,
    session: &Session,
    email: &str,
    saved_address: Option<&str>,
    address: &AddressInput,
) -> Result<(), AppError> {
    let email = crate::accounts::email::Email::parse(email)
        .map_err(|m| AppError::validation("email", m))?;
    let ctx = context(state, session).await?;
    let address = match (saved_address.filter(|s| !s.is_empty()), &ctx.owner) {
        (Some(id), Owner::Customer(user_id)) => {
            let saved = crate::accounts::addresses::list(&state.db, user_id).await?;
            let found = saved.iter().find(|a| a.id == id).ok_or_else(|| {
                AppError::validation("saved_address", "choose one of your addresses")
            })?;
            address_of(found)
        }
        _ => crate::accounts::addresses::validate(address)?,
    };
    let id = open_id(state, session).await?;
    let old: (String, Option<String>) =
        sqlx::query_as("select address, shipping_rate_id from checkouts where id = $1")
            .bind(&id)
            .fetch_one(state.db.pool())
            .await?;
    let mut rate_id = old.1.clone();
    if let Some(current) = &old.1 {
        let rates = rates::shipping_for(&state.db, &address.country).await?;
        if !rates.iter().any(|r| &r.id == current) {
            let old_name =
                sqlx::query_as::<_, (String,)>("select name from shipping_rates where id = $1")
                    .bind(current)
                    .fetch_optional(state.db.pool())
                    .await?
                    .map(|(n,)| n);
            rate_id = rates
                .iter()
                .find(|r| Some(&r.name) == old_name.as_ref())
                .map(|r| r.id.clone());
        }
    }
    sqlx::query(
        "update checkouts set email = $2, address = $3, shipping_rate_id = $4, updated_at = $5 where id = $1",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(json(&address))
    .bind(rate_id)
    .bind(now_ms())
    .execute(state.db.pool())
    .await?;
    pending::cancel_open(state, &id, pending::CHANGED).await
}

pub async fn choose_shipping(
    state: &AppState,
    session: &Session,
    rate_id: &str,
) -> Result<(), AppError> {
    let id = open_id(state, session).await?;
    let (address,): (String,) = sqlx::query_as("select address from checkouts where id = $1")
        .bind(&id)
        .fetch_one(state.db.pool())
        .await?;
    let country = parse_address(&address)
        .map(|a| a.country)
        .ok_or_else(|| AppError::validation("rate_id", "enter the shipping address first"))?;
    let rates = rates::shipping_for(&state.db, &country).await?;
    if !rates.iter().any(|r| r.id == rate_id) {
        return Err(AppError::validation(
            "rate_id",
            "choose one of the shipping methods shown",
        ));
    }
    sqlx::query("update checkouts set shipping_rate_id = $2, updated_at = $3 where id = $1")
        .bind(&id)
        .bind(rate_id)
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    pending::cancel_open(state, &id, pending::CHANGED).await
}

/// Applies a code (checked now against the cart) or, with an empty code, removes it.
pub async fn apply_discount(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(), AppError> {
    let id = open_id(state, session).await?;
    let code = discounts::normalize_code(code);
    if !code.is_empty() {
        let priced = price(state, session).await?;
        let currency = priced.view.cart.subtotal.currency;
        if let Err(problem) = discounts::check_discount(
            &state.db,
            &code,
            &priced.view.cart,
            priced.discount_customer.as_deref(),
            currency,
        )
        .await?
        {
            return Err(AppError::validation("code", problem));
        }
    }
    sqlx::query("update checkouts set discount_code = $2, updated_at = $3 where id = $1")
        .bind(&id)
        .bind((!code.is_empty()).then_some(code))
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    pending::cancel_open(state, &id, pending::CHANGED).await
}

/// The shopper changed their cart: a payment started for it no longer pays for it.
pub async fn cart_changed(state: &AppState, session: &Session) -> Result<(), AppError> {
    let Some(id) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(AppError::from)?
    else {
        return Ok(());
    };
    pending::cancel_open(state, &id, pending::CHANGED).await
}
