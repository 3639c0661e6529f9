//! The checkout draft: contact, address, shipping method and code, priced again from
//! the cart and the staff settings on every read. Any change to it cancels a payment
//! already started for it (`pending::cancel_open`), so the pay step never charges for a
//! draft the shopper has since changed.

use super::address::{address_of, json, parse_address};
use super::discounts;
use super::model::*;
use super::pending::{self, Latest};
use super::pricing::{self, Totals};
use super::rates;
use crate::cart::service::{self as cart, Owner};
use crate::cart::Cart;
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::money::Money;
use crate::platform::state::AppState;
use tower_sessions::Session;

/// The session key that holds the checkout's id.
pub(super) const CHECKOUT: &str = "checkout";

#[derive(sqlx::FromRow, Debug, Clone)]
struct Row {
    id: String,
    email: String,
    address: String,
    shipping_rate_id: Option<String>,
    discount_code: Option<String>,
}

/// Who is checking out and with which cart.
pub(super) struct Context {
    pub owner: Owner,
    pub user_email: Option<String>,
    pub cart_id: Option<String>,
}

pub(super) async fn context(state: &AppState, session: &Session) -> Result<Context, AppError> {
    let user = crate::accounts::session::current(&state.db, session).await?;
    let owner = match &user {
        Some(u) => Owner::Customer(u.id.clone()),
        None => Owner::Guest,
    };
    let cart_id = cart::cart_id(&state.db, session, &owner, false).await?;
    Ok(Context {
        owner,
        user_email: user.map(|u| u.email),
        cart_id,
    })
}

/// The open checkout of this session's cart, made on first use (pre-filled for customers).
async fn row(state: &AppState, session: &Session, ctx: &Context) -> Result<Option<Row>, AppError> {
    let Some(cart_id) = &ctx.cart_id else {
        return Ok(None);
    };
    if let Some(id) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(AppError::from)?
    {
        let found: Option<Row> = sqlx::query_as(
            "select id, email, address, shipping_rate_id, discount_code from checkouts \
             where id = $1 and cart_id = $2 and status = 'open'",
        )
        .bind(&id)
        .bind(cart_id)
        .fetch_optional(state.db.pool())
        .await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let id = new_id();
    let now = now_ms();
    let (user_id, address) = match &ctx.owner {
        Owner::Customer(user_id) => {
            let saved = crate::accounts::addresses::list(&state.db, user_id).await?;
            let default = saved
                .into_iter()
                .find(|a| a.is_default_shipping)
                .map(|a| address_of(&a));
            (Some(user_id.clone()), default)
        }
        Owner::Guest => (None, None),
    };
    let email = ctx.user_email.clone().unwrap_or_default();
    let address = address.map(|a| json(&a)).unwrap_or_default();
    let visitor =
        crate::analytics::funnel::record(state, crate::analytics::funnel::Step::Checkout).await;
    sqlx::query(
        "insert into checkouts (id, cart_id, user_id, email, address, status, created_at, updated_at, visitor) \
         values ($1, $2, $3, $4, $5, 'open', $6, $6, $7)",
    )
    .bind(&id)
    .bind(cart_id)
    .bind(&user_id)
    .bind(&email)
    .bind(&address)
    .bind(now)
    .bind(&visitor)
    .execute(state.db.pool())
    .await?;
    session
        .insert(CHECKOUT, &id)
        .await
        .map_err(AppError::from)?;
    Ok(Some(Row {
        id,
        email,
        address,
        shipping_rate_id: None,
        discount_code: None,
    }))
}

/// A priced checkout: the view and what paying needs.
pub(super) struct Priced {
    pub view: CheckoutView,
    /// The signed-in customer, if any.
    pub user_id: Option<String>,
    pub checkout_id: Option<String>,
    pub discount: Option<Discount>,
    pub totals: Totals,
    /// What the discount's per-customer limit counts: the signed-in customer.
    pub discount_customer: Option<String>,
    /// The tax applied: parts per million and whether prices include it.
    pub tax: Option<(i64, bool)>,
}

impl Priced {
    /// A digest of what the shopper chose and what it costs: the lines and their
    /// prices, contact, address, shipping method and its price, tax, and the code typed.
    /// A payment is paid only while the checkout still has its fingerprint. (Not the
    /// code's state: the payment holds that code's use itself, and would otherwise see
    /// the code as used up by its own hold.)
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let v = &self.view;
        let lines: Vec<(&str, i64, i64)> = v
            .cart
            .lines
            .iter()
            .map(|l| (l.variant_id.as_str(), l.quantity, l.unit_price.minor))
            .collect();
        let t = &self.totals;
        let canonical = serde_json::json!([
            lines,
            v.email.trim().to_lowercase(),
            v.address,
            v.shipping_rate_id,
            t.shipping,
            v.tax_name,
            self.tax,
            v.discount_code,
            v.cart.subtotal.currency.code(),
        ]);
        data_encoding::HEXLOWER.encode(&Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// The key a discount's per-customer limit counts uses under: the signed-in customer's
/// account (a typed email would let anyone take a "once per customer" code again).
fn discount_customer(user_id: Option<&str>) -> Option<String> {
    user_id.map(|id| format!("user:{id}"))
}

pub(super) async fn price(state: &AppState, session: &Session) -> Result<Priced, AppError> {
    let ctx = context(state, session).await?;
    let user_id = match &ctx.owner {
        Owner::Customer(id) => Some(id.clone()),
        Owner::Guest => None,
    };
    let mut view = CheckoutView {
        signed_in: matches!(ctx.owner, Owner::Customer(_)),
        provider: state.payments.info(),
        ..CheckoutView::default()
    };
    if let Owner::Customer(user_id) = &ctx.owner {
        view.saved_addresses = crate::accounts::addresses::list(&state.db, user_id).await?;
    }
    let cart: Cart = match &ctx.cart_id {
        Some(id) => cart::read(&state.db, id).await?,
        None => Cart::default(),
    };
    let currency = cart.subtotal.currency;
    let Some(row) = (if cart.is_empty() {
        None
    } else {
        row(state, session, &ctx).await?
    }) else {
        view.cart = cart;
        return Ok(Priced {
            view,
            user_id,
            checkout_id: None,
            discount: None,
            totals: Totals::default(),
            discount_customer: None,
            tax: None,
        });
    };
    view.email = row.email.clone();
    view.address = parse_address(&row.address);
    let weight = cart.weight_grams();
    let mut shipping = 0;
    let mut tax = None;
    if let Some(address) = &view.address {
        let rates = rates::shipping_for(&state.db, &address.country).await?;
        view.rates = rates
            .iter()
            .map(|r| RateOption {
                id: r.id.clone(),
                name: r.name.clone(),
                price: Money::new(r.price(weight), currency),
            })
            .collect();
        if let Some(chosen) = rates
            .iter()
            .find(|r| Some(&r.id) == row.shipping_rate_id.as_ref())
        {
            view.shipping_rate_id = Some(chosen.id.clone());
            shipping = chosen.price(weight);
        }
        if let Some(rate) = rates::tax_for(&state.db, &address.country, &address.region).await? {
            view.tax_name = Some(rate.name.clone());
            tax = Some((rate.rate_ppm, rate.inclusive));
        }
    }
    let mut discount = None;
    let customer = discount_customer(user_id.as_deref());
    if let Some(code) = &row.discount_code {
        view.discount_code = Some(code.clone());
        match discounts::check_discount(&state.db, code, &cart, customer.as_deref(), currency)
            .await?
        {
            Ok((d, base)) => discount = Some((d, base)),
            Err(problem) => view.discount_problem = Some(problem),
        }
    }
    let totals = pricing::totals(
        cart.subtotal.minor,
        discount.as_ref().map(|(d, base)| (d.kind, d.value, *base)),
        shipping,
        tax,
    );
    let m = |minor| Money::new(minor, currency);
    view.totals = MoneyTotals {
        subtotal: m(totals.subtotal),
        discount: m(totals.discount),
        shipping: m(totals.shipping),
        tax: m(totals.tax),
        total: m(totals.total),
        tax_inclusive: totals.tax_inclusive,
    };
    if totals.total > pricing::MAX_CHARGE {
        view.problem = Some(format!(
            "This order comes to more than {}, the most one payment can be. Remove some items.",
            Money::new(pricing::MAX_CHARGE, currency)
        ));
    }
    view.cart = cart;
    let mut priced = Priced {
        view,
        user_id,
        checkout_id: Some(row.id.clone()),
        discount: discount.map(|(d, _)| d),
        totals,
        discount_customer: customer,
        tax,
    };
    // The pay step: the latest payment, shown only while it pays for this very draft.
    let fingerprint = priced.fingerprint();
    match pending::latest(state, &row.id).await? {
        Some(Latest::Pending(pending, print)) if print == fingerprint => {
            priced.view.pending = Some(*pending);
        }
        Some(Latest::Pending(..)) => {
            priced.view.last_error = Some(pending::CHANGED.to_owned());
        }
        Some(Latest::Failed(message)) => priced.view.last_error = message,
        None => {}
    }
    Ok(priced)
}

/// The checkout as the page shows it.
pub async fn view(state: &AppState, session: &Session) -> Result<CheckoutView, AppError> {
    Ok(price(state, session).await?.view)
}

pub(super) async fn open_id(state: &AppState, session: &Session) -> Result<String, AppError> {
    let ctx = context(state, session).await?;
    row(state, session, &ctx)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| AppError::Conflict("Your cart is empty.".into()))
}
