//! The address book page: saved addresses as cards, with an add/edit form beside them.

use super::area::AccountFrame;
use super::parts::{flash_resource, query, Notice, RequireUser};
use crate::accounts::api::{list_addresses, DeleteAddress, SaveAddress, SetDefaultAddress};
use crate::accounts::countries::COUNTRIES;
use crate::accounts::model::{Address, CurrentUser};
use crate::web::forms::{error_signal, kept, Field, FormError};
use leptos::prelude::*;

#[component]
pub fn AddressesPage() -> impl IntoView {
    let save = ServerAction::<SaveAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let default = ServerAction::<SetDefaultAddress>::new();
    let addresses = Resource::new_blocking(
        move || {
            (
                save.version().get(),
                delete.version().get(),
                default.version().get(),
            )
        },
        |_| list_addresses(),
    );
    let flash = flash_resource("address");
    let list_flash = flash_resource("addresses");
    let editing = query("edit");
    let saved = query("saved");
    view! {
        <RequireUser children=move |user: CurrentUser| view! {
            <AccountFrame user title="Addresses">
                {move || (saved.get().is_some() || save.value().get().is_some_and(|r| r.is_ok())).then(|| view! {
                    <Notice text="The address was saved.".to_owned() />
                })}
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let list_error = error_signal(
                            Signal::derive(move || delete.value().get().or_else(|| default.value().get())),
                            list_flash.await,
                        );
                        let flash = flash.await;
                        let list = addresses.await.unwrap_or_default();
                        let edit = editing.get().and_then(|id| list.iter().find(|a| a.id == id).cloned());
                        let cards = list
                            .into_iter()
                            .map(|address| view! { <AddressCard address delete default /> })
                            .collect_view();
                        let error = error_signal(save.value(), flash.clone());
                        view! {
                            <FormError error=list_error />
                            <div class="address-list" data-testid="address-list">{cards}</div>
                            <AddressForm action=save error flash edit />
                        }
                    })}
                </Suspense>
            </AccountFrame>
        } />
    }
}

#[component]
fn AddressCard(
    address: Address,
    delete: ServerAction<DeleteAddress>,
    default: ServerAction<SetDefaultAddress>,
) -> impl IntoView {
    let lines = address.lines();
    let country = crate::accounts::countries::name(&address.country).unwrap_or_default();
    let id = address.id.clone();
    let edit_href = format!("/account/addresses?edit={}", address.id);
    view! {
        <article class="card address-card" data-testid="address-card">
            <div class="address-card__badges">
                {address.is_default_shipping.then(|| view! { <span class="badge">"Default shipping"</span> })}
                {address.is_default_billing.then(|| view! { <span class="badge">"Default billing"</span> })}
            </div>
            <address>
                {lines[..lines.len() - 1].iter().map(|l| view! { <span>{l.clone()}</span><br /> }).collect_view()}
                <span>{country}</span>
            </address>
            {(!address.phone.is_empty()).then(|| view! { <p class="muted">{address.phone.clone()}</p> })}
            <div class="address-card__actions">
                <a href=edit_href class="button button--small">"Edit"</a>
                {(!address.is_default_shipping).then(|| {
                    let id = id.clone();
                    view! {
                        <ActionForm action=default>
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="kind" value="shipping" />
                            <button type="submit" class="button button--small button--link">"Use for shipping"</button>
                        </ActionForm>
                    }
                })}
                {(!address.is_default_billing).then(|| {
                    let id = id.clone();
                    view! {
                        <ActionForm action=default>
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="kind" value="billing" />
                            <button type="submit" class="button button--small button--link">"Use for billing"</button>
                        </ActionForm>
                    }
                })}
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=id.clone() />
                    <button type="submit" class="button button--small button--link button--danger-text" data-testid="address-delete">"Remove"</button>
                </ActionForm>
            </div>
        </article>
    }
}

#[component]
fn AddressForm(
    action: ServerAction<SaveAddress>,
    error: Signal<Option<crate::platform::error::PublicError>>,
    flash: Option<crate::web::forms::Flash>,
    edit: Option<Address>,
) -> impl IntoView {
    let current = edit.clone().unwrap_or_default();
    let value = |name: &str, current: &str| {
        if flash.is_some() {
            kept(&flash, name)
        } else {
            current.to_owned()
        }
    };
    let full_name = value("full_name", &current.full_name);
    let company = value("company", &current.company);
    let line1 = value("line1", &current.line1);
    let line2 = value("line2", &current.line2);
    let city = value("city", &current.city);
    let region = value("region", &current.region);
    let postal_code = value("postal_code", &current.postal_code);
    let phone = value("phone", &current.phone);
    let country = value("country", &current.country);
    let heading = if edit.is_some() {
        "Edit address"
    } else {
        "Add an address"
    };
    let country_error = move || {
        error
            .get()
            .filter(|e| e.field.as_deref() == Some("country"))
            .map(|e| view! { <p class="field__error">{e.message}</p> })
    };
    view! {
        <ActionForm action attr:class="form card" attr:data-testid="address-form">
            <h2>{heading}</h2>
            <FormError error />
            <input type="hidden" name="id" value=current.id.clone() />
            <Field label="Full name" name="full_name" autocomplete="name" value=full_name error />
            <Field label="Company (optional)" name="company" autocomplete="organization" required=false value=company error />
            <Field label="Street address" name="line1" autocomplete="address-line1" value=line1 error />
            <Field label="Apartment, suite, etc. (optional)" name="line2" autocomplete="address-line2" required=false value=line2 error />
            <div class="field-row">
                <Field label="City" name="city" autocomplete="address-level2" value=city error />
                <Field label="State / region" name="region" autocomplete="address-level1" required=false value=region error />
                <Field label="Postal code" name="postal_code" autocomplete="postal-code" required=false value=postal_code error />
            </div>
            <div class="field">
                <label for="field-country">"Country"</label>
                <select id="field-country" name="country" autocomplete="country" required data-testid="input-country">
                    <option value="" selected=country.is_empty()>"Choose a country"</option>
                    {COUNTRIES.iter().map(|(code, name)| view! {
                        <option value=*code selected=*code == country>{*name}</option>
                    }).collect_view()}
                </select>
                {country_error}
            </div>
            <Field label="Phone (optional)" name="phone" kind="tel" autocomplete="tel" required=false value=phone error />
            <label class="checkbox"><input type="checkbox" name="default_shipping" checked=current.is_default_shipping />" Default shipping address"</label>
            <label class="checkbox"><input type="checkbox" name="default_billing" checked=current.is_default_billing />" Default billing address"</label>
            <div class="form__actions">
                <button type="submit" class="button button--primary" data-testid="address-submit">"Save address"</button>
                {edit.is_some().then(|| view! { <a href="/account/addresses" class="button">"Cancel"</a> })}
            </div>
        </ActionForm>
    }
}
