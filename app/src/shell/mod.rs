//! The storefront's frame: the HTML document, routes, header, footer, announcement bar,
//! and the pages that belong to no domain (home, not found).

#[cfg(feature = "ssr")]
pub mod document;
mod home;
mod layout;
mod not_found;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

pub use not_found::NotFound;

/// The application root, rendered inside `<body>` on the server and hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser: the attribute appears once hydration is done,
    // which browser tests (and curious developers) can wait for.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Oxcart".to_owned() } else { format!("{page} · Oxcart") }
        } />
        <Router>
            <div class="app" data-hydrated=move || hydrated.get().then_some("true")>
                <layout::Layout>
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("") view=home::HomePage />
                    </Routes>
                </layout::Layout>
            </div>
        </Router>
    }
}
