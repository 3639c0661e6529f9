//! What the staff dashboard's bundle shows in place of a storefront page (it is built
//! without them, `admin-bundle`): nothing, while the browser loads the page from the server.

use leptos::prelude::*;

/// A storefront page reached from the dashboard through its router (a server function's
/// redirect, a navigation made in code; links are page loads before the router sees
/// them, frontend-admin): the browser loads it from the server instead (the router has
/// already put its address in the history, so the entry is replaced, not added).
#[component]
pub fn FullLoad() -> impl IntoView {
    let here = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let search = here.search.get_untracked();
        let search = search.trim_start_matches('?');
        let path = here.pathname.get_untracked();
        let url = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        let _ = window().location().replace(&url);
    });
    view! { <p class="loading">"Loading…"</p> }
}

#[component]
pub fn FullLoadFrame(children: Children) -> impl IntoView {
    drop(children);
    view! { <FullLoad /> }
}
