//! The pay step `/checkout/pay` (the labelled test card form, or Stripe's Payment
//! Element), showing the payment's own snapshot — what is charged and where it ships —
//! and `/checkout/complete`, where Stripe sends the shopper back.

use super::api::*;
use super::model::*;
use crate::web::forms::{error_signal, take_flash, Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What a started payment pays for, from its frozen snapshot: the lines, the address it
/// ships to and the totals that are charged.
#[component]
fn PaidSummary(summary: PaymentSummary) -> impl IntoView {
    let t = summary.totals;
    let a = summary.address.clone();
    view! {
        <ul class="summary__lines" data-testid="paid-lines">
            {summary.lines.iter().map(|l| view! {
                <li data-testid="summary-line">
                    <span>{format!("{} × {}", l.quantity, l.product_name)}
                        {(!l.variant_title.is_empty()).then(|| format!(" ({})", l.variant_title))}</span>
                    <span>{l.line_total.to_string()}</span>
                </li>
            }).collect_view()}
        </ul>
        <p class="pay__ship-to" data-testid="paid-address">
            "Ships to " {a.full_name.clone()} ", " {a.line1.clone()} ", " {a.city.clone()} ", " {a.country.clone()}
            " · " {summary.shipping_name.clone()}
        </p>
        <dl class="totals" data-testid="totals">
            <dt>"Subtotal"</dt><dd data-testid="total-subtotal">{t.subtotal.to_string()}</dd>
            {(t.discount.minor > 0).then(|| view! {
                <dt>{format!("Discount{}", summary.discount_code.clone().map(|c| format!(" ({c})")).unwrap_or_default())}</dt>
                <dd data-testid="total-discount">{format!("−{}", t.discount)}</dd>
            })}
            <dt>"Shipping"</dt><dd data-testid="total-shipping">{t.shipping.to_string()}</dd>
            {(t.tax.minor > 0).then(|| view! {
                <dt>{if t.tax_inclusive { "Tax (included)" } else { "Tax" }}</dt>
                <dd data-testid="total-tax">{t.tax.to_string()}</dd>
            })}
            <dt class="totals__grand">"Total"</dt><dd class="totals__grand" data-testid="total">{t.total.to_string()}</dd>
        </dl>
    }
}

#[component]
pub fn PayPage() -> impl IntoView {
    let card = ServerAction::<PayWithTestCard>::new();
    let retry_payment = ServerAction::<StartPayment>::new();
    let checkout = Resource::new(
        move || (card.version().get(), retry_payment.version().get()),
        |_| get_checkout(),
    );
    let flash = Resource::new_blocking(|| (), |_| take_flash("test-card".into()));
    view! {
        <Title text="Payment" />
        <h1>"Payment"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten();
                let view = match checkout.await {
                    Ok(v) => v,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                };
                let Some(pending) = view.pending.clone() else {
                    // A declined card (or an expired hold): pay again from here, holding
                    // the stock anew, or go back and change something.
                    let retry = view.last_error.is_some() && view.ready();
                    return view! {
                        <div class="empty" data-testid="no-payment">
                            {view.last_error.clone().map(|e| view! { <p class="form-error" role="alert" data-testid="last-payment-error">{e}</p> })}
                            {if retry {
                                view! {
                                    <ActionForm action=retry_payment>
                                        <button type="submit" class="button button--primary" data-testid="retry-payment">"Try again"</button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                view! { <p>"There is no payment in progress."</p> }.into_any()
                            }}
                            <a class="button" href="/checkout">"Back to checkout"</a>
                        </div>
                    }.into_any();
                };
                let error = error_signal(card.value(), flash);
                let total = pending.total.to_string();
                let step = if view.provider.test_mode {
                    view! {
                        <section class="card test-payment" data-testid="test-payment">
                            <p class="test-payment__badge">"TEST MODE — no real money moves"</p>
                            <p>"This store has no payment provider configured. Use "
                                <code>"4242 4242 4242 4242"</code>" to pay or "
                                <code>"4000 0000 0000 0002"</code>" to see a declined card."</p>
                            <ActionForm action=card attr:class="form">
                                <FormError error />
                                <Field label="Test card number" name="card" autocomplete="off" value=String::new() error />
                                <button type="submit" class="button button--primary" data-testid="pay-test">{format!("Pay {total}")}</button>
                            </ActionForm>
                        </section>
                    }.into_any()
                } else {
                    // Storefront pages are server HTML, always a full page load: the scripts
                    // below run as the page is parsed (docs/adr/0006).
                    let key = view.provider.publishable_key.clone().unwrap_or_default();
                    let secret = pending.client_secret.clone().unwrap_or_default();
                    view! {
                        <section class="card" data-testid="stripe-payment">
                            <form id="stripe-form" data-key=key data-secret=secret data-return="/checkout/complete">
                                <div id="payment-element"></div>
                                <p id="stripe-error" class="form-error" role="alert" hidden></p>
                                <button type="submit" class="button button--primary" id="stripe-submit">{format!("Pay {total}")}</button>
                            </form>
                            <script src="https://js.stripe.com/v3/"></script>
                            <script src="/stripe-checkout.js"></script>
                        </section>
                    }.into_any()
                };
                view! {
                    <div class="pay" data-testid="pay">
                        <PaidSummary summary=pending.summary.clone() />
                        <p class="field__hint">"Your items are held for you for 15 minutes."</p>
                        {step}
                        <p><a href="/checkout">"Back to checkout"</a></p>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

/// Stripe sends the shopper back here with `?payment_intent=…`.
#[component]
pub fn CompletePage() -> impl IntoView {
    let query = use_query_map();
    let intent = Memo::new(move |_| query.with(|q| q.get("payment_intent").unwrap_or_default()));
    let result = Resource::new(move || intent.get(), complete_payment);
    view! {
        <Title text="Payment" />
        <Suspense fallback=|| view! { <p class="loading">"Confirming your payment…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(Some(path)) => view! { <p>"Payment received. " <a href=path>"See your order"</a></p> }.into_any(),
                    Ok(None) => view! {
                        <div class="notice" data-testid="processing">
                            <p>"Your payment is processing. This page will show your order as soon as it is confirmed."</p>
                            <meta http-equiv="refresh" content="3" />
                        </div>
                    }.into_any(),
                    Err(err) => view! {
                        <p class="form-error" role="alert">{err.message}</p>
                        <a class="button" href="/checkout/pay">"Try again"</a>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
