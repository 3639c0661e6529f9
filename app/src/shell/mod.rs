//! The storefront's frame: the HTML document, routes, header, footer, announcement bar,
//! and the pages that belong to no domain (home, not found).
//!
//! Two bundles hydrate what the server renders (docs/adr/0006): storefront pages load the
//! storefront's islands (frontend/), `/admin` pages the staff dashboard (frontend-admin/,
//! which hydrates [`App`]). [`page_bundle`] says which a page gets.

#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "admin-bundle")]
mod full_load;
// The dashboard's bundle leaves the storefront's pages out (see `routes`).
#[cfg_attr(feature = "admin-bundle", allow(dead_code))]
mod home;
#[cfg_attr(feature = "admin-bundle", allow(dead_code))]
mod layout;

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

/// Which front-end bundle hydrates a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The storefront: only its islands are hydrated.
    Store,
    /// The staff dashboard: the whole page is hydrated by [`App`].
    Admin,
}

/// The bundle of the page at `path`: everything under `/admin` (including its 404 and
/// 403 pages, which the admin frame renders) is the dashboard's.
pub fn page_bundle(path: &str) -> Bundle {
    match page_access(path) {
        PageAccess::Staff => Bundle::Admin,
        _ => Bundle::Store,
    }
}

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

mod routes;
pub use routes::App;
