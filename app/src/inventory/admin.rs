//! `/admin/inventory`: stock per variant (on hand, held by checkouts, available), the
//! low-stock alerts, adjustments with a reason (recorded in the ledger) and the latest
//! ledger entries.

use crate::inventory::api::{admin_inventory, AdjustStock, SetLowStock};
use crate::inventory::Reason;
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn InventoryPage() -> impl IntoView {
    let location = use_location();
    let query = use_query_map();
    let adjust = ServerAction::<AdjustStock>::new();
    let threshold = ServerAction::<SetLowStock>::new();
    let search = Memo::new(move |_| location.search.get());
    let page = Resource::new(
        move || {
            (
                search.get(),
                adjust.version().get(),
                threshold.version().get(),
            )
        },
        |(q, _, _)| admin_inventory(q),
    );
    let flash = Resource::new_blocking(|| (), |_| take_flash("inventory".into()));
    let q = query.with_untracked(|q| q.get("q").unwrap_or_default());
    let low = query.with_untracked(|q| q.get("low").is_some_and(|l| l == "1"));
    view! {
        <Title text="Inventory" />
        <h1>"Inventory"</h1>
        <form method="get" class="filters filters--inline">
            <input type="search" name="q" value=q placeholder="SKU or product" aria-label="Search" data-testid="inventory-search" />
            <label class="checkbox"><input type="checkbox" name="low" value="1" checked=low />" Low stock only"</label>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten();
                let adjust_error = error_signal(adjust.value(), flash);
                let threshold_error = error_signal(threshold.value(), None);
                let page = match page.await {
                    Ok(p) => p,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                };
                view! {
                    {(page.low_count > 0).then(|| view! {
                        <p class="badge badge--warn" data-testid="low-stock-count">{format!("{} variant(s) at or under their low-stock level", page.low_count)}</p>
                    })}
                    <FormError error=adjust_error />
                    <FormError error=threshold_error />
                    <table class="table" data-testid="stock-levels">
                        <thead><tr><th>"Product"</th><th>"SKU"</th><th>"On hand"</th><th>"Held"</th><th>"Available"</th><th>"Adjust"</th><th>"Alert at"</th></tr></thead>
                        <tbody>
                            {page.levels.into_iter().map(|l| {
                                let low = l.is_low();
                                let (id1, id2) = (l.variant_id.clone(), l.variant_id.clone());
                                let sku = l.sku.clone();
                                view! {
                                    <tr data-testid="stock-row" data-sku=sku class:row--warn=low>
                                        <td>{l.product_name}{(!l.variant_title.is_empty()).then(|| format!(" ({})", l.variant_title))}</td>
                                        <td>{l.sku}</td>
                                        <td data-testid="on-hand">{l.on_hand}</td>
                                        <td>{l.reserved}</td>
                                        <td data-testid="available">{l.available}{low.then(|| view! { " " <span class="badge badge--warn">"Low"</span> })}</td>
                                        <td>
                                            <ActionForm action=adjust attr:class="form--inline">
                                                <input type="hidden" name="variant_id" value=id1 />
                                                <input name="delta" size="5" inputmode="numeric" placeholder="+5 / -2" required aria-label="Units" data-testid="adjust-delta" />
                                                <select name="reason" aria-label="Reason" data-testid="adjust-reason">
                                                    {Reason::STAFF.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                                                </select>
                                                <input name="note" size="12" placeholder="Note" aria-label="Note" />
                                                <button type="submit" class="button button--small" data-testid="adjust">"Save"</button>
                                            </ActionForm>
                                        </td>
                                        <td>
                                            <ActionForm action=threshold attr:class="form--inline">
                                                <input type="hidden" name="variant_id" value=id2 />
                                                <input name="threshold" size="4" inputmode="numeric" value=l.low_stock_threshold aria-label="Low-stock threshold" data-testid="threshold" />
                                                <button type="submit" class="button button--small">"Set"</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h2>"Latest movements"</h2>
                    <table class="table" data-testid="ledger">
                        <thead><tr><th>"When"</th><th>"SKU"</th><th>"Change"</th><th>"On hand after"</th><th>"Reason"</th><th>"By"</th></tr></thead>
                        <tbody>
                            {page.recent.into_iter().map(|m| view! {
                                <tr>
                                    <td>{crate::orders::pages::when(m.at)}</td>
                                    <td>{m.sku}</td>
                                    <td>{if m.delta > 0 { format!("+{}", m.delta) } else { m.delta.to_string() }}</td>
                                    <td>{m.on_hand_after}</td>
                                    <td>{m.reason.label()}{(!m.note.is_empty()).then(|| format!(": {}", m.note))}</td>
                                    <td>{m.actor.unwrap_or_else(|| if m.order_id.is_some() { "order".into() } else { "system".into() })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </Suspense>
    }
}
