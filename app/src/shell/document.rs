//! The HTML document around the app (server only).

use super::assets::Assets;
use super::App;
use leptos::prelude::*;
use leptos_meta::MetaTags;

/// The full page: `<head>` with the stylesheet and the boot script of the page's bundle
/// (the storefront's islands, or the staff dashboard: `super::page_bundle`), `<body>`
/// with the app. leptos_axum calls this for every page it renders.
///
/// The inline scripts (the boot script here, the serialized resources Leptos appends)
/// carry this render's nonce; the server's page layer turns them into the hashes of the
/// Content-Security-Policy and removes the nonce (`server/src/page_cache.rs`), so a page
/// can be cached and served again without sharing a secret.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let parts = use_context::<http::request::Parts>();
    let nonce = parts.as_ref().and_then(|p| {
        p.extensions
            .get::<crate::platform::request::CspNonce>()
            .cloned()
    });
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    let bundle = super::page_bundle(parts.as_ref().map_or("/", |p| p.uri.path()));
    // Storefront pages hydrate only their islands: what lies outside them needs no
    // hydration data (resources are not serialized into the page, as Leptos'
    // `HydrationScripts` does in islands mode); islands turn it back on for themselves.
    if bundle == super::Bundle::Store {
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
    }
    let assets = Assets::get(&options);
    let files = assets.files(bundle);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#14532d" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" id="oxcart" href=files.css.as_str() />
                <link rel="modulepreload" href=files.js.as_str() />
                <link rel="preload" href=files.wasm.as_str() r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
                <script type="module" nonce=nonce>{assets.boot_script(bundle).to_owned()}</script>
                <AutoReload options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
