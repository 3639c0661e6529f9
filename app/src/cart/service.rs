//! Cart reads and writes. Which cart: the signed-in customer's (one per account), else
//! the guest cart whose id the session holds. Each write is one statement or one short
//! transaction; quantities are capped by the database CHECK as well as here.

use super::model::*;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;
use tower_sessions::Session;

/// The session key that holds a guest's cart id.
const CART: &str = "cart";

/// Whose cart a request works on.
#[derive(Debug, Clone)]
pub enum Owner {
    Customer(String),
    Guest,
}

pub async fn owner(state: &AppState, session: &Session) -> Result<Owner, AppError> {
    Ok(
        match crate::accounts::session::current(&state.db, session).await? {
            Some(user) => Owner::Customer(user.id),
            None => Owner::Guest,
        },
    )
}

/// The id of the current cart; with `create`, one is made when there is none.
pub async fn cart_id(
    db: &Db,
    session: &Session,
    owner: &Owner,
    create: bool,
) -> Result<Option<String>, AppError> {
    match owner {
        Owner::Customer(user_id) => {
            let found: Option<(String,)> =
                sqlx::query_as("select id from carts where user_id = $1")
                    .bind(user_id)
                    .fetch_optional(db.pool())
                    .await?;
            if found.is_some() || !create {
                return Ok(found.map(|(id,)| id));
            }
            let now = now_ms();
            sqlx::query(
                "insert into carts (id, user_id, created_at, updated_at) values ($1, $2, $3, $3) \
                 on conflict (user_id) do nothing",
            )
            .bind(new_id())
            .bind(user_id)
            .bind(now)
            .execute(db.pool())
            .await?;
            let (id,): (String,) = sqlx::query_as("select id from carts where user_id = $1")
                .bind(user_id)
                .fetch_one(db.pool())
                .await?;
            Ok(Some(id))
        }
        Owner::Guest => {
            if let Some(id) = session.get::<String>(CART).await.map_err(AppError::from)? {
                return Ok(Some(id));
            }
            if !create {
                return Ok(None);
            }
            let id = new_id();
            let now = now_ms();
            sqlx::query("insert into carts (id, created_at, updated_at) values ($1, $2, $2)")
                .bind(&id)
                .bind(now)
                .execute(db.pool())
                .await?;
            session.insert(CART, &id).await.map_err(AppError::from)?;
            Ok(Some(id))
        }
    }
}

/// Adds `quantity` of a variant (to what is already there), capped by what is left.
pub async fn add(
    state: &AppState,
    session: &Session,
    variant_id: &str,
    quantity: &str,
) -> Result<Cart, AppError> {
    let quantity =
        parse_quantity(quantity, false).map_err(|m| AppError::validation("quantity", m))?;
    let (available, currency) = buyable(&state.db, variant_id).await?;
    if available <= 0 {
        return Err(AppError::Conflict("Sorry, this is sold out.".into()));
    }
    let owner = owner(state, session).await?;
    let cart = cart_id(&state.db, session, &owner, true)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no cart was made")))?;
    let (lines, other_currency): (i64, i64) = sqlx::query_as(
        "select count(*), cast(coalesce(sum(case when p.currency <> $2 then 1 else 0 end), 0) as bigint) \
         from cart_lines l join variants v on v.id = l.variant_id \
         join products p on p.id = v.product_id where l.cart_id = $1",
    )
    .bind(&cart)
    .bind(currency.code())
    .fetch_one(state.db.pool())
    .await?;
    if other_currency > 0 {
        return Err(AppError::Conflict(format!(
            "This item is priced in {}; your cart is in another currency. Check out first, then add it.",
            currency.code()
        )));
    }
    if lines >= MAX_LINES {
        return Err(AppError::Conflict(format!(
            "A cart holds at most {MAX_LINES} different items."
        )));
    }
    let cap = available.min(MAX_QUANTITY);
    sqlx::query(
        "insert into cart_lines (cart_id, variant_id, quantity, added_at) values ($1, $2, $3, $4) \
         on conflict (cart_id, variant_id) do update set quantity = \
           case when cart_lines.quantity + excluded.quantity > $5 then $5 \
                else cart_lines.quantity + excluded.quantity end",
    )
    .bind(&cart)
    .bind(variant_id)
    .bind(quantity.min(cap))
    .bind(now_ms())
    .bind(cap)
    .execute(state.db.pool())
    .await?;
    crate::analytics::funnel::record(state, crate::analytics::funnel::Step::Carted).await;
    read(&state.db, &cart).await
}

/// Sets a line's quantity; 0 removes it.
pub async fn set_quantity(
    state: &AppState,
    session: &Session,
    variant_id: &str,
    quantity: &str,
) -> Result<Cart, AppError> {
    let quantity =
        parse_quantity(quantity, true).map_err(|m| AppError::validation("quantity", m))?;
    let owner = owner(state, session).await?;
    let Some(cart) = cart_id(&state.db, session, &owner, false).await? else {
        return Ok(Cart::default());
    };
    if quantity == 0 {
        sqlx::query("delete from cart_lines where cart_id = $1 and variant_id = $2")
            .bind(&cart)
            .bind(variant_id)
            .execute(state.db.pool())
            .await?;
    } else {
        let (available, _) = buyable(&state.db, variant_id).await?;
        if quantity > available {
            return Err(AppError::validation(
                "quantity",
                if available <= 0 {
                    "Sorry, this is sold out now; remove it to check out.".to_owned()
                } else {
                    format!("Only {available} left.")
                },
            ));
        }
        let done = sqlx::query(
            "update cart_lines set quantity = $3 where cart_id = $1 and variant_id = $2",
        )
        .bind(&cart)
        .bind(variant_id)
        .bind(quantity)
        .execute(state.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound("cart line".into()));
        }
    }
    read(&state.db, &cart).await
}

/// The current cart, priced now.
pub async fn current(state: &AppState, session: &Session) -> Result<Cart, AppError> {
    let owner = owner(state, session).await?;
    match cart_id(&state.db, session, &owner, false).await? {
        Some(cart) => read(&state.db, &cart).await,
        None => Ok(Cart::default()),
    }
}

/// Units available and the currency of an active product's variant; not found otherwise.
async fn buyable(db: &Db, variant_id: &str) -> Result<(i64, Currency), AppError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "select v.stock - v.reserved, p.currency from variants v \
         join products p on p.id = v.product_id where v.id = $1 and p.status = 'active'",
    )
    .bind(variant_id)
    .fetch_optional(db.pool())
    .await?;
    let (available, currency) = row.ok_or_else(|| AppError::NotFound("product".into()))?;
    Ok((available, Currency::parse(&currency).unwrap_or_default()))
}

#[derive(sqlx::FromRow)]
struct LineRow {
    variant_id: String,
    quantity: i64,
    slug: String,
    name: String,
    status: String,
    currency: String,
    option1: Option<String>,
    option2: Option<String>,
    option3: Option<String>,
    sku: String,
    price: i64,
    compare_at_price: Option<i64>,
    available: i64,
    weight_grams: i64,
    image_id: Option<String>,
    image_key: Option<String>,
    image_alt: Option<String>,
    image_width: Option<i64>,
    image_height: Option<i64>,
    image_widths: Option<String>,
}

/// A cart priced from the catalog as it is now, one statement.
pub async fn read(db: &Db, cart_id: &str) -> Result<Cart, AppError> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "select l.variant_id, l.quantity, p.slug, p.name, p.status, p.currency, v.option1, \
           v.option2, v.option3, v.sku, v.price, v.compare_at_price, \
           v.stock - v.reserved as available, v.weight_grams, \
           i.id as image_id, i.key as image_key, i.alt as image_alt, i.width as image_width, \
           i.height as image_height, i.widths as image_widths \
         from cart_lines l join variants v on v.id = l.variant_id \
         join products p on p.id = v.product_id \
         left join product_images i on i.id = coalesce(v.image_id, (select i2.id \
           from product_images i2 where i2.product_id = p.id order by i2.position, i2.id limit 1)) \
         where l.cart_id = $1 order by l.added_at, l.variant_id",
    )
    .bind(cart_id)
    .fetch_all(db.pool())
    .await?;
    let mut cart = Cart::default();
    for r in rows {
        let currency = Currency::parse(&r.currency).unwrap_or_default();
        cart.subtotal.currency = currency;
        let image = crate::catalog::images::from_columns(
            r.image_id,
            r.image_key,
            r.image_alt,
            r.image_width,
            r.image_height,
            r.image_widths,
        );
        let problem = if r.status != "active" {
            Some("No longer sold; remove it to check out.".to_owned())
        } else if r.available <= 0 {
            Some("Sold out; remove it to check out.".to_owned())
        } else if r.quantity > r.available {
            Some(format!(
                "Only {} left; lower the quantity to check out.",
                r.available
            ))
        } else {
            None
        };
        // Saturating, never wrapping: an absurd total is refused at checkout
        // (`pricing::MAX_CHARGE`), not turned negative.
        let line_total = r.price.saturating_mul(r.quantity);
        cart.count = cart.count.saturating_add(r.quantity);
        cart.subtotal.minor = cart.subtotal.minor.saturating_add(line_total);
        cart.lines.push(CartLine {
            variant_title: crate::catalog::model::variant_title([r.option1, r.option2, r.option3]),
            variant_id: r.variant_id,
            product_slug: r.slug,
            product_name: r.name,
            sku: r.sku,
            image,
            unit_price: Money::new(r.price, currency),
            compare_at: r
                .compare_at_price
                .filter(|c| *c > r.price)
                .map(|c| Money::new(c, currency)),
            quantity: r.quantity,
            line_total: Money::new(line_total, currency),
            available: r.available.max(0),
            weight_grams: r.weight_grams,
            problem,
        });
    }
    Ok(cart)
}

/// At sign-in: moves the guest cart's lines into the customer's cart (quantities added,
/// capped) and forgets the guest cart. Runs after the session id was cycled; the cart id
/// travels with the session data.
pub async fn merge_at_sign_in(db: &Db, session: &Session, user_id: &str) -> Result<(), AppError> {
    let Some(guest) = session.get::<String>(CART).await.map_err(AppError::from)? else {
        return Ok(());
    };
    session
        .remove::<String>(CART)
        .await
        .map_err(AppError::from)?;
    let owner = Owner::Customer(user_id.to_owned());
    let Some(mine) = cart_id(db, session, &owner, true).await? else {
        return Ok(());
    };
    if mine == guest {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into cart_lines (cart_id, variant_id, quantity, added_at) \
         select $1, variant_id, quantity, added_at from cart_lines where cart_id = $2 \
         on conflict (cart_id, variant_id) do update set quantity = \
           case when cart_lines.quantity + excluded.quantity > $3 then $3 \
                else cart_lines.quantity + excluded.quantity end",
    )
    .bind(&mine)
    .bind(&guest)
    .bind(MAX_QUANTITY)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from carts where id = $1 and user_id is null")
        .bind(&guest)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Empties a cart (its order was placed).
pub async fn clear(
    conn: &mut crate::platform::db::AnyConnection,
    cart_id: &str,
) -> Result<(), AppError> {
    sqlx::query("delete from cart_lines where cart_id = $1")
        .bind(cart_id)
        .execute(conn)
        .await?;
    Ok(())
}
