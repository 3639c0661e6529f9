//! Admin → Staff: the team, invitations, roles, deactivation (`staff.manage`). The role
//! editor is `roles_admin`.

use crate::accounts::api::{list_roles, list_staff, ChangeStaffRole, InviteStaff, SetStaffActive};
use crate::accounts::model::StaffMember;
use crate::accounts::pages::parts::{flash_resource, query};
use crate::accounts::permissions::RoleView;
use crate::web::forms::{error_signal, Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffPage() -> impl IntoView {
    let invite = ServerAction::<InviteStaff>::new();
    let role = ServerAction::<ChangeStaffRole>::new();
    let active = ServerAction::<SetStaffActive>::new();
    let team = Resource::new_blocking(
        move || {
            (
                invite.version().get(),
                role.version().get(),
                active.version().get(),
            )
        },
        |_| list_staff(),
    );
    let roles = Resource::new_blocking(|| (), |_| list_roles());
    let invite_flash = flash_resource("invite");
    let staff_flash = flash_resource("staff");
    let invited = query("invited");
    view! {
        <Title text="Staff" />
        <h1>"Staff"</h1>
        <p><a href="/admin/staff/roles" data-testid="roles-link">"Roles and what they may do"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let invite_error = error_signal(invite.value(), invite_flash.await);
                let flash = staff_flash.await;
                let row_error = error_signal(Signal::derive(move || role.value().get().or_else(|| active.value().get())), flash);
                let choices = roles.await.unwrap_or_default();
                let options = choices.clone();
                let rows = match team.await {
                    Ok(team) => team.into_iter().map(|member| { let choices = choices.clone(); view! { <StaffRow member choices role active /> } }).collect_view().into_any(),
                    Err(err) => view! { <tr><td colspan="5">{err.message}</td></tr> }.into_any(),
                };
                view! {
                    {move || {
                        let sent = invite.value().get().and_then(Result::ok).or_else(|| invited.get().map(|_| "Invitation sent.".to_owned()));
                        sent.map(|text| view! { <p class="notice" role="status" data-testid="notice">{text}</p> })
                    }}
                    <FormError error=row_error />
                    <div class="table-wrap">
                        <table class="table" data-testid="staff-table">
                            <thead><tr><th>"Name"</th><th>"Role"</th><th>"Two-factor"</th><th>"Status"</th><th></th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <ActionForm action=invite attr:class="form card" attr:data-testid="invite-form">
                        <h2>"Invite a team member"</h2>
                        <FormError error=invite_error />
                        <Field label="Email" name="email" kind="email" autocomplete="off" error=invite_error />
                        <div class="field">
                            <label for="invite-role">"Role"</label>
                            <select id="invite-role" name="role" data-testid="invite-role">
                                {options.into_iter().map(|r| {
                                    let selected = r.key == "manager";
                                    view! { <option value=r.key selected=selected>{format!("{}: {}", r.name, r.description)}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button button--primary" data-testid="invite-submit">"Send invitation"</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffRow(
    member: StaffMember,
    choices: Vec<RoleView>,
    role: ServerAction<ChangeStaffRole>,
    active: ServerAction<SetStaffActive>,
) -> impl IntoView {
    let name = if member.full_name.is_empty() {
        member.email.clone()
    } else {
        member.full_name.clone()
    };
    let status = if !member.active {
        "Deactivated"
    } else if member.invited {
        "Invited"
    } else {
        "Active"
    };
    let role_id = member.id.clone();
    let active_id = member.id.clone();
    let current = member.role_key.clone();
    view! {
        <tr data-testid="staff-row">
            <td><strong>{name}</strong><br /><small class="muted">{member.email.clone()}</small></td>
            <td data-testid="staff-role">{member.role_name.clone()}</td>
            <td>{if member.two_factor { "On" } else { "Off" }}</td>
            <td>{status}</td>
            <td class="table__actions">
                <ActionForm action=role attr:class="form--inline">
                    <input type="hidden" name="user_id" value=role_id.clone() />
                    <select name="role" aria-label="Role" data-testid="staff-role-select">
                        {choices.into_iter().map(|r| {
                            let selected = r.key == current;
                            view! { <option value=r.key selected=selected>{r.name}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button button--small">"Change role"</button>
                </ActionForm>
                <ActionForm action=active>
                    <input type="hidden" name="user_id" value=active_id.clone() />
                    <input type="hidden" name="active" value=(!member.active).to_string() />
                    <button type="submit" class="button button--small button--link">{if member.active { "Deactivate" } else { "Reactivate" }}</button>
                </ActionForm>
            </td>
        </tr>
    }
}
