//! `/admin/settings/api-keys`: the keys integrations use, with their scopes and last use;
//! a form to make one (its secret shown once, with how to use it) and a button to revoke.

use super::api::{admin_api_keys, CreateApiKey, RevokeApiKey};
use super::model::ApiKeyView;
use crate::accounts::permissions::Permission;
use crate::orders::pages::when;
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let page = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| admin_api_keys(),
    );
    let flash = Resource::new_blocking(|| (), |_| take_flash("api-key".to_owned()));
    let staff = use_context::<crate::accounts::model::Staff>();
    let held: Vec<Permission> = staff.map(|s| s.0.permissions.clone()).unwrap_or_default();
    view! {
        <Title text="API keys" />
        <h1>"API keys"</h1>
        <p class="muted">
            "Keys let another system (an ERP, a shipping tool, a headless storefront) use the "
            <a href="/api/docs">"REST API"</a>
            " with only the scopes you give it. Send a key as "
            <code>"Authorization: Bearer oxk_…"</code>
            ". Anything a key changes is in the audit log under its name."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let held = held.clone();
                Suspend::new(async move {
                    let flash = flash.await.ok().flatten();
                    let errors = [error_signal(create.value(), flash), error_signal(revoke.value(), None)];
                    let page = match page.await {
                        Ok(page) => page,
                        Err(err) => return view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                    };
                    let made = create.value().get().and_then(|r| r.ok().flatten()).or(page.just_made);
                    view! {
                        {errors.into_iter().map(|error| view! { <FormError error /> }).collect_view()}
                        {made.map(|made| view! {
                            <ShownOnce
                                heading=format!("Key “{}” made", made.key.name)
                                why="Copy it now: it is shown this once and cannot be recovered (Oxcart keeps only a hash of it)."
                                secret=made.secret
                                testid="new-key"
                            />
                        })}
                        <KeyList keys=page.keys revoke />
                        <CreateForm create held />
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// A secret just made (a key, a webhook signing secret), shown this once; `testid` names
/// the notice and, with `-secret`, the secret.
#[component]
pub fn ShownOnce(
    heading: String,
    why: &'static str,
    secret: String,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <section class="notice" role="status" data-testid=testid>
            <h2>{heading}</h2>
            <p>{why}</p>
            <p><code class="secret" data-testid=format!("{testid}-secret")>{secret}</code></p>
        </section>
    }
}

#[component]
fn KeyList(keys: Vec<ApiKeyView>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    if keys.is_empty() {
        return view! { <p class="muted" data-testid="no-keys">"No keys yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
        <table class="table" data-testid="api-keys">
            <thead><tr><th>"Name"</th><th>"Key"</th><th>"Scopes"</th><th>"Made"</th><th>"Last used"</th><th></th></tr></thead>
            <tbody>
                {keys.into_iter().map(|k| {
                    let scopes = k.scopes.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
                    let last = k.last_used_at.map_or_else(
                        || "never".to_owned(),
                        |at| format!("{} from {}", when(at), k.last_used_ip.clone().unwrap_or_default()),
                    );
                    let state = match k.revoked_at {
                        Some(at) => view! { <span class="badge">{format!("revoked {}", when(at))}</span> }.into_any(),
                        None => view! {
                            <ActionForm action=revoke attr:class="form--inline">
                                <input type="hidden" name="id" value=k.id.clone() />
                                <button type="submit" class="link-button" data-testid="revoke-key">"Revoke"</button>
                            </ActionForm>
                        }.into_any(),
                    };
                    view! {
                        <tr data-testid="api-key-row">
                            <td>{k.name}</td>
                            <td><code>{format!("{}…", k.prefix)}</code></td>
                            <td>{scopes}</td>
                            <td>{when(k.created_at)}<br /><small class="muted">{format!("by {}", k.created_by)}</small></td>
                            <td data-testid="key-last-used">{last}</td>
                            <td>{state}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// The form to make a key: a name and a box per scope the admin holds.
#[component]
fn CreateForm(create: ServerAction<CreateApiKey>, held: Vec<Permission>) -> impl IntoView {
    view! {
        <h2>"Make a key"</h2>
        <ActionForm action=create attr:class="form" attr:data-testid="create-key">
            <div class="field">
                <label for="key-name">"Name"</label>
                <input id="key-name" name="name" required maxlength="60" placeholder="e.g. Warehouse system" />
            </div>
            <fieldset class="permission-boxes">
                <legend>"Scopes"</legend>
                // Indexed names (`scopes[3]`): read back as a list, unticked boxes absent.
                {held.into_iter().enumerate().map(|(i, p)| {
                    let box_id = format!("scope-{}", p.as_str());
                    let label_for = box_id.clone();
                    view! {
                        <label for=label_for class="checkbox">
                            <input type="checkbox" id=box_id name=format!("scopes[{i}]") value=p.as_str() />
                            {p.label()}
                            <small class="muted">{format!(" {}", p.as_str())}</small>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button button--primary button--small">"Make key"</button>
        </ActionForm>
    }
}
