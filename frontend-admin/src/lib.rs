//! The staff dashboard's WASM entry point: wasm-bindgen calls [`hydrate`] once the module
//! is loaded, and Leptos attaches reactivity to the admin page the server rendered. Only
//! `/admin` pages load this bundle; shoppers never download it (docs/adr/0006).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leave_by_page_load();
    leptos::mount::hydrate_body(app::App);
}

/// Links out of the dashboard are page loads. This bundle has none of the storefront's
/// pages (`app::shell::routes`), so its router must not take a link to one: it would
/// show `FullLoad` and then load the page a second time. A listener on the document's
/// capture phase runs before the router's (on the window, bubbling) and keeps such a
/// click from reaching it; the browser follows the link itself.
fn leave_by_page_load() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_click = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        let href = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|link| link.get_attribute("href"));
        // Only this site's own paths: other addresses never reach the router anyway.
        let Some(path) = href.filter(|h| h.starts_with('/') && !h.starts_with("//")) else {
            return;
        };
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if app::shell::page_bundle(path) != app::shell::Bundle::Admin {
            ev.stop_propagation();
        }
    });
    let _ = document.add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    // Listens for the life of the page.
    on_click.forget();
}
