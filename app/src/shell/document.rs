//! The HTML document around the app (server only).

use super::App;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};

/// The full page: `<head>` with the hashed stylesheet and hydration scripts, `<body>` with
/// the app. leptos_axum calls this for every page request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let nonce = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::platform::request::CspNonce>()
            .cloned()
    });
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#14532d" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="oxcart" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
