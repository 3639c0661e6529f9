//! `/checkout` (contact and address, shipping method, discount code, review). Every step
//! is a plain form that the server answers with a redirect back here; the page then shows
//! the server's new totals. The pay step and Stripe's return are in [`super::pay_pages`];
//! `pages::{PayPage, CompletePage}` are re-exported for the routes.

pub use super::pay_pages::{CompletePage, PayPage};

use super::api::*;
use super::model::*;
use crate::accounts::countries::COUNTRIES;
use crate::web::forms::{error_signal, kept, take_flash, Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let contact = ServerAction::<SaveCheckoutContact>::new();
    let shipping = ServerAction::<ChooseShipping>::new();
    let discount = ServerAction::<ApplyDiscountCode>::new();
    let pay = ServerAction::<StartPayment>::new();
    let versions = move || {
        (
            contact.version().get(),
            shipping.version().get(),
            discount.version().get(),
            pay.version().get(),
        )
    };
    let checkout = Resource::new(versions, |_| get_checkout());
    let flashes = Resource::new_blocking(
        || (),
        |_| async {
            let take = |f: &str| take_flash(f.to_owned());
            (
                take("checkout-contact").await.ok().flatten(),
                take("checkout-shipping").await.ok().flatten(),
                take("checkout-discount").await.ok().flatten(),
                take("checkout-pay").await.ok().flatten(),
            )
        },
    );
    view! {
        <Title text="Checkout" />
        <h1>"Checkout"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (f_contact, f_shipping, f_discount, f_pay) = flashes.await;
                let view = match checkout.await {
                    Ok(v) => v,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                };
                if view.cart.is_empty() {
                    return view! {
                        <div class="empty" data-testid="checkout-empty">
                            <p>"Your cart is empty."</p>
                            <a class="button" href="/products">"Continue shopping"</a>
                        </div>
                    }.into_any();
                }
                let contact_error = error_signal(contact.value(), f_contact.clone());
                let shipping_error = error_signal(shipping.value(), f_shipping);
                let discount_error = error_signal(discount.value(), f_discount.clone());
                let pay_error = error_signal(pay.value(), f_pay);
                let ready = view.ready();
                view! {
                    <div class="checkout" data-testid="checkout">
                        <div class="checkout__steps">
                            {view.pending.clone().map(|_| view! {
                                <p class="notice" data-testid="payment-in-progress">
                                    "A payment is in progress. " <a href="/checkout/pay">"Continue to payment"</a>
                                    " — or change something below and pay again."
                                </p>
                            })}
                            {view.last_error.clone().map(|e| view! { <p class="form-error" role="alert" data-testid="last-payment-error">{e}</p> })}
                            <ContactStep view=view.clone() action=contact error=contact_error flash=f_contact />
                            <ShippingStep view=view.clone() action=shipping error=shipping_error />
                            <DiscountStep view=view.clone() action=discount error=discount_error flash=f_discount />
                        </div>
                        <aside class="checkout__summary" data-testid="review">
                            <h2>"Order summary"</h2>
                            <Summary view=view.clone() />
                            <FormError error=pay_error />
                            {view.problem.clone().map(|p| view! { <p class="form-error" role="alert" data-testid="checkout-problem">{p}</p> })}
                            <ActionForm action=pay>
                                <button type="submit" class="button button--primary button--block" disabled=!ready data-testid="pay-now">
                                    {format!("Pay {}", view.totals.total)}
                                </button>
                            </ActionForm>
                            {(!ready).then(|| view! { <p class="field__hint">"Enter your contact details, address and shipping method to pay."</p> })}
                        </aside>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn ContactStep(
    view: CheckoutView,
    action: ServerAction<SaveCheckoutContact>,
    error: Signal<Option<crate::platform::error::PublicError>>,
    flash: Option<crate::web::forms::Flash>,
) -> impl IntoView {
    let a = view.address.clone().unwrap_or_default();
    let value = move |name: &str, current: &str| {
        if flash.is_some() {
            kept(&flash, name)
        } else {
            current.to_owned()
        }
    };
    let email = value("email", &view.email);
    let country = value("country", &a.country);
    let saved = view.saved_addresses.clone();
    let country_error = move || {
        error
            .get()
            .filter(|e| e.field.as_deref() == Some("country"))
            .map(|e| view! { <p class="field__error">{e.message}</p> })
    };
    view! {
        <section class="checkout-step card" data-testid="step-contact">
            <h2>"1. Contact and shipping address"</h2>
            <ActionForm action attr:class="form">
                <FormError error />
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email hint="For your receipt and shipping updates." error />
                {(!saved.is_empty()).then(|| view! {
                    <fieldset class="field">
                        <legend>"Saved addresses"</legend>
                        {saved.iter().map(|s| view! {
                            <label class="radio">
                                <input type="radio" name="saved_address" value=s.id.clone() data-testid="saved-address" />
                                {format!(" {}, {}, {} {}", s.full_name, s.line1, s.city, s.country)}
                            </label>
                        }).collect_view()}
                        <label class="radio"><input type="radio" name="saved_address" value="" checked=true />" A new address (below)"</label>
                    </fieldset>
                })}
                <Field label="Full name" name="full_name" autocomplete="name" value=value("full_name", &a.full_name) required=saved.is_empty() error />
                <Field label="Company (optional)" name="company" autocomplete="organization" required=false value=value("company", &a.company) error />
                <Field label="Street address" name="line1" autocomplete="address-line1" value=value("line1", &a.line1) required=saved.is_empty() error />
                <Field label="Apartment, suite, etc. (optional)" name="line2" autocomplete="address-line2" required=false value=value("line2", &a.line2) error />
                <div class="field-row">
                    <Field label="City" name="city" autocomplete="address-level2" value=value("city", &a.city) required=saved.is_empty() error />
                    <Field label="State / region" name="region" autocomplete="address-level1" required=false value=value("region", &a.region) error />
                    <Field label="Postal code" name="postal_code" autocomplete="postal-code" required=false value=value("postal_code", &a.postal_code) error />
                </div>
                <div class="field">
                    <label for="field-country">"Country"</label>
                    <select id="field-country" name="country" autocomplete="country" data-testid="input-country">
                        <option value="" selected=country.is_empty()>"Choose a country"</option>
                        {COUNTRIES.iter().map(|(code, name)| view! { <option value=*code selected=*code == country>{*name}</option> }).collect_view()}
                    </select>
                    {country_error}
                </div>
                <Field label="Phone (optional)" name="phone" kind="tel" autocomplete="tel" required=false value=value("phone", &a.phone) error />
                <button type="submit" class="button" data-testid="save-contact">"Save and see shipping"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ShippingStep(
    view: CheckoutView,
    action: ServerAction<ChooseShipping>,
    error: Signal<Option<crate::platform::error::PublicError>>,
) -> impl IntoView {
    let body = if view.address.is_none() {
        view! { <p class="field__hint">"Enter your address to see the shipping methods."</p> }
            .into_any()
    } else if view.rates.is_empty() {
        view! { <p class="form-error" role="alert" data-testid="no-rates">"We do not ship to this country yet."</p> }.into_any()
    } else {
        let chosen = view.shipping_rate_id.clone();
        view! {
            <ActionForm action attr:class="form">
                <FormError error />
                <fieldset class="rates">
                    <legend class="visually-hidden">"Shipping method"</legend>
                    {view.rates.iter().map(|r| view! {
                        <label class="radio rate" data-testid="rate">
                            <input type="radio" name="rate_id" value=r.id.clone() checked=Some(&r.id) == chosen.as_ref() required />
                            " " {r.name.clone()} " " <strong>{r.price.to_string()}</strong>
                        </label>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button" data-testid="choose-rate">"Use this method"</button>
            </ActionForm>
        }.into_any()
    };
    view! {
        <section class="checkout-step card" data-testid="step-shipping">
            <h2>"2. Shipping method"</h2>
            {body}
        </section>
    }
}

#[component]
fn DiscountStep(
    view: CheckoutView,
    action: ServerAction<ApplyDiscountCode>,
    error: Signal<Option<crate::platform::error::PublicError>>,
    flash: Option<crate::web::forms::Flash>,
) -> impl IntoView {
    let typed = kept(&flash, "code");
    view! {
        <section class="checkout-step card" data-testid="step-discount">
            <h2>"3. Discount code"</h2>
            {match view.discount_code.clone() {
                Some(code) => view! {
                    <ActionForm action attr:class="form form--inline">
                        <p>"Code " <strong data-testid="applied-code">{code}</strong>
                            {view.discount_problem.clone().map(|p| view! { " — " <span class="field__error" data-testid="code-problem">{p}</span> })}
                        </p>
                        <input type="hidden" name="code" value="" />
                        <button type="submit" class="link-button" data-testid="remove-code">"Remove"</button>
                    </ActionForm>
                }.into_any(),
                None => view! {
                    <ActionForm action attr:class="form form--inline">
                        <Field label="Code" name="code" autocomplete="off" value=typed required=false error />
                        <button type="submit" class="button" data-testid="apply-code">"Apply"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

/// Lines and totals, as the server computed them.
#[component]
pub fn Summary(view: CheckoutView) -> impl IntoView {
    let t = view.totals;
    let shipping_name = view
        .rates
        .iter()
        .find(|r| Some(&r.id) == view.shipping_rate_id.as_ref())
        .map(|r| r.name.clone());
    view! {
        <ul class="summary__lines">
            {view.cart.lines.iter().map(|l| view! {
                <li data-testid="summary-line">
                    <span>{format!("{} × {}", l.quantity, l.product_name)}
                        {(!l.variant_title.is_empty()).then(|| format!(" ({})", l.variant_title))}</span>
                    <span>{l.line_total.to_string()}</span>
                    {l.problem.clone().map(|p| view! { <span class="field__error">{p}</span> })}
                </li>
            }).collect_view()}
        </ul>
        <dl class="totals" data-testid="totals">
            <dt>"Subtotal"</dt><dd data-testid="total-subtotal">{t.subtotal.to_string()}</dd>
            {(t.discount.minor > 0).then(|| view! { <dt>"Discount"</dt><dd data-testid="total-discount">{format!("−{}", t.discount)}</dd> })}
            <dt>{match shipping_name { Some(n) => format!("Shipping ({n})"), None => "Shipping".to_owned() }}</dt>
            <dd data-testid="total-shipping">{if view.shipping_rate_id.is_some() { t.shipping.to_string() } else { "—".to_owned() }}</dd>
            {(t.tax.minor > 0).then(|| view! {
                <dt>{format!("{}{}", view.tax_name.clone().unwrap_or_else(|| "Tax".into()), if t.tax_inclusive { " (included)" } else { "" })}</dt>
                <dd data-testid="total-tax">{t.tax.to_string()}</dd>
            })}
            <dt class="totals__grand">"Total"</dt><dd class="totals__grand" data-testid="total">{t.total.to_string()}</dd>
        </dl>
    }
}
