//! The checkout draft and the start of payment.

use super::model::*;
use super::pricing::{self, Totals};
use super::rates;
use crate::accounts::model::AddressInput;
use crate::accounts::token::new_id;
use crate::cart::service::{self as cart, Owner};
use crate::cart::Cart;
use crate::catalog::model::Money;
use crate::db::now_ms;
use crate::error::AppError;
use crate::payments::PendingPayment;
use crate::state::AppState;
use tower_sessions::Session;

/// The session key that holds the checkout's id.
const CHECKOUT: &str = "checkout";
/// The job that ends a payment's hold.
pub const EXPIRE_JOB: &str = "payment.expire";

fn session_error(err: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(err).context("session store"))
}

#[derive(sqlx::FromRow, Debug, Clone)]
struct Row {
    id: String,
    email: String,
    address: String,
    shipping_rate_id: Option<String>,
    discount_code: Option<String>,
}

/// Who is checking out and with which cart.
struct Context {
    owner: Owner,
    user_email: Option<String>,
    cart_id: Option<String>,
}

async fn context(state: &AppState, session: &Session) -> Result<Context, AppError> {
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
        .map_err(session_error)?
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
    sqlx::query(
        "insert into checkouts (id, cart_id, user_id, email, address, status, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, 'open', $6, $6)",
    )
    .bind(&id)
    .bind(cart_id)
    .bind(&user_id)
    .bind(&email)
    .bind(&address)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    session.insert(CHECKOUT, &id).await.map_err(session_error)?;
    Ok(Some(Row {
        id,
        email,
        address,
        shipping_rate_id: None,
        discount_code: None,
    }))
}

fn address_of(a: &crate::accounts::model::Address) -> AddressInput {
    AddressInput {
        full_name: a.full_name.clone(),
        company: a.company.clone(),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        phone: a.phone.clone(),
        default_shipping: false,
        default_billing: false,
    }
}

fn json(a: &AddressInput) -> String {
    serde_json::to_string(a).unwrap_or_default()
}

fn parse_address(raw: &str) -> Option<AddressInput> {
    serde_json::from_str(raw).ok()
}

/// A priced checkout: the view and what paying needs.
struct Priced {
    view: CheckoutView,
    checkout_id: Option<String>,
    discount: Option<Discount>,
    totals: Totals,
}

async fn price(state: &AppState, session: &Session) -> Result<Priced, AppError> {
    let ctx = context(state, session).await?;
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
            checkout_id: None,
            discount: None,
            totals: Totals::default(),
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
            tax = Some((rate.rate_bp, rate.inclusive));
        }
    }
    let mut discount = None;
    if let Some(code) = &row.discount_code {
        view.discount_code = Some(code.clone());
        let customer = customer_key(&row.email);
        match rates::check_discount(
            &state.db,
            code,
            cart.subtotal.minor,
            customer.as_deref(),
            currency,
        )
        .await?
        {
            Ok(d) => discount = Some(d),
            Err(problem) => view.discount_problem = Some(problem),
        }
    }
    let totals = pricing::totals(
        cart.subtotal.minor,
        discount.as_ref().map(|d| (d.kind, d.value)),
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
    let latest: Option<LatestPayment> = sqlx::query_as(
        "select id, status, total, client_secret, expires_at, last_error, currency from payments \
         where checkout_id = $1 order by created_at desc limit 1",
    )
    .bind(&row.id)
    .fetch_optional(state.db.pool())
    .await?;
    if let Some((id, status, total, client_secret, expires_at, last_error, cur)) = latest {
        let currency = crate::catalog::model::Currency::parse(&cur).unwrap_or_default();
        if status == "pending" {
            view.pending = Some(PendingPayment {
                id,
                total: Money::new(total, currency),
                client_secret,
                expires_at,
                last_error: None,
            });
        } else if status == "failed" {
            view.last_error = last_error;
        }
    }
    view.cart = cart;
    Ok(Priced {
        view,
        checkout_id: Some(row.id),
        discount,
        totals,
    })
}

fn customer_key(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    (!email.is_empty()).then_some(email)
}

/// The checkout's latest payment: id, status, total, client secret, expiry, last error,
/// currency.
type LatestPayment = (
    String,
    String,
    i64,
    Option<String>,
    i64,
    Option<String>,
    String,
);

/// The checkout as the page shows it.
pub async fn view(state: &AppState, session: &Session) -> Result<CheckoutView, AppError> {
    Ok(price(state, session).await?.view)
}

async fn open_id(state: &AppState, session: &Session) -> Result<String, AppError> {
    let ctx = context(state, session).await?;
    row(state, session, &ctx)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| AppError::Conflict("Your cart is empty.".into()))
}

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
    Ok(())
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
    Ok(())
}

/// Applies a code (checked now against the cart) or, with an empty code, removes it.
pub async fn apply_discount(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(), AppError> {
    let id = open_id(state, session).await?;
    let code = rates::normalize_code(code);
    if !code.is_empty() {
        let priced = price(state, session).await?;
        let customer = customer_key(&priced.view.email);
        let currency = priced.view.cart.subtotal.currency;
        if let Err(problem) = rates::check_discount(
            &state.db,
            &code,
            priced.view.cart.subtotal.minor,
            customer.as_deref(),
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
    Ok(())
}

/// Freezes the checkout into a payment: holds the stock of every line and one use of the
/// discount code (all or nothing), queues the hold's expiry, then asks the provider for a
/// payment of the server's total. Any earlier attempt still pending is given up first.
pub async fn start_payment(
    state: &AppState,
    session: &Session,
) -> Result<PendingPayment, AppError> {
    let priced = price(state, session).await?;
    let view = &priced.view;
    let checkout_id = priced
        .checkout_id
        .clone()
        .ok_or_else(|| AppError::Conflict("Your cart is empty.".into()))?;
    if let Some(line) = view.cart.lines.iter().find(|l| l.problem.is_some()) {
        return Err(AppError::Conflict(format!(
            "{}: {}",
            line.product_name,
            line.problem.clone().unwrap_or_default()
        )));
    }
    if view.email.is_empty() || view.address.is_none() {
        return Err(AppError::validation(
            "email",
            "enter your email and shipping address",
        ));
    }
    let shipping_name = view
        .rates
        .iter()
        .find(|r| Some(&r.id) == view.shipping_rate_id.as_ref())
        .map(|r| r.name.clone())
        .ok_or_else(|| AppError::validation("rate_id", "choose a shipping method"))?;
    if let Some(problem) = &view.discount_problem {
        return Err(AppError::validation("code", problem.clone()));
    }
    // An earlier attempt still holding stock is given up (its late success would still
    // make an order: see orders::transition).
    for (old,) in sqlx::query_as::<_, (String,)>(
        "select id from payments where checkout_id = $1 and status = 'pending'",
    )
    .bind(&checkout_id)
    .fetch_all(state.db.pool())
    .await?
    {
        abandon(state, &old, "Replaced by a new payment attempt.").await?;
    }

    let payment_id = new_id();
    let now = now_ms();
    let expires_at = now + HOLD_MS;
    let customer = customer_key(&view.email);
    let totals = priced.totals;
    let currency = view.cart.subtotal.currency;
    let user_id = match context(state, session).await?.owner {
        Owner::Customer(id) => Some(id),
        Owner::Guest => None,
    };
    let mut tx = state.db.begin_write().await?;
    for line in &view.cart.lines {
        if !crate::inventory::service::reserve(&mut tx, &line.variant_id, line.quantity).await? {
            return Err(AppError::Conflict(format!(
                "Sorry, {} ({}) sold out while you were checking out. Your cart shows what is left.",
                line.product_name,
                if line.variant_title.is_empty() { &line.sku } else { &line.variant_title }
            )));
        }
    }
    if let Some(discount) = &priced.discount {
        if !rates::take_use(&mut tx, &discount.id, customer.as_deref()).await? {
            return Err(AppError::validation(
                "code",
                format!(
                    "{} has just been used up; remove it to continue.",
                    discount.code
                ),
            ));
        }
    }
    sqlx::query(
        "insert into payments (id, checkout_id, provider, status, held, user_id, email, address, \
           shipping_name, discount_id, discount_code, discount_customer, currency, subtotal, \
           discount, shipping, tax, total, tax_inclusive, expires_at, created_at, updated_at) \
         values ($1, $2, $3, 'pending', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
           $16, $17, $18, $19, $19)",
    )
    .bind(&payment_id)
    .bind(&checkout_id)
    .bind(state.payments.provider.name())
    .bind(&user_id)
    .bind(&view.email)
    .bind(view.address.as_ref().map(json).unwrap_or_default())
    .bind(&shipping_name)
    .bind(priced.discount.as_ref().map(|d| d.id.clone()))
    .bind(priced.discount.as_ref().map(|d| d.code.clone()))
    .bind(priced.discount.as_ref().and(customer.clone()))
    .bind(currency.code())
    .bind(totals.subtotal)
    .bind(totals.discount)
    .bind(totals.shipping)
    .bind(totals.tax)
    .bind(totals.total)
    .bind(i64::from(totals.tax_inclusive))
    .bind(expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for (position, line) in view.cart.lines.iter().enumerate() {
        sqlx::query(
            "insert into payment_lines (payment_id, position, variant_id, product_name, \
               variant_title, sku, unit_price, quantity) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&payment_id)
        .bind(position as i64)
        .bind(&line.variant_id)
        .bind(&line.product_name)
        .bind(&line.variant_title)
        .bind(&line.sku)
        .bind(line.unit_price.minor)
        .bind(line.quantity)
        .execute(&mut *tx)
        .await?;
    }
    crate::jobs::Jobs::enqueue_at_in(
        &mut tx,
        EXPIRE_JOB,
        &serde_json::json!({ "payment_id": payment_id }),
        expires_at,
    )
    .await?;
    tx.commit().await?;
    state.catalog.invalidate().await;

    // Nothing to charge (a 100 % code with free shipping): the order is made at once.
    if totals.total == 0 {
        set_reference(state, &payment_id, &format!("free_{payment_id}"), None).await?;
        crate::orders::transition::payment_succeeded(
            state,
            state.payments.provider.name(),
            &format!("free_{payment_id}"),
            0,
        )
        .await?;
    } else {
        let created = state
            .payments
            .provider
            .create(totals.total, currency.code(), &payment_id, &payment_id)
            .await;
        match created {
            Ok(created) => {
                set_reference(
                    state,
                    &payment_id,
                    &created.reference,
                    created.client_secret.as_deref(),
                )
                .await?;
            }
            Err(err) => {
                abandon(
                    state,
                    &payment_id,
                    "The payment provider could not be reached.",
                )
                .await?;
                return Err(err);
            }
        }
    }
    let (client_secret,): (Option<String>,) =
        sqlx::query_as("select client_secret from payments where id = $1")
            .bind(&payment_id)
            .fetch_one(state.db.pool())
            .await?;
    Ok(PendingPayment {
        id: payment_id,
        total: Money::new(totals.total, currency),
        client_secret,
        expires_at,
        last_error: None,
    })
}

async fn set_reference(
    state: &AppState,
    payment_id: &str,
    reference: &str,
    client_secret: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "update payments set reference = $2, client_secret = $3, updated_at = $4 where id = $1",
    )
    .bind(payment_id)
    .bind(reference)
    .bind(client_secret)
    .bind(now_ms())
    .execute(state.db.pool())
    .await?;
    Ok(())
}

/// Gives up a pending payment here (not at the provider) and releases what it holds.
pub async fn abandon(state: &AppState, payment_id: &str, message: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let changed = sqlx::query(
        "update payments set status = 'failed', held = 0, last_error = $2, updated_at = $3 \
         where id = $1 and status = 'pending'",
    )
    .bind(payment_id)
    .bind(message)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if changed {
        crate::orders::transition::release_holds(&mut tx, payment_id).await?;
    }
    tx.commit().await?;
    if changed {
        state.catalog.invalidate().await;
    }
    Ok(())
}

/// The session's payment in progress: (payment id, provider reference, total).
async fn pending_payment(
    state: &AppState,
    session: &Session,
) -> Result<(String, String, i64), AppError> {
    let Some(checkout) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(session_error)?
    else {
        return Err(AppError::Conflict(
            "There is no payment in progress.".into(),
        ));
    };
    let row: Option<(String, Option<String>, i64)> = sqlx::query_as(
        "select id, reference, total from payments where checkout_id = $1 and status = 'pending' \
         order by created_at desc limit 1",
    )
    .bind(&checkout)
    .fetch_optional(state.db.pool())
    .await?;
    match row {
        Some((id, Some(reference), total)) => Ok((id, reference, total)),
        _ => Err(AppError::Conflict(
            "There is no payment in progress; review your order and pay again.".into(),
        )),
    }
}

/// The offline provider's card step. Returns the new order's id.
pub async fn pay_test(state: &AppState, session: &Session, card: &str) -> Result<String, AppError> {
    use crate::payments::{card_digits, TEST_CARD_DECLINED, TEST_CARD_OK};
    if state.payments.provider.name() != crate::payments::test::NAME {
        return Err(AppError::Forbidden);
    }
    let digits = card_digits(card);
    if digits != TEST_CARD_OK && digits != TEST_CARD_DECLINED {
        return Err(AppError::validation(
            "card",
            "this is the test payment step: use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined)",
        ));
    }
    let (_, reference, total) = pending_payment(state, session).await?;
    let provider = crate::payments::test::NAME;
    if digits == TEST_CARD_OK {
        crate::orders::transition::payment_succeeded(state, provider, &reference, total).await
    } else {
        let message = "Your card was declined. Try another card.";
        crate::orders::transition::payment_failed(state, provider, &reference, message).await?;
        Err(AppError::validation("card", message))
    }
}

/// The shopper is back from the provider (Stripe's return URL): asks the provider and, if
/// the payment succeeded, goes through the same transition as the webhook. Returns the
/// order's id, or `None` if the payment is still processing.
pub async fn complete_return(
    state: &AppState,
    session: &Session,
    reference: &str,
) -> Result<Option<String>, AppError> {
    let Some(checkout) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(session_error)?
    else {
        return Err(AppError::NotFound("payment".into()));
    };
    let known: Option<(String,)> =
        sqlx::query_as("select id from payments where checkout_id = $1 and reference = $2")
            .bind(&checkout)
            .bind(reference)
            .fetch_optional(state.db.pool())
            .await?;
    if known.is_none() {
        return Err(AppError::NotFound("payment".into()));
    }
    let provider = state.payments.provider.name();
    match state.payments.provider.status(reference).await? {
        crate::payments::RemoteStatus::Succeeded { amount } => Ok(Some(
            crate::orders::transition::payment_succeeded(state, provider, reference, amount)
                .await?,
        )),
        crate::payments::RemoteStatus::Failed { message } => {
            crate::orders::transition::payment_failed(state, provider, reference, &message).await?;
            Err(AppError::validation("card", message))
        }
        crate::payments::RemoteStatus::Pending => Ok(None),
    }
}
