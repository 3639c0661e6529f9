//! `/admin/returns` (by status) and `/admin/returns/:id`: approve or refuse with a
//! message, then, when the parcel comes, choose per line what goes back in stock and
//! refund (the lines' share of what was paid is offered; staff may change it).

use super::api::{admin_return, admin_returns, DecideReturn, ReceiveReturn, SetReturnWindow};
use super::model::{reason_label, Return, ReturnStatus};
use crate::accounts::model::Staff;
use crate::accounts::Permission;
use crate::orders::pages::when;
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ReturnsPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let list = Resource::new(move || status.get(), admin_returns);
    let window = ServerAction::<SetReturnWindow>::new();
    let staff = use_context::<Staff>();
    let settings = staff.is_some_and(|s| s.0.can(Permission::SettingsManage));
    view! {
        <Title text="Returns" />
        <h1>"Returns"</h1>
        {settings.then(|| view! {
            <ActionForm action=window attr:class="form--inline" attr:data-testid="return-window">
                <FormError error=error_signal(window.value(), None) />
                <label>"Customers may ask for a return up to " <input name="days" inputmode="numeric" size="4" placeholder="30" /> " days after delivery "</label>
                <button type="submit" class="button button--small">"Save"</button>
            </ActionForm>
        })}
        <nav class="tabs" aria-label="Status">
            <a href="/admin/returns">"All"</a>
            {ReturnStatus::ALL.iter().map(|s| view! { <a href=format!("/admin/returns?status={}", s.as_str())>{s.label()}</a> }).collect_view()}
        </nav>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="no-returns">"No returns here."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="table" data-testid="returns-table">
                            <thead><tr><th>"Order"</th><th>"Customer"</th><th>"Items"</th><th>"Status"</th><th>"Asked"</th></tr></thead>
                            <tbody>{list.into_iter().map(|r| view! {
                                <tr data-testid="return-row">
                                    <td><a href=format!("/admin/returns/{}", r.id)>{crate::orders::number_label(r.order_number)}</a></td>
                                    <td>{r.email}</td>
                                    <td>{r.lines.iter().map(|l| l.quantity).sum::<i64>()}</td>
                                    <td>{r.status.label()}</td>
                                    <td>{when(r.created_at)}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ReturnAdminPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let decide = ServerAction::<DecideReturn>::new();
    let receive = ServerAction::<ReceiveReturn>::new();
    let ret = Resource::new(
        move || (id.get(), decide.version().get(), receive.version().get()),
        |(id, ..)| admin_return(id),
    );
    let flash = Resource::new_blocking(|| (), |_| take_flash("return".to_owned()));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let error = error_signal(
                    Signal::derive(move || decide.value().get().or_else(|| receive.value().get())),
                    flash.await.ok().flatten(),
                );
                match ret.await {
                    Ok(r) => view! { <FormError error /><Detail r decide receive /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(
    r: Return,
    decide: ServerAction<DecideReturn>,
    receive: ServerAction<ReceiveReturn>,
) -> impl IntoView {
    let staff = use_context::<Staff>();
    let may = |p: Permission| staff.as_ref().is_some_and(|s| s.0.can(p));
    let number = crate::orders::number_label(r.order_number);
    let (id1, id2) = (r.id.clone(), r.id.clone());
    let (version1, version2) = (r.version.to_string(), r.version.to_string());
    let lines = r.lines.clone();
    view! {
        <Title text=format!("Return of {number}") />
        <p><a href="/admin/returns">"← Returns"</a></p>
        <h1>"Return of order " <a href=format!("/admin/orders/{}", r.order_id)>{number}</a></h1>
        <p><span data-testid="return-status">{r.status.label()}</span>" · " {r.email.clone()} " · asked " {when(r.created_at)}</p>
        <div class="table-wrap"><table class="table">
            <thead><tr><th>"Item"</th><th>"Qty"</th><th>"Why"</th><th>"Value"</th><th>"Restocked"</th></tr></thead>
            <tbody>{r.lines.into_iter().map(|l| view! {
                <tr><td>{l.name}<br /><small class="muted">{l.sku}</small></td><td>{l.quantity}</td><td>{reason_label(&l.reason)}</td><td>{l.value.to_string()}</td><td>{if l.restocked { "Yes" } else { "—" }}</td></tr>
            }).collect_view()}</tbody>
        </table></div>
        {(!r.customer_note.is_empty()).then(|| view! { <blockquote class="note">{r.customer_note.clone()}</blockquote> })}
        {(!r.staff_message.is_empty()).then(|| view! { <p class="muted">"Our message: " {r.staff_message.clone()}</p> })}
        {(r.refund_amount.minor > 0).then(|| view! { <p data-testid="return-refund">"Refunded " {r.refund_amount.to_string()}</p> })}
        {(r.status == ReturnStatus::Requested && may(Permission::OrdersFulfil)).then(|| view! {
            <ActionForm action=decide attr:class="form card" attr:data-testid="decide-form">
                <h2>"Decide"</h2>
                <input type="hidden" name="id" value=id1 />
                <input type="hidden" name="version" value=version1 />
                <div class="field">
                    <label for="return-message">"Message to the customer (required to refuse)"</label>
                    <textarea id="return-message" name="message" rows="2" maxlength="1000" data-testid="return-message"></textarea>
                </div>
                <div class="form__actions">
                    <button type="submit" name="decision" value="approve" class="button button--primary" data-testid="approve-return">"Approve"</button>
                    <button type="submit" name="decision" value="refuse" class="button button--danger" data-testid="refuse-return">"Refuse"</button>
                </div>
            </ActionForm>
        })}
        {(r.status == ReturnStatus::Approved && may(Permission::OrdersRefund)).then(|| view! {
            <ActionForm action=receive attr:class="form card" attr:data-testid="receive-form">
                <h2>"Parcel received"</h2>
                <input type="hidden" name="id" value=id2 />
                <input type="hidden" name="version" value=version2 />
                {lines.into_iter().enumerate().map(|(i, l)| view! {
                    <label class="checkbox"><input type="checkbox" name=format!("restock[{i}]") value=l.position.to_string() checked=true data-testid="restock" />
                        {format!("Put {} × {} back in stock", l.quantity, l.name)}</label>
                }).collect_view()}
                <div class="field">
                    <label for="return-amount">"Refund"</label>
                    <input id="return-amount" name="amount" inputmode="decimal" value=r.suggested_refund.decimal() data-testid="return-amount" />
                    <p class="field__hint">"The items' share of what was paid (shipping is not refunded). It goes back through the payment provider."</p>
                </div>
                <div class="form__actions">
                    <button type="submit" class="button button--primary" data-testid="receive-return">"Mark received and refund"</button>
                </div>
            </ActionForm>
        })}
    }
}
