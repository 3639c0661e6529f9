//! The cart page, the product page's "Add to cart" form and the header's mini-cart.
//!
//! Every form is a plain HTML form (it posts to the server function, which redirects
//! back): the cart page is server HTML. Only the product page's buy box and the header's
//! count are islands; the buy box announces a change with [`cart_changed`], and the
//! count reads the cart again.

use super::api::{get_cart, get_cart_summary, AddToCart as AddToCartFn, UpdateCartLine};
use super::model::*;
use crate::catalog::pages::parts::Picture;
use crate::web::forms::{error_signal, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

/// The browser event an island sends after it changed the cart, so that the others (the
/// header's count) read it again: islands share no reactive state.
pub const CART_CHANGED: &str = "oxcart:cart-changed";

/// Tells the page's other islands that the cart changed (browser only).
pub fn cart_changed() {
    #[cfg(feature = "hydrate")]
    if let Ok(event) = web_sys::CustomEvent::new(CART_CHANGED) {
        let _ = window().dispatch_event(&event);
    }
}

/// The header's cart link, with the number of units the server counted.
#[component]
pub fn MiniCart() -> impl IntoView {
    let summary = Resource::new_blocking(|| (), |_| get_cart_summary());
    view! {
        <Suspense fallback=|| view! { <CartCount count=0 /> }>
            {move || Suspend::new(async move {
                let count = summary.await.map_or(0, |s| s.count);
                view! { <CartCount count /> }
            })}
        </Suspense>
    }
}

/// An island: the cart link's count, read again whenever an island changes the cart.
#[island]
fn CartCount(count: i64) -> impl IntoView {
    let count = RwSignal::new(count);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener_untyped(CART_CHANGED, move |_| {
            leptos::task::spawn_local(async move {
                if let Ok(summary) = get_cart_summary().await {
                    count.set(summary.count);
                }
            });
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <a href="/cart" class="icon-link cart-link" data-testid="cart-link"
            aria-label=move || {
                let n = count.get();
                format!("Cart, {n} item{}", if n == 1 { "" } else { "s" })
            }>
            <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M3 4h2l2.4 11.2a2 2 0 0 0 2 1.8h7.7a2 2 0 0 0 2-1.6L21 8H6" />
                <circle cx="10" cy="20.5" r="1.3" />
                <circle cx="17" cy="20.5" r="1.3" />
            </svg>
            {move || (count.get() > 0).then(|| view! {
                <span class="cart-link__count" data-testid="cart-count">{count.get()}</span>
            })}
        </a>
    }
}

/// Quantity and "Add to cart" for the chosen variant (inside the product page's buy box).
#[component]
pub fn AddToCart(
    #[prop(into)] variant_id: Signal<Option<String>>,
    #[prop(into)] available: Signal<i64>,
) -> impl IntoView {
    let add = ServerAction::<AddToCartFn>::new();
    Effect::new(move |_| {
        if add.value().get().is_some_and(|r| r.is_ok()) {
            cart_changed();
        }
    });
    let error = error_signal(add.value(), None);
    let added = move || add.value().get().and_then(Result::ok);
    view! {
        <ActionForm action=add attr:class="add-to-cart" attr:data-testid="add-to-cart">
            <input type="hidden" name="variant_id" value=move || variant_id.get().unwrap_or_default() />
            <label class="add-to-cart__qty">
                "Quantity"
                <input type="number" name="quantity" value="1" min="1" max=move || available.get().clamp(1, MAX_QUANTITY)
                    inputmode="numeric" required data-testid="quantity" />
            </label>
            <button type="submit" class="button button--primary" data-testid="add-to-cart-button"
                disabled=move || available.get() <= 0 || add.pending().get()>
                {move || if available.get() <= 0 { "Sold out" } else if add.pending().get() { "Adding…" } else { "Add to cart" }}
            </button>
        </ActionForm>
        <FormError error />
        {move || added().map(|s| view! {
            <p class="notice" role="status" data-testid="added">
                "Added. " <a href="/cart">{format!("View cart ({})", s.count)}</a>
            </p>
        })}
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let update = ServerAction::<UpdateCartLine>::new();
    let flash = Resource::new_blocking(|| (), |_| crate::web::forms::take_flash("cart".into()));
    let cart = Resource::new(|| (), |_| get_cart());
    view! {
        <Title text="Cart" />
        <h1>"Your cart"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten();
                let error = error_signal(update.value(), flash);
                match cart.await {
                    Ok(cart) if cart.is_empty() => view! {
                        <div class="empty" data-testid="cart-empty">
                            <p>"Your cart is empty."</p>
                            <a class="button" href="/products">"Continue shopping"</a>
                        </div>
                    }.into_any(),
                    Ok(cart) => view! { <FormError error /><CartTable cart update /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CartTable(cart: Cart, update: ServerAction<UpdateCartLine>) -> impl IntoView {
    let blocked = cart.has_problems();
    let subtotal = cart.subtotal.to_string();
    view! {
        <div class="cart" data-testid="cart">
            <ul class="cart__lines">
                {cart.lines.into_iter().map(|line| {
                    let id = line.variant_id.clone();
                    let remove_id = line.variant_id.clone();
                    view! {
                        <li class="cart-line" data-testid="cart-line" data-sku=line.sku.clone()>
                            <a class="cart-line__image" href=format!("/products/{}?variant={}", line.product_slug, line.variant_id)>
                                {line.image.map(|image| view! { <Picture image sizes="96px" /> })}
                            </a>
                            <div class="cart-line__info">
                                <a href=format!("/products/{}?variant={}", line.product_slug, line.variant_id) data-testid="line-name">{line.product_name}</a>
                                <p class="cart-line__variant">{line.variant_title}</p>
                                <p class="cart-line__price">{line.unit_price.to_string()}
                                    {line.compare_at.map(|c| view! { " " <s class="price--was">{c.to_string()}</s> })}
                                </p>
                                {line.problem.map(|p| view! { <p class="field__error" data-testid="line-problem">{p}</p> })}
                            </div>
                            <ActionForm action=update attr:class="cart-line__qty">
                                <input type="hidden" name="variant_id" value=id />
                                <label>
                                    <span class="visually-hidden">"Quantity"</span>
                                    <input type="number" name="quantity" value=line.quantity min="0" max=MAX_QUANTITY inputmode="numeric" data-testid="line-quantity" />
                                </label>
                                <button type="submit" class="button button--small" data-testid="line-update">"Update"</button>
                            </ActionForm>
                            <ActionForm action=update attr:class="cart-line__remove">
                                <input type="hidden" name="variant_id" value=remove_id />
                                <input type="hidden" name="quantity" value="0" />
                                <button type="submit" class="link-button" data-testid="line-remove">"Remove"</button>
                            </ActionForm>
                            <p class="cart-line__total" data-testid="line-total">{line.line_total.to_string()}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <aside class="cart__summary">
                <p class="cart__subtotal">"Subtotal " <strong data-testid="cart-subtotal">{subtotal}</strong></p>
                <p class="cart__note">"Shipping and tax are worked out at checkout."</p>
                {if blocked {
                    view! { <p class="field__error">"Fix the items marked above to check out."</p> }.into_any()
                } else {
                    view! { <a class="button button--primary button--block" href="/checkout" data-testid="checkout-link">"Check out"</a> }.into_any()
                }}
            </aside>
        </div>
    }
}
