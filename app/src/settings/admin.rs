//! `/admin/settings/checkout`: shipping rates and tax rates (`settings.manage`), discount
//! codes (`discounts.manage`). Each rule can be added, edited (its form opens under its
//! row, at the version shown, so two people editing one rule get a conflict, not a silent
//! overwrite) and switched off; rates can also be deleted.

use crate::checkout::api::{
    admin_checkout_settings, AddDiscount, AddShippingRate, AddTaxRate, DeleteCheckoutSetting,
};
use crate::checkout::model::Discount;
use crate::checkout::pricing::{format_percent, DiscountKind, ShippingRate, TaxRate};
use crate::orders::pages::iso_day;
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
    let staff = use_context::<crate::accounts::model::Staff>();
    let may = |p| staff.as_ref().is_some_and(|s| s.0.can(p));
    let (rates, codes) = (
        may(crate::accounts::Permission::SettingsManage),
        may(crate::accounts::Permission::DiscountsManage),
    );
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
                    {rates.then(|| view! { <ShippingSection list=s.shipping.clone() action=shipping delete /> <TaxSection list=s.taxes.clone() action=tax delete /> })}
                    {codes.then(|| view! { <DiscountSection list=s.discounts.clone() action=discount delete /> })}
                }.into_any()
            })}
        </Suspense>
    }
}

/// The hidden fields that make a form an edit of `id` at `version`, and its on/off box.
#[component]
fn EditFields(id: String, version: i64, active: bool) -> impl IntoView {
    view! {
        <input type="hidden" name="id" value=id />
        <input type="hidden" name="version" value=version.to_string() />
        <label class="checkbox"><input type="checkbox" name="active" value="on" checked=active data-testid="rule-active" />" Active"</label>
    }
}

#[component]
fn Remove(
    what: &'static str,
    id: String,
    delete: ServerAction<DeleteCheckoutSetting>,
) -> impl IntoView {
    view! {
        <ActionForm action=delete attr:class="form--inline">
            <input type="hidden" name="what" value=what />
            <input type="hidden" name="id" value=id />
            <button type="submit" class="link-button">{if what == "discount" { "Switch off" } else { "Delete" }}</button>
        </ActionForm>
    }
}

#[component]
fn ShippingFields(rate: Option<ShippingRate>) -> impl IntoView {
    let r = rate.unwrap_or_default();
    let edit = !r.id.is_empty();
    view! {
        <input name="name" placeholder="Name" required aria-label="Name" value=r.name />
        <input name="country" placeholder="US or *" size="4" required aria-label="Country" value=r.country />
        <input name="base_amount" placeholder="Base 5.00" size="8" required aria-label="Base amount" value=edit.then(|| money(r.base_amount)) />
        <input name="per_kg" placeholder="Per kg 0" size="8" aria-label="Per kilogram" value=edit.then(|| money(r.per_kg)) />
    }
}

#[component]
fn ShippingSection(
    list: Vec<ShippingRate>,
    action: ServerAction<AddShippingRate>,
    delete: ServerAction<DeleteCheckoutSetting>,
) -> impl IntoView {
    view! {
        <section class="card" data-testid="shipping-rates">
            <h2>"Shipping rates"</h2>
            <p class="field__hint">"Shoppers see the active rates of their country, or the * rates if their country has none. A rate costs its base plus the amount per started kilogram (0 for a flat rate)."</p>
            <table class="table">
                <thead><tr><th>"Name"</th><th>"Country"</th><th>"Base"</th><th>"Per kg"</th><th>"Active"</th><th></th></tr></thead>
                <tbody>{list.into_iter().map(|r| view! {
                    <tr data-testid="shipping-row"><td>{r.name.clone()}</td><td>{r.country.clone()}</td><td>{money(r.base_amount)}</td><td>{money(r.per_kg)}</td>
                        <td>{if r.active { "yes" } else { "off" }}</td><td><Remove what="shipping" id=r.id.clone() delete /></td></tr>
                    <tr><td colspan="6"><details><summary>"Edit"</summary>
                        <ActionForm action attr:class="form--inline">
                            <EditFields id=r.id.clone() version=r.version active=r.active />
                            <ShippingFields rate=Some(r) />
                            <button type="submit" class="button button--small">"Save"</button>
                        </ActionForm>
                    </details></td></tr>
                }).collect_view()}</tbody>
            </table>
            <ActionForm action attr:class="form--inline" attr:data-testid="add-shipping">
                <ShippingFields rate=None />
                <button type="submit" class="button">"Add rate"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn TaxFields(rate: Option<TaxRate>) -> impl IntoView {
    let t = rate.unwrap_or_default();
    let edit = !t.id.is_empty();
    view! {
        <input name="name" placeholder="Name (VAT)" required aria-label="Name" value=t.name />
        <input name="country" placeholder="GB" size="4" required aria-label="Country" value=t.country />
        <input name="region" placeholder="Region (optional)" size="10" aria-label="Region" value=t.region />
        <input name="rate" placeholder="20" size="6" required aria-label="Rate in percent" value=edit.then(|| format_percent(t.rate_ppm)) />
        <label class="checkbox"><input type="checkbox" name="inclusive" value="on" checked=t.inclusive />" Prices include it"</label>
    }
}

#[component]
fn TaxSection(
    list: Vec<TaxRate>,
    action: ServerAction<AddTaxRate>,
    delete: ServerAction<DeleteCheckoutSetting>,
) -> impl IntoView {
    view! {
        <section class="card" data-testid="tax-rates">
            <h2>"Tax rates"</h2>
            <table class="table">
                <thead><tr><th>"Name"</th><th>"Country"</th><th>"Region"</th><th>"Rate"</th><th>"Prices"</th><th>"Active"</th><th></th></tr></thead>
                <tbody>{list.into_iter().map(|t| view! {
                    <tr><td>{t.name.clone()}</td><td>{t.country.clone()}</td><td>{if t.region.is_empty() { "All".to_owned() } else { t.region.clone() }}</td>
                        <td>{format!("{}%", format_percent(t.rate_ppm))}</td><td>{if t.inclusive { "include tax" } else { "exclude tax" }}</td>
                        <td>{if t.active { "yes" } else { "off" }}</td><td><Remove what="tax" id=t.id.clone() delete /></td></tr>
                    <tr><td colspan="7"><details><summary>"Edit"</summary>
                        <ActionForm action attr:class="form--inline">
                            <EditFields id=t.id.clone() version=t.version active=t.active />
                            <TaxFields rate=Some(t) />
                            <button type="submit" class="button button--small">"Save"</button>
                        </ActionForm>
                    </details></td></tr>
                }).collect_view()}</tbody>
            </table>
            <ActionForm action attr:class="form--inline" attr:data-testid="add-tax">
                <TaxFields rate=None />
                <button type="submit" class="button">"Add tax"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DiscountFields(code: Option<Discount>) -> impl IntoView {
    let edit = code.is_some();
    let d = code.unwrap_or_default();
    let percent = d.kind == DiscountKind::Percent;
    let value = edit.then(|| {
        if percent {
            d.value.to_string()
        } else {
            money(d.value)
        }
    });
    let day = |ms: Option<i64>| ms.map(iso_day);
    view! {
        <input name="code" placeholder="CODE" required aria-label="Code" value=d.code />
        <select name="kind" aria-label="Kind"><option value="percent" selected=percent>"% off"</option><option value="fixed" selected=!percent>"amount off"</option></select>
        <input name="value" placeholder="10" size="6" required aria-label="Value" value=value />
        <input name="min_subtotal" placeholder="Minimum" size="8" aria-label="Minimum subtotal" value=(d.min_subtotal > 0).then(|| money(d.min_subtotal)) />
        <input name="usage_limit" placeholder="Total uses" size="6" aria-label="Total uses" value=d.usage_limit.map(|l| l.to_string()) />
        <input name="per_customer_limit" placeholder="Per customer" size="6" aria-label="Uses per customer" value=d.per_customer_limit.map(|l| l.to_string()) />
        <input type="date" name="starts_on" aria-label="Starts" value=day(d.starts_at) />
        // The stored end is the start of the day after the last one.
        <input type="date" name="ends_on" aria-label="Ends" value=day(d.ends_at.map(|e| e - 24 * 3600 * 1000)) />
        <input name="products" placeholder="Only products (web addresses)" size="24" aria-label="Only these products" value=d.products />
        <input name="categories" placeholder="Only categories (web addresses)" size="24" aria-label="Only these categories" value=d.categories />
    }
}

#[component]
fn DiscountSection(
    list: Vec<Discount>,
    action: ServerAction<AddDiscount>,
    delete: ServerAction<DeleteCheckoutSetting>,
) -> impl IntoView {
    view! {
        <section class="card" data-testid="discounts">
            <h2>"Discount codes"</h2>
            <p class="field__hint">"A code may be limited to products or categories (their web addresses, comma-separated): it then takes its discount off those items only. Editing a code changes checkouts from now on, never an order already placed."</p>
            <table class="table">
                <thead><tr><th>"Code"</th><th>"Discount"</th><th>"Minimum"</th><th>"Used"</th><th>"Per customer"</th><th>"Only for"</th><th>"Active"</th><th></th></tr></thead>
                <tbody>{list.into_iter().map(|d| view! {
                    <tr data-testid="discount-row"><td>{d.code.clone()}</td>
                        <td>{match d.kind { DiscountKind::Percent => format!("{}%", d.value), DiscountKind::Fixed => money(d.value) }}</td>
                        <td>{money(d.min_subtotal)}</td>
                        <td>{format!("{}{}", d.used_count, d.usage_limit.map(|l| format!(" of {l}")).unwrap_or_default())}</td>
                        <td>{d.per_customer_limit.map(|l| l.to_string()).unwrap_or_else(|| "—".into())}</td>
                        <td>{[d.products.clone(), d.categories.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ")}</td>
                        <td>{if d.active { "yes" } else { "no" }}</td>
                        <td>{d.active.then(|| view! { <Remove what="discount" id=d.id.clone() delete /> })}</td></tr>
                    <tr><td colspan="8"><details><summary>"Edit"</summary>
                        <ActionForm action attr:class="form--inline" attr:data-testid="edit-discount">
                            <EditFields id=d.id.clone() version=d.version active=d.active />
                            <DiscountFields code=Some(d) />
                            <button type="submit" class="button button--small">"Save"</button>
                        </ActionForm>
                    </details></td></tr>
                }).collect_view()}</tbody>
            </table>
            <ActionForm action attr:class="form--inline" attr:data-testid="add-discount">
                <DiscountFields code=None />
                <button type="submit" class="button">"Add code"</button>
            </ActionForm>
        </section>
    }
}
