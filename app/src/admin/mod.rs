//! The staff dashboard's frame under `/admin`: navigation for every module, the access
//! check and the signed-in staff member as context (`accounts::model::Staff`). Each
//! module's pages live with their domain (`analytics::pages` for the dashboard home and
//! the reports, `catalog::admin`, `orders::admin`, `inventory::admin`, `settings::admin`,
//! `accounts::admin` for staff).

use crate::accounts::api::admin_access;
use crate::accounts::api::Logout;
use crate::accounts::model::{AdminAccess, CurrentUser, Staff};
use crate::accounts::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

/// The admin frame: checks access, then shows the navigation and the current module.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let location = use_location();
    let access = Resource::new_blocking(move || location.pathname.get(), |_| admin_access());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(AdminAccess::Allowed(user)) => view! { <AdminFrame user /> }.into_any(),
                    Ok(AdminAccess::SignInFirst) => {
                        let next = crate::accounts::pages::urlencode(&location.pathname.get_untracked());
                        view! { <Redirect path=format!("/account/login?next={next}") /> }.into_any()
                    }
                    Ok(AdminAccess::NeedsTwoFactor) => view! { <Redirect path="/account/two-factor?required=1" /> }.into_any(),
                    Ok(AdminAccess::Forbidden) => view! { <Forbidden /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <Title text="Staff only" />
        <section class="message-page" data-testid="forbidden">
            <p class="message-page__code">"403"</p>
            <h1>"This area is for staff"</h1>
            <p>"Your account does not have access to the admin. If you think it should, ask an admin of the store."</p>
            <div class="message-page__actions"><a class="button button--primary" href="/">"Back to the store"</a></div>
        </section>
    }
}

/// Who may see a module in the menu.
enum Needs {
    AnyStaff,
    One(Permission),
    Either(Permission, Permission),
}

/// The modules of the admin, in order, with what they need; those not built yet are
/// listed as coming. The menu shows only what the person may do.
const MODULES: &[(&str, &str, Needs, bool)] = &[
    ("/admin", "Dashboard", Needs::AnyStaff, true),
    (
        "/admin/analytics/sales",
        "Reports",
        Needs::One(Permission::AnalyticsRead),
        true,
    ),
    (
        "/admin/catalog",
        "Catalog",
        Needs::One(Permission::CatalogWrite),
        true,
    ),
    (
        "/admin/orders",
        "Orders",
        Needs::One(Permission::OrdersRead),
        true,
    ),
    (
        "/admin/returns",
        "Returns",
        Needs::One(Permission::OrdersRead),
        true,
    ),
    (
        "/admin/inventory",
        "Inventory",
        Needs::One(Permission::InventoryAdjust),
        true,
    ),
    (
        "/admin/customers",
        "Customers",
        Needs::One(Permission::CustomersRead),
        true,
    ),
    (
        "/admin/staff",
        "Staff",
        Needs::One(Permission::StaffManage),
        true,
    ),
    (
        "/admin/settings/checkout",
        "Checkout settings",
        Needs::Either(Permission::SettingsManage, Permission::DiscountsManage),
        true,
    ),
    (
        "/admin/settings/analytics",
        "Report settings",
        Needs::One(Permission::SettingsManage),
        true,
    ),
    (
        "/admin/settings/api-keys",
        "API keys",
        Needs::One(Permission::StaffManage),
        true,
    ),
    (
        "/admin/settings/webhooks",
        "Webhooks",
        Needs::One(Permission::SettingsManage),
        true,
    ),
    (
        "/admin/audit",
        "Audit log",
        Needs::One(Permission::AuditRead),
        true,
    ),
];

#[component]
fn AdminFrame(user: CurrentUser) -> impl IntoView {
    use leptos::server_fn::ServerFn as _;
    provide_context(Staff(user.clone()));
    let may = |needs: &Needs| match needs {
        Needs::AnyStaff => true,
        Needs::One(p) => user.can(*p),
        Needs::Either(a, b) => user.can(*a) || user.can(*b),
    };
    view! {
        <div class="admin" data-testid="admin">
            <aside class="admin__nav" aria-label="Admin">
                <p class="admin__brand">"Admin"</p>
                <nav>
                    {MODULES.iter().filter(|(_, _, needs, _)| may(needs)).map(|(href, label, _, ready)| {
                        if *ready {
                            view! { <A href=*href exact=*href == "/admin">{*label}</A> }.into_any()
                        } else {
                            view! { <span class="admin__soon" title="Arrives in a later release">{*label}<small>" soon"</small></span> }.into_any()
                        }
                    }).collect_view()}
                </nav>
                <div class="admin__user">
                    <p>{user.display_name()}<br /><small class="muted" data-testid="admin-role">{user.role_key.clone().unwrap_or_default()}</small></p>
                    <a href="/">"View store"</a>
                    // A plain form, not an ActionForm: the server's redirect to the storefront
                    // is then one page load. An ActionForm's redirect goes through the router,
                    // and the dashboard's bundle (which has no storefront pages) turns that into
                    // a second load (`shell::full_load`), racing what the staff member does next.
                    // Links out of the dashboard are page loads already (frontend-admin).
                    <form method="post" action=Logout::url()>
                        <button type="submit" class="button button--link" data-testid="admin-logout">"Log out"</button>
                    </form>
                </div>
            </aside>
            <div class="admin__main"><Outlet /></div>
        </div>
    }
}
