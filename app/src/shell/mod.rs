//! The storefront's frame: the HTML document, routes, header, footer, announcement bar,
//! and the pages that belong to no domain (home, not found).

#[cfg(feature = "ssr")]
pub mod document;
mod home;
mod layout;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::web::not_found::NotFound;

/// Who may open a page. The server answers this before rendering anything (a visitor
/// who may not open it is sent to sign in, with a safe `next`): the same answer with or
/// without JavaScript, for every route below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAccess {
    Public,
    SignedIn,
    Staff,
}

/// The signed-in area: everything under `/account` but signing in and up, the mailed
/// links (they carry their own proof) and the second sign-in step.
const ACCOUNT_PAGES: &[&str] = &[
    "/account",
    "/account/orders",
    "/account/profile",
    "/account/security",
    "/account/addresses",
    "/account/two-factor",
];

/// The access rule of `path` (a request path, without its query).
pub fn page_access(path: &str) -> PageAccess {
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    if path == "/admin" || path.starts_with("/admin/") {
        PageAccess::Staff
    } else if ACCOUNT_PAGES.contains(&path) {
        PageAccess::SignedIn
    } else {
        PageAccess::Public
    }
}

use crate::accounts::pages as account;
use crate::admin;
use crate::catalog::pages as catalog;

/// The application root, rendered inside `<body>` on the server and hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser: the attribute appears once hydration is done,
    // which browser tests (and curious developers) can wait for.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        // Every page's title passes here: escaped on the server (crate::platform::html::title).
        <Title formatter=|page: String| crate::platform::html::title(&page) />
        <Router>
            <div class="app" data-hydrated=move || hydrated.get().then_some("true")>
                <Routes fallback=|| view! { <layout::Layout><NotFound /></layout::Layout> }>
                    // Async: the page is rendered whole, then sent in one piece. The
                    // HTML is always complete (OutOfOrder and PartiallyBlocked can leave
                    // data in <template> chunks that only a script swaps in: 17 of 30
                    // no-JS loads missed the announcement), a status set while
                    // rendering (404 for an unknown product) is honoured, and it is
                    // the fastest here: 4,800 req/s against 1,700 for InOrder streaming
                    // (docs/architecture.md). Every route uses it.
                    <ParentRoute path=path!("/admin") view=admin::AdminLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=admin::DashboardPage ssr=SsrMode::Async />
                        <Route path=path!("/staff") view=crate::accounts::admin::StaffPage ssr=SsrMode::Async />
                        <Route path=path!("/catalog") view=crate::catalog::admin::CatalogPage ssr=SsrMode::Async />
                        <Route path=path!("/catalog/products/new") view=crate::catalog::admin::ProductEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/catalog/products/:id") view=crate::catalog::admin::ProductEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/catalog/categories") view=crate::catalog::admin::CategoriesAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/catalog/import") view=crate::catalog::admin::ImportPage ssr=SsrMode::Async />
                        <Route path=path!("/orders") view=crate::orders::admin::OrdersPage ssr=SsrMode::Async />
                        <Route path=path!("/orders/:id") view=crate::orders::admin::OrderAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/inventory") view=crate::inventory::admin::InventoryPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/checkout") view=crate::settings::admin::CheckoutSettingsPage ssr=SsrMode::Async />
                    </ParentRoute>
                    <ParentRoute path=path!("") view=|| view! { <layout::Layout><Outlet /></layout::Layout> } ssr=SsrMode::Async>
                        <Route path=path!("") view=home::HomePage ssr=SsrMode::Async />
                        <Route path=path!("/products") view=catalog::ProductsPage ssr=SsrMode::Async />
                        <Route path=path!("/products/:slug") view=catalog::ProductPage ssr=SsrMode::Async />
                        <Route path=path!("/categories") view=catalog::CategoriesPage ssr=SsrMode::Async />
                        <Route path=path!("/categories/:slug") view=catalog::CategoryPage ssr=SsrMode::Async />
                        <Route path=path!("/search") view=catalog::SearchPage ssr=SsrMode::Async />
                        <Route path=path!("/cart") view=crate::cart::pages::CartPage ssr=SsrMode::Async />
                        <Route path=path!("/checkout") view=crate::checkout::pages::CheckoutPage ssr=SsrMode::Async />
                        <Route path=path!("/checkout/pay") view=crate::checkout::pages::PayPage ssr=SsrMode::Async />
                        <Route path=path!("/checkout/complete") view=crate::checkout::pages::CompletePage ssr=SsrMode::Async />
                        <Route path=path!("/orders/lookup") view=crate::orders::pages::LookupPage ssr=SsrMode::Async />
                        <Route path=path!("/orders/:id") view=crate::orders::pages::OrderPage ssr=SsrMode::Async />
                        <Route path=path!("/account/orders") view=crate::orders::pages::AccountOrdersPage ssr=SsrMode::Async />
                        <Route path=path!("/account") view=account::AccountPage ssr=SsrMode::Async />
                        <Route path=path!("/account/login") view=account::LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/account/register") view=account::RegisterPage ssr=SsrMode::Async />
                        <Route path=path!("/account/check-email") view=account::CheckEmailPage ssr=SsrMode::Async />
                        <Route path=path!("/account/verify") view=account::VerifyPage ssr=SsrMode::Async />
                        <Route path=path!("/account/forgot") view=account::ForgotPage ssr=SsrMode::Async />
                        <Route path=path!("/account/reset") view=account::ResetPage ssr=SsrMode::Async />
                        <Route path=path!("/account/confirm-email") view=account::ConfirmEmailPage ssr=SsrMode::Async />
                        <Route path=path!("/account/profile") view=account::ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/account/security") view=account::SecurityPage ssr=SsrMode::Async />
                        <Route path=path!("/account/addresses") view=account::AddressesPage ssr=SsrMode::Async />
                        <Route path=path!("/account/two-factor") view=account::TwoFactorPage ssr=SsrMode::Async />
                        <Route path=path!("/account/login/two-factor") view=account::TwoFactorLoginPage ssr=SsrMode::Async />
                        <Route path=path!("/account/invite") view=account::InvitePage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </div>
        </Router>
    }
}
