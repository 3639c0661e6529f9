//! The staff dashboard's WASM entry point: wasm-bindgen calls [`hydrate`] once the module
//! is loaded, and Leptos attaches reactivity to the admin page the server rendered. Only
//! `/admin` pages load this bundle; shoppers never download it (docs/adr/0006).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
