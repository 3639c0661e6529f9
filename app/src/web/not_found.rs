//! The friendly 404 page, served with status 404.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="message-page" data-testid="not-found">
            <p class="message-page__code">"404"</p>
            <h1>"We couldn't find that page"</h1>
            <p>"The link may be old, or the page may have moved. Try the home page or the shop."</p>
            <div class="message-page__actions">
                <a class="button button--primary" href="/">"Go to the home page"</a>
                <a class="button" href="/products">"Browse products"</a>
            </div>
        </section>
    }
}
