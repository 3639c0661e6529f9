//! `/admin/customers/:id`: a customer at a glance — profile, lifetime value, orders,
//! addresses, staff notes and tags, the timeline — and the actions their role allows.

use super::api::{admin_customer, AddCustomerNote, CustomerAction, EraseCustomer, SetCustomerTags};
use super::model::CustomerDetail;
use crate::accounts::model::Staff;
use crate::accounts::Permission;
use crate::orders::pages::when;
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let act = ServerAction::<CustomerAction>::new();
    let note = ServerAction::<AddCustomerNote>::new();
    let tags = ServerAction::<SetCustomerTags>::new();
    let erase = ServerAction::<EraseCustomer>::new();
    let detail = Resource::new(
        move || {
            (
                id.get(),
                act.version().get(),
                note.version().get(),
                tags.version().get(),
            )
        },
        |(id, ..)| admin_customer(id),
    );
    let flash = Resource::new_blocking(
        || (),
        |_| async {
            for form in ["customer", "customer-note", "customer-tags"] {
                if let Ok(Some(flash)) = take_flash(form.to_owned()).await {
                    return Some(flash);
                }
            }
            None
        },
    );
    let query = use_query_map();
    let done = move || query.with(|q| q.get("done"));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let error = error_signal(
                    Signal::derive(move || act.value().get().or_else(|| note.value().get()).or_else(|| tags.value().get()).or_else(|| erase.value().get())),
                    flash.await,
                );
                match detail.await {
                    Ok(d) => view! {
                        <p><a href="/admin/customers">"← Customers"</a></p>
                        <FormError error />
                        {done().map(|what| view! { <p class="notice" role="status" data-testid="notice">{match what.as_str() {
                            "reset" => "A password-reset link is on its way.",
                            "deactivate" => "Deactivated: they are signed out everywhere and cannot sign in.",
                            "reactivate" => "Reactivated: they can sign in again.",
                            _ => "Done.",
                        }}</p> })}
                        <Detail d act note tags erase />
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(
    d: CustomerDetail,
    act: ServerAction<CustomerAction>,
    note: ServerAction<AddCustomerNote>,
    tags: ServerAction<SetCustomerTags>,
    erase: ServerAction<EraseCustomer>,
) -> impl IntoView {
    let staff = use_context::<Staff>();
    let may = |p: Permission| staff.as_ref().is_some_and(|s| s.0.can(p));
    let (write, privacy) = (
        may(Permission::CustomersWrite),
        may(Permission::CustomersErase),
    );
    let c = d.customer.clone();
    let name = if c.full_name.is_empty() {
        c.email.clone()
    } else {
        c.full_name.clone()
    };
    let id = c.id.clone();
    let [id1, id2, id3, id4, id5, id6] = [0; 6].map(|_| id.clone());
    let toggle = if c.active {
        ("deactivate", "Deactivate")
    } else {
        ("reactivate", "Reactivate")
    };
    view! {
        <Title text=name.clone() />
        <div class="admin-head">
            <h1 data-testid="customer-name">{name}</h1>
            <p>
                <span data-testid="customer-email">{c.email.clone()}</span>" · "
                {if c.verified { "verified" } else { "not verified" }}" · "
                <span data-testid="customer-status">{if c.active { "active" } else { "deactivated" }}</span>
                " · signed up " {when(c.created_at)}
            </p>
        </div>
        <div class="dashboard-cards">
            <div class="card dashboard-card"><strong data-testid="customer-orders">{c.orders}</strong>" orders"</div>
            <div class="card dashboard-card"><strong data-testid="customer-ltv">{c.spent.to_string()}</strong>" lifetime value"</div>
            <div class="card dashboard-card"><strong>{d.average_order.to_string()}</strong>" average order"</div>
        </div>
        {write.then(|| view! {
            <div class="order-actions" data-testid="customer-actions">
                <ActionForm action=act attr:class="form--inline">
                    <input type="hidden" name="id" value=id1 />
                    <input type="hidden" name="action" value="reset" />
                    <button type="submit" class="button" data-testid="send-reset">"Send a password reset"</button>
                </ActionForm>
                <ActionForm action=act attr:class="form--inline">
                    <input type="hidden" name="id" value=id2 />
                    <input type="hidden" name="action" value=toggle.0 />
                    <button type="submit" class="button button--danger" data-testid="toggle-active">{toggle.1}</button>
                </ActionForm>
            </div>
        })}
        {privacy.then(|| view! {
            <section class="card" data-testid="privacy">
                <h2>"Privacy"</h2>
                <p><a href=format!("/admin/customers/{id3}/export.json") rel="external" data-testid="export-customer">"Download everything held about them (JSON)"</a></p>
                <ActionForm action=erase attr:class="form--inline">
                    <input type="hidden" name="id" value=id4 />
                    <label>"Type ERASE to remove their personal data; orders are kept with the name and address replaced. "
                        <input name="confirm" size="8" autocomplete="off" data-testid="erase-confirm" /></label>
                    <button type="submit" class="button button--danger" data-testid="erase">"Erase"</button>
                </ActionForm>
            </section>
        })}
        <section class="card">
            <h2>"Tags"</h2>
            <p data-testid="customer-tags">{if c.tags.is_empty() { "None".to_owned() } else { c.tags.join(", ") }}</p>
            {write.then(|| view! {
                <ActionForm action=tags attr:class="form--inline">
                    <input type="hidden" name="id" value=id6 />
                    <input type="hidden" name="version" value=d.version.to_string() />
                    <input name="tags" value=c.tags.join(", ") aria-label="Tags" placeholder="vip, wholesale" />
                    <button type="submit" class="button button--small">"Save tags"</button>
                </ActionForm>
            })}
        </section>
        <section class="card" data-testid="customer-notes">
            <h2>"Notes"</h2>
            {d.notes.into_iter().map(|n| view! {
                <blockquote class="note"><p>{n.body}</p><footer class="muted">{n.author_email}" · "{when(n.created_at)}</footer></blockquote>
            }).collect_view()}
            {write.then(|| view! {
                <ActionForm action=note attr:class="form">
                    <input type="hidden" name="id" value=id5 />
                    <textarea name="body" rows="2" aria-label="New note" maxlength="2000" data-testid="note-body"></textarea>
                    <button type="submit" class="button button--small" data-testid="add-note">"Add note"</button>
                </ActionForm>
            })}
        </section>
        <section class="card">
            <h2>"Addresses"</h2>
            {if d.addresses.is_empty() { view! { <p class="muted">"None saved."</p> }.into_any() } else {
                d.addresses.into_iter().map(|a| view! { <address>{a.lines().join(", ")}</address> }).collect_view().into_any()
            }}
        </section>
        <section class="card">
            <h2>"Orders"</h2>
            {if d.orders.is_empty() { view! { <p class="muted">"No orders yet."</p> }.into_any() } else { view! {
                <div class="table-wrap"><table class="table" data-testid="customer-order-table">
                    <thead><tr><th>"Order"</th><th>"Date"</th><th>"Status"</th><th>"Total"</th></tr></thead>
                    <tbody>{d.orders.into_iter().map(|o| view! {
                        <tr><td><a href=format!("/admin/orders/{}", o.id)>{crate::orders::number_label(o.number)}</a></td>
                        <td>{when(o.created_at)}</td><td>{o.status.label()}</td><td>{o.total.to_string()}</td></tr>
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any() }}
        </section>
        <section class="card">
            <h2>"Timeline"</h2>
            <ol class="timeline" data-testid="customer-timeline">
                {d.timeline.into_iter().map(|t| view! {
                    <li data-kind=t.kind.clone()>
                        <time>{when(t.at)}</time>" "
                        {match t.href { Some(href) => view! { <a href=href>{t.text}</a> }.into_any(), None => view! { <span>{t.text}</span> }.into_any() }}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
