//! The return part of a customer's order page: the returns asked so far with their
//! state, and (while the window is open) a plain form to ask for one — quantities and a
//! reason per line. Works without JavaScript (storefront pages are server HTML).

use super::api::{get_order_returns, RequestReturn};
use super::model::{reason_label, OrderReturns, REASONS};
use crate::orders::pages::when;
use crate::web::forms::{take_flash, FormError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrderReturnsSection(order_id: String, token: Option<String>) -> impl IntoView {
    // Plain resources, not blocking ones: the order route renders whole (SsrMode::Async),
    // so blocking adds nothing, and a blocking resource made inside the order page's
    // Suspend belongs to a build leptos may discard — its deferred stream then never
    // resumed and the page hung until the 30 s request timeout (1 load in 6 under load).
    let returns = Resource::new(
        {
            let (id, token) = (order_id.clone(), token.clone());
            move || (id.clone(), token.clone())
        },
        |(id, token)| get_order_returns(id, token),
    );
    let flash = Resource::new(|| (), |_| take_flash("return".to_owned()));
    let sent = use_query_map().with_untracked(|q| q.get("returned").is_some());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (order_id, token) = (order_id.clone(), token.clone());
                Suspend::new(async move {
                    let error = Signal::stored(flash.await.ok().flatten().map(|f| f.error));
                    returns.await.ok().map(|r| view! {
                        <Section r order_id token error sent />
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn Section(
    r: OrderReturns,
    order_id: String,
    token: Option<String>,
    error: Signal<Option<crate::platform::error::PublicError>>,
    sent: bool,
) -> impl IntoView {
    let ends = r.window_ends;
    view! {
        <section class="card returns" data-testid="returns">
            <h2>"Returns"</h2>
            {(sent && error.get_untracked().is_none()).then(|| view! {
                <p class="notice" role="status" data-testid="return-sent">"Your return request is in. We mailed you a copy and will be in touch."</p>
            })}
            <FormError error />
            {r.returns.into_iter().map(|ret| view! {
                <div class="return" data-testid="return" data-status=ret.status.as_str()>
                    <p><strong data-testid="return-status">{ret.status.label()}</strong>" · asked " {when(ret.created_at)}</p>
                    <ul>{ret.lines.into_iter().map(|l| view! { <li>{format!("{} × {} — {}", l.quantity, l.name, reason_label(&l.reason))}</li> }).collect_view()}</ul>
                    {(!ret.staff_message.is_empty()).then(|| view! { <p class="muted">{ret.staff_message.clone()}</p> })}
                    {(ret.refund_amount.minor > 0).then(|| view! { <p>"Refund: " {ret.refund_amount.to_string()}</p> })}
                </div>
            }).collect_view()}
            {match (r.can_request, r.why_not) {
                (true, _) => view! {
                    <form method="post" action=RequestReturn::url() class="form" data-testid="return-form">
                        <input type="hidden" name="order_id" value=order_id />
                        <input type="hidden" name="token" value=token.unwrap_or_default() />
                        {ends.map(|e| view! { <p class="field__hint">"You can ask for a return until " {when(e)} "."</p> })}
                        {r.lines.into_iter().filter(|l| l.returnable > 0).enumerate().map(|(i, l)| view! {
                            <fieldset class="return__line">
                                <legend>{format!("{} ({})", l.name, l.sku)}</legend>
                                <input type="hidden" name=format!("position[{i}]") value=l.position.to_string() />
                                <label>"How many "
                                    <select name=format!("quantity[{i}]") data-testid="return-quantity">
                                        {(0..=l.returnable).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>" Why "
                                    <select name=format!("reason[{i}]") data-testid="return-reason">
                                        {REASONS.iter().map(|(k, label)| view! { <option value=*k>{*label}</option> }).collect_view()}
                                    </select>
                                </label>
                            </fieldset>
                        }).collect_view()}
                        <label>"Anything we should know? " <textarea name="note" rows="2" maxlength="1000"></textarea></label>
                        <button type="submit" class="button button--primary" data-testid="request-return">"Ask for a return"</button>
                    </form>
                }.into_any(),
                (false, Some(why)) => view! { <p class="muted" data-testid="no-return">{why}</p> }.into_any(),
                (false, None) => ().into_any(),
            }}
        </section>
    }
}
