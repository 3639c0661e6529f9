//! `/admin/settings/checkout`: shipping rates, tax rates and discount codes.

use crate::checkout::api::{
    admin_checkout_settings, AddDiscount, AddShippingRate, AddTaxRate, DeleteCheckoutSetting,
};
use crate::checkout::pricing::DiscountKind;
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

fn money(minor: i64) -> String {
    crate::platform::money::Money::new(minor, Default::default()).decimal()
}

#[component]
pub fn CheckoutSettingsPage() -> impl IntoView {
    let shipping = ServerAction::<AddShippingRate>::new();
    let tax = ServerAction::<AddTaxRate>::new();
    let discount = ServerAction::<AddDiscount>::new();
    let delete = ServerAction::<DeleteCheckoutSetting>::new();
    let settings = Resource::new(
        move || {
            (
                shipping.version().get(),
                tax.version().get(),
                discount.version().get(),
                delete.version().get(),
            )
        },
        |_| admin_checkout_settings(),
    );
    let flashes = Resource::new_blocking(
        || (),
        |_| async {
            for form in ["shipping-rate", "tax-rate", "discount", "checkout-settings"] {
                if let Ok(Some(flash)) = take_flash(form.to_owned()).await {
                    return Some(flash);
                }
            }
            None
        },
    );
    let remove = move |what: &'static str, id: String| {
        view! {
            <ActionForm action=delete attr:class="form--inline">
                <input type="hidden" name="what" value=what />
                <input type="hidden" name="id" value=id />
                <button type="submit" class="link-button">{if what == "discount" { "Switch off" } else { "Delete" }}</button>
            </ActionForm>
        }
    };
    view! {
        <Title text="Checkout settings" />
        <h1>"Checkout settings"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let flash = flashes.await;
                let errors = [
                    error_signal(shipping.value(), flash.clone()),
                    error_signal(tax.value(), None),
                    error_signal(discount.value(), None),
                    error_signal(delete.value(), None),
                ];
                let s = match settings.await {
                    Ok(s) => s,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                };
                view! {
                    {errors.into_iter().map(|error| view! { <FormError error /> }).collect_view()}
                    <section class="card" data-testid="shipping-rates">
                        <h2>"Shipping rates"</h2>
                        <p class="field__hint">"Shoppers see the rates of their country, or the * rates if their country has none. A rate costs its base plus the amount per started kilogram (0 for a flat rate)."</p>
                        <table class="table">
                            <thead><tr><th>"Name"</th><th>"Country"</th><th>"Base"</th><th>"Per kg"</th><th></th></tr></thead>
                            <tbody>{s.shipping.into_iter().map(|r| view! {
                                <tr><td>{r.name}</td><td>{r.country}</td><td>{money(r.base_amount)}</td><td>{money(r.per_kg)}</td><td>{remove("shipping", r.id)}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                        <ActionForm action=shipping attr:class="form--inline" attr:data-testid="add-shipping">
                            <input name="name" placeholder="Name" required aria-label="Name" />
                            <input name="country" placeholder="US or *" size="4" required aria-label="Country" />
                            <input name="base_amount" placeholder="Base 5.00" size="8" required aria-label="Base amount" />
                            <input name="per_kg" placeholder="Per kg 0" size="8" aria-label="Per kilogram" />
                            <button type="submit" class="button">"Add rate"</button>
                        </ActionForm>
                    </section>
                    <section class="card" data-testid="tax-rates">
                        <h2>"Tax rates"</h2>
                        <table class="table">
                            <thead><tr><th>"Name"</th><th>"Country"</th><th>"Region"</th><th>"Rate"</th><th>"Prices"</th><th></th></tr></thead>
                            <tbody>{s.taxes.into_iter().map(|t| view! {
                                <tr><td>{t.name}</td><td>{t.country}</td><td>{if t.region.is_empty() { "All".to_owned() } else { t.region }}</td>
                                    <td>{format!("{}%", crate::checkout::pricing::format_percent(t.rate_ppm))}</td><td>{if t.inclusive { "include tax" } else { "exclude tax" }}</td><td>{remove("tax", t.id)}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                        <ActionForm action=tax attr:class="form--inline" attr:data-testid="add-tax">
                            <input name="name" placeholder="Name (VAT)" required aria-label="Name" />
                            <input name="country" placeholder="GB" size="4" required aria-label="Country" />
                            <input name="region" placeholder="Region (optional)" size="10" aria-label="Region" />
                            <input name="rate" placeholder="20" size="6" required aria-label="Rate in percent" />
                            <label class="checkbox"><input type="checkbox" name="inclusive" value="on" />" Prices include it"</label>
                            <button type="submit" class="button">"Add tax"</button>
                        </ActionForm>
                    </section>
                    <section class="card" data-testid="discounts">
                        <h2>"Discount codes"</h2>
                        <table class="table">
                            <thead><tr><th>"Code"</th><th>"Discount"</th><th>"Minimum"</th><th>"Used"</th><th>"Per customer"</th><th>"Active"</th><th></th></tr></thead>
                            <tbody>{s.discounts.into_iter().map(|d| view! {
                                <tr><td>{d.code}</td>
                                    <td>{match d.kind { DiscountKind::Percent => format!("{}%", d.value), DiscountKind::Fixed => money(d.value) }}</td>
                                    <td>{money(d.min_subtotal)}</td>
                                    <td>{format!("{}{}", d.used_count, d.usage_limit.map(|l| format!(" of {l}")).unwrap_or_default())}</td>
                                    <td>{d.per_customer_limit.map(|l| l.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td>{if d.active { "yes" } else { "no" }}</td>
                                    <td>{d.active.then(|| remove("discount", d.id))}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                        <ActionForm action=discount attr:class="form--inline" attr:data-testid="add-discount">
                            <input name="code" placeholder="CODE" required aria-label="Code" />
                            <select name="kind" aria-label="Kind"><option value="percent">"% off"</option><option value="fixed">"amount off"</option></select>
                            <input name="value" placeholder="10" size="6" required aria-label="Value" />
                            <input name="min_subtotal" placeholder="Minimum" size="8" aria-label="Minimum subtotal" />
                            <input name="usage_limit" placeholder="Total uses" size="6" aria-label="Total uses" />
                            <input name="per_customer_limit" placeholder="Per customer" size="6" aria-label="Uses per customer" />
                            <input type="date" name="starts_on" aria-label="Starts" />
                            <input type="date" name="ends_on" aria-label="Ends" />
                            <button type="submit" class="button">"Add code"</button>
                        </ActionForm>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
