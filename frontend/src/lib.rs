//! The storefront's WASM entry point. Storefront pages are rendered whole on the server
//! and only their islands (`#[island]` components: the menu, the cart count, the variant
//! picker, the listing's filters…) run in the browser: the page's boot script
//! (`app::shell::assets`) calls [`hydrate`], then each island's hydration function by
//! name. The staff dashboard has a bundle of its own (frontend-admin, docs/adr/0006).

// The islands are the app crate's: nothing here names them, so the crate is named for the
// linker, which then keeps their exported hydration functions.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
