//! `/admin/orders` (filters in the URL, CSV export of the same filter) and
//! `/admin/orders/:id` (the order, its timeline, and fulfil / deliver / cancel / refund).

use crate::orders::api::{admin_order, admin_orders, OrderAction};
use crate::orders::pages::{OrderDetail, OrderTable};
use crate::orders::{Order, OrderStatus};
use crate::web::forms::{error_signal, kept, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

#[component]
pub fn OrdersPage() -> impl IntoView {
    let location = use_location();
    let query = use_query_map();
    let search = Memo::new(move |_| location.search.get());
    let orders = Resource::new(move || search.get(), admin_orders);
    let value = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let status = value("status");
    view! {
        <Title text="Orders" />
        <div class="admin-head">
            <h1>"Orders"</h1>
            <a class="button" href=move || format!("/admin/orders/export.csv{}", search.get()) rel="external" data-testid="export-orders">"Export CSV"</a>
        </div>
        <form method="get" class="filters filters--inline" data-testid="order-filters">
            <label>"Status "
                <select name="status">
                    <option value="">"Any"</option>
                    {OrderStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=s.as_str() == status>{s.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>"From " <input type="date" name="from" value=value("from") /></label>
            <label>"To " <input type="date" name="to" value=value("to") /></label>
            <label>"Customer or number " <input type="search" name="customer" value=value("customer") data-testid="filter-customer" /></label>
            <label>"Total from " <input name="min" inputmode="decimal" size="6" value=value("min") /></label>
            <label>"to " <input name="max" inputmode="decimal" size="6" value=value("max") /></label>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.orders.is_empty() => view! { <p class="empty" data-testid="no-orders">"No orders match."</p> }.into_any(),
                    Ok(list) => view! { <OrderTable list href=|id: &str| format!("/admin/orders/{id}") query=search.get_untracked() /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert" data-testid="filter-error">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn OrderAdminPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let action = ServerAction::<OrderAction>::new();
    let order = Resource::new(
        move || (id.get(), action.version().get()),
        |(id, _)| admin_order(id),
    );
    let flashes = Resource::new_blocking(
        || (),
        |_| async {
            for form in [
                "order-fulfil",
                "order-deliver",
                "order-cancel",
                "order-refund",
                "order-release",
            ] {
                if let Ok(Some(flash)) = take_flash(form.to_owned()).await {
                    return Some(flash);
                }
            }
            None
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let flash = flashes.await;
                let error = error_signal(action.value(), flash.clone());
                match order.await {
                    Ok(order) => view! {
                        <Title text=format!("Order {}", crate::orders::number_label(order.number)) />
                        <p><a href="/admin/orders">"← Orders"</a></p>
                        <FormError error />
                        <Actions order=order.clone() action flash />
                        <OrderDetail order staff=true />
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Actions(
    order: Order,
    action: ServerAction<OrderAction>,
    flash: Option<crate::web::forms::Flash>,
) -> impl IntoView {
    let [id1, id2, id3, id4, id5] = [0; 5].map(|_| order.id.clone());
    let (f1, f2) = (flash.clone(), flash);
    let refundable = order.refundable();
    // Only what the person's role allows is offered (the server checks again).
    let staff = use_context::<crate::accounts::model::Staff>();
    let may = |p: crate::accounts::Permission| staff.as_ref().is_some_and(|s| s.0.can(p));
    let (fulfil, money) = (
        may(crate::accounts::Permission::OrdersFulfil),
        may(crate::accounts::Permission::OrdersRefund),
    );
    let held = order
        .hold_reason
        .clone()
        .filter(|_| order.status == OrderStatus::Paid);
    view! {
        <div class="order-actions" data-testid="order-actions">
            {held.filter(|_| fulfil).map(|reason| view! {
                <div class="card form-error" role="alert" data-testid="order-hold">
                    <h2>"On hold"</h2>
                    <p>{reason}</p>
                    <ActionForm action attr:class="form">
                        <input type="hidden" name="id" value=id5 />
                        <input type="hidden" name="action" value="release" />
                        <button type="submit" class="button" data-testid="release-hold">"Release the hold"</button>
                    </ActionForm>
                </div>
            })}
            {(fulfil && order.status == OrderStatus::Paid).then(|| view! {
                <ActionForm action attr:class="form card" attr:data-testid="fulfil-form">
                    <h2>"Fulfil"</h2>
                    <input type="hidden" name="id" value=id1 />
                    <input type="hidden" name="action" value="fulfil" />
                    <label>"Carrier " <input name="carrier" required value=kept(&f1, "carrier") data-testid="carrier" /></label>
                    <label>"Tracking number " <input name="tracking_number" required value=kept(&f1, "tracking_number") data-testid="tracking-number" /></label>
                    <button type="submit" class="button button--primary" data-testid="fulfil">"Mark as shipped"</button>
                </ActionForm>
            })}
            {(money && order.status == OrderStatus::Paid).then(|| view! {
                <ActionForm action attr:class="form card">
                    <h2>"Cancel"</h2>
                    <input type="hidden" name="id" value=id2 />
                    <input type="hidden" name="action" value="cancel" />
                    <label>"Reason " <input name="reason" value=kept(&f2, "reason") /></label>
                    <p class="field__hint">"Puts the items back in stock and refunds what was paid."</p>
                    <button type="submit" class="button button--danger" data-testid="cancel-order">"Cancel order"</button>
                </ActionForm>
            })}
            {(fulfil && order.status == OrderStatus::Fulfilled).then(|| view! {
                <ActionForm action attr:class="form card">
                    <input type="hidden" name="id" value=id3 />
                    <input type="hidden" name="action" value="deliver" />
                    <button type="submit" class="button" data-testid="deliver">"Mark as delivered"</button>
                </ActionForm>
            })}
            {(money && refundable.minor > 0).then(|| view! {
                <ActionForm action attr:class="form card" attr:data-testid="refund-form">
                    <h2>"Refund"</h2>
                    <input type="hidden" name="id" value=id4 />
                    <input type="hidden" name="action" value="refund" />
                    <label>"Amount " <input name="amount" inputmode="decimal" required value=refundable.decimal() data-testid="refund-amount" /></label>
                    <label>"Reason " <input name="reason" /></label>
                    <p class="field__hint">{format!("Up to {refundable} can be refunded.")}</p>
                    <button type="submit" class="button" data-testid="refund">"Refund"</button>
                </ActionForm>
            })}
        </div>
    }
}
