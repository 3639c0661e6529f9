//! `/admin/settings/webhooks`: the endpoints (URL, events, on/off, why Oxcart turned one
//! off), a form to add one (its signing secret shown once), and the delivery log with each
//! answer and a "send again" button.

use super::model::{DeliveryView, WebhookEndpointView, EVENTS};
use super::pages::ShownOnce;
use super::webhook_api::{admin_webhooks, AddWebhook, WebhookAction};
use crate::orders::pages::when;
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let act = ServerAction::<WebhookAction>::new();
    let page = Resource::new(
        move || (add.version().get(), act.version().get()),
        |_| admin_webhooks(),
    );
    let flash = Resource::new_blocking(|| (), |_| take_flash("webhook".to_owned()));
    view! {
        <Title text="Webhooks" />
        <h1>"Webhooks"</h1>
        <p class="muted">
            "Oxcart posts each event to your endpoints as JSON ("
            <code>"{\"event\", \"timestamp\", \"data\"}"</code>
            "), signed as the Standard Webhooks specification has it: verify "
            <code>"webhook-signature"</code>
            " with the endpoint's secret and any Standard Webhooks library. Failed deliveries are retried for about a day; then the endpoint is turned off and the owners are mailed."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten();
                let errors = [error_signal(add.value(), flash), error_signal(act.value(), None)];
                let page = match page.await {
                    Ok(page) => page,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                };
                let made = add.value().get().and_then(|r| r.ok().flatten()).or(page.just_made);
                view! {
                    {errors.into_iter().map(|error| view! { <FormError error /> }).collect_view()}
                    {made.map(|made| view! {
                        <ShownOnce
                            heading="Endpoint added".to_owned()
                            why="Its signing secret, shown this once: give it to the receiver to verify each delivery."
                            secret=made.secret
                            testid="new-webhook"
                        />
                    })}
                    <Endpoints list=page.endpoints act />
                    <AddForm add />
                    <Deliveries list=page.deliveries act />
                }.into_any()
            })}
        </Suspense>
    }
}

/// A one-button form of [`WebhookAction`].
#[component]
fn ActionButton(
    act: ServerAction<WebhookAction>,
    id: String,
    action: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=act attr:class="form--inline">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="action" value=action />
            <button type="submit" class="link-button" data-testid=format!("webhook-{action}")>{label}</button>
        </ActionForm>
    }
}

#[component]
fn Endpoints(list: Vec<WebhookEndpointView>, act: ServerAction<WebhookAction>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted" data-testid="no-webhooks">"No endpoints yet."</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
        <table class="table" data-testid="webhook-endpoints">
            <thead><tr><th>"URL"</th><th>"Events"</th><th>"State"</th><th></th></tr></thead>
            <tbody>
                {list.into_iter().map(|e| {
                    let state = match (e.enabled, e.disabled_reason.clone()) {
                        (true, _) => format!("on · {} pending, {} failed", e.pending, e.failed),
                        (false, Some(why)) => format!("turned off by Oxcart: {why}"),
                        (false, None) => "off".to_owned(),
                    };
                    let toggle = if e.enabled { ("disable", "Turn off") } else { ("enable", "Turn on") };
                    view! {
                        <tr data-testid="webhook-row">
                            <td><code>{e.url}</code><br /><small class="muted">{e.description}</small></td>
                            <td>{e.events.join(", ")}</td>
                            <td data-testid="webhook-state">{state}</td>
                            <td class="table__actions">
                                <ActionButton act id=e.id.clone() action=toggle.0 label=toggle.1 />
                                <ActionButton act id=e.id action="delete" label="Remove" />
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

#[component]
fn AddForm(add: ServerAction<AddWebhook>) -> impl IntoView {
    view! {
        <h2>"Add an endpoint"</h2>
        <ActionForm action=add attr:class="form" attr:data-testid="add-webhook">
            <div class="field">
                <label for="webhook-url">"URL"</label>
                <input id="webhook-url" name="url" type="url" required maxlength="500" placeholder="https://erp.example.com/hooks/oxcart" />
            </div>
            <div class="field">
                <label for="webhook-description">"Description"</label>
                <input id="webhook-description" name="description" maxlength="200" />
            </div>
            <fieldset class="permission-boxes">
                <legend>"Events"</legend>
                {EVENTS.iter().enumerate().map(|(i, e)| {
                    let box_id = format!("event-{}", e.replace('.', "-"));
                    let label_for = box_id.clone();
                    view! {
                        <label for=label_for class="checkbox">
                            <input type="checkbox" id=box_id name=format!("events[{i}]") value=*e />
                            <code>{*e}</code>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button button--primary button--small">"Add endpoint"</button>
        </ActionForm>
    }
}

#[component]
fn Deliveries(list: Vec<DeliveryView>, act: ServerAction<WebhookAction>) -> impl IntoView {
    view! {
        <h2>"Delivery log"</h2>
        {if list.is_empty() {
            view! { <p class="muted">"Nothing sent yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                <table class="table" data-testid="webhook-deliveries">
                    <thead><tr><th>"Event"</th><th>"Endpoint"</th><th>"Status"</th><th>"Answer"</th><th>"When"</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|d| {
                            let answer = match (d.response_status, d.last_error.clone()) {
                                (Some(code), _) => format!("{code} {}", d.response_excerpt),
                                (None, Some(error)) => error,
                                (None, None) => String::new(),
                            };
                            let status = match d.next_attempt_at {
                                Some(at) if d.status == "pending" && d.attempts > 0 => format!("retrying ({} tries; next {})", d.attempts, when(at)),
                                _ => format!("{} ({} tries)", d.status, d.attempts),
                            };
                            view! {
                                <tr data-testid="delivery-row">
                                    <td><code>{d.event}</code><br /><small class="muted">{d.id.clone()}</small></td>
                                    <td><code>{d.endpoint_url}</code></td>
                                    <td data-testid="delivery-status">{status}</td>
                                    <td><small>{answer}</small></td>
                                    <td>{when(d.updated_at)}</td>
                                    <td><ActionButton act id=d.id action="resend" label="Send again" /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }.into_any()
        }}
    }
}
