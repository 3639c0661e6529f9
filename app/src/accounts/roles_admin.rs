//! Admin → Staff → Roles: what each role may do, edited with a box per permission; a
//! form to add a role. Owners hold everything and their role is shown, not edited.

use crate::accounts::api::{list_roles, DeleteRole, SaveRole};
use crate::accounts::pages::parts::flash_resource;
use crate::accounts::permissions::{Permission, RoleView};
use crate::web::forms::{error_signal, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RolesPage() -> impl IntoView {
    let save = ServerAction::<SaveRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    let roles = Resource::new_blocking(
        move || (save.version().get(), delete.version().get()),
        |_| list_roles(),
    );
    let flash = flash_resource("role");
    view! {
        <Title text="Roles" />
        <h1>"Roles"</h1>
        <p><a href="/admin/staff">"← The team"</a></p>
        <p class="field__hint">"A role is a set of permissions. Whoever holds a permission marked ⚿ signs in with two-factor. Changing a role signs its members out, so the change applies at once."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let error = error_signal(Signal::derive(move || save.value().get().or_else(|| delete.value().get())), flash.await);
                match roles.await {
                    Ok(list) => view! {
                        <FormError error />
                        <div data-testid="roles">
                            {list.into_iter().map(|role| view! { <RoleCard role save delete /> }).collect_view()}
                        </div>
                        <section class="card">
                            <h2>"Add a role"</h2>
                            <RoleForm role=None save />
                        </section>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoleCard(
    role: RoleView,
    save: ServerAction<SaveRole>,
    delete: ServerAction<DeleteRole>,
) -> impl IntoView {
    let members = format!("{} member(s)", role.members);
    let removable = !role.built_in && role.members == 0;
    let key = role.key.clone();
    view! {
        <section class="card" data-testid="role-card" data-role=role.key.clone()>
            <h2>{role.name.clone()}<small class="muted">" · " {members}</small></h2>
            {if role.editable {
                view! { <RoleForm role=Some(role.clone()) save /> }.into_any()
            } else {
                view! {
                    <p>{role.description.clone()}</p>
                    <p class="muted">"Every permission; this role cannot change."</p>
                }.into_any()
            }}
            {removable.then(|| view! {
                <ActionForm action=delete attr:class="form--inline">
                    <input type="hidden" name="key" value=key.clone() />
                    <button type="submit" class="link-button">"Remove this role"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The edit form of `role`, or the empty form that adds one.
#[component]
fn RoleForm(role: Option<RoleView>, save: ServerAction<SaveRole>) -> impl IntoView {
    let held = role
        .as_ref()
        .map(|r| r.permissions.clone())
        .unwrap_or_default();
    let (key, name, description, version) = role.map_or_else(
        || (String::new(), String::new(), String::new(), None),
        |r| (r.key, r.name, r.description, Some(r.version)),
    );
    let id = if key.is_empty() {
        "new".to_owned()
    } else {
        key.clone()
    };
    let testid = format!("role-form-{id}");
    let (name_id, description_id) = (format!("role-name-{id}"), format!("role-description-{id}"));
    view! {
        <ActionForm action=save attr:class="form" attr:data-testid=testid>
            <input type="hidden" name="key" value=key />
            {version.map(|v| view! { <input type="hidden" name="version" value=v.to_string() /> })}
            <div class="field">
                <label for=name_id.clone()>"Name"</label>
                <input id=name_id name="name" value=name required maxlength="60" />
            </div>
            <div class="field">
                <label for=description_id.clone()>"What it is for"</label>
                <input id=description_id name="description" value=description maxlength="200" />
            </div>
            <fieldset class="permission-boxes">
                <legend>"May"</legend>
                // Indexed names (`permissions[3]`): the form's encoding reads them back
                // as a list, with the unticked boxes simply absent.
                {Permission::ALL.iter().enumerate().map(|(i, p)| {
                    let checked = held.contains(p);
                    let box_id = format!("perm-{id}-{}", p.as_str());
                    let label_for = box_id.clone();
                    view! {
                        <label for=label_for class="checkbox">
                            <input type="checkbox" id=box_id name=format!("permissions[{i}]") value=p.as_str() checked=checked />
                            {p.label()}
                            {p.needs_two_factor().then_some(" ⚿")}
                            <small class="muted">" " {p.as_str()}</small>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button button--primary button--small">"Save role"</button>
        </ActionForm>
    }
}
