//! Header, navigation, announcement bar and footer around every storefront page.

use crate::accounts::pages::UserResource;
use crate::platform::error::PublicError;
use crate::settings::api::{get_storefront, DismissAnnouncement};
use crate::settings::Storefront;
use leptos::prelude::*;
use leptos_router::components::A;

/// The store settings every page shows, loaded once per page. Blocking and read inside
/// Suspense, with storefront routes rendered whole (`SsrMode::Async`), so the name and
/// announcement are in the HTML itself: no flash, and visible without JavaScript and to
/// crawlers (see docs/architecture.md, "Server rendering").
type StoreResource = Resource<Result<Storefront, PublicError>>;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let store: StoreResource = Resource::new_blocking(|| (), |_| get_storefront());
    let user = crate::accounts::pages::provide_user_resource();

    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                store.await.ok().and_then(|s| s.announcement).map(|text| view! { <AnnouncementBar text /> })
            })}
        </Suspense>
        <Header store user />
        <main class="page" id="main">
            {children()}
        </main>
        <Footer store />
    }
}

/// The store's name, as soon as the blocking resource has it.
#[component]
fn StoreName(store: StoreResource) -> impl IntoView {
    view! {
        <Suspense fallback=|| "Oxcart">
            {move || Suspend::new(async move {
                store.await.map(|s| s.name).unwrap_or_else(|_| "Oxcart".to_owned())
            })}
        </Suspense>
    }
}

/// An island: dismissing hides the bar in place (a plain form post without JavaScript).
#[island]
fn AnnouncementBar(text: String) -> impl IntoView {
    let dismiss = ServerAction::<DismissAnnouncement>::new();
    // Hidden in place once the server has recorded the dismissal.
    let dismissed = move || dismiss.value().get().is_some_and(|r| r.is_ok());

    view! {
        <Show when=move || !dismissed()>
            <aside class="announcement" data-testid="announcement" aria-label="Announcement">
                <p>{text.clone()}</p>
                // A plain form before hydration (the server redirects back), an in-page
                // action after it.
                <ActionForm action=dismiss>
                    <button
                        type="submit"
                        class="announcement__dismiss"
                        data-testid="announcement-dismiss"
                        aria-label="Dismiss announcement"
                    >
                        "×"
                    </button>
                </ActionForm>
            </aside>
        </Show>
    }
}

#[component]
fn Header(store: StoreResource, user: UserResource) -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <NavToggle />
                <a href="/" class="logo" data-testid="logo">
                    <svg class="logo__mark" viewBox="0 0 32 32" aria-hidden="true">
                        <path d="M4 10h20l-2.5 11H7.5z" fill="currentColor" />
                        <circle cx="10" cy="26" r="2.5" fill="currentColor" />
                        <circle cx="20" cy="26" r="2.5" fill="currentColor" />
                        <path d="M24 10l2-4h3" stroke="currentColor" stroke-width="2" fill="none" />
                    </svg>
                    <span class="logo__name"><StoreName store /></span>
                </a>
                <nav id="site-nav" class="site-nav" data-testid="site-nav" aria-label="Main">
                    <A href="/" exact=true>"Home"</A>
                    <A href="/products">"Shop"</A>
                    <A href="/categories">"Categories"</A>
                    <A href="/search">"Search"</A>
                </nav>
                <div class="site-header__actions">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let signed_in = user.await.ok().flatten();
                            let label = signed_in.as_ref().map_or_else(|| "Log in".to_owned(), |u| format!("Account: {}", u.display_name()));
                            let href = if signed_in.is_some() { "/account" } else { "/account/login" };
                            view! {
                                <a href=href class="icon-link" aria-label=label.clone() title=label data-testid="account-link"
                                    data-signed-in=signed_in.is_some().then_some("true")>
                                    <svg viewBox="0 0 24 24" aria-hidden="true">
                                        <circle cx="12" cy="8" r="4" />
                                        <path d="M4 21c1.5-4 4.5-6 8-6s6.5 2 8 6" />
                                    </svg>
                                </a>
                            }
                        })}
                    </Suspense>
                    <crate::cart::pages::MiniCart />
                </div>
            </div>
        </header>
    }
}

/// An island: the menu button of narrow screens, which opens and closes `#site-nav`
/// (rendered by the server next to it).
#[island]
fn NavToggle() -> impl IntoView {
    let open = RwSignal::new(false);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        #[cfg(feature = "hydrate")]
        if let Some(nav) = document().get_element_by_id("site-nav") {
            let _ = nav
                .class_list()
                .toggle_with_force("site-nav--open", open.get_untracked());
        }
    };
    view! {
        <button
            class="nav-toggle"
            data-testid="nav-toggle"
            aria-controls="site-nav"
            aria-expanded=move || open.get().to_string()
            aria-label="Menu"
            on:click=toggle
        >
            <span class="nav-toggle__bar"></span>
            <span class="nav-toggle__bar"></span>
            <span class="nav-toggle__bar"></span>
        </button>
    }
}

#[component]
fn Footer(store: StoreResource) -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <p class="site-footer__brand"><StoreName store /></p>
                <nav class="site-footer__links" aria-label="Footer">
                    <a href="/products">"Shop"</a>
                    <a href="/account">"Your account"</a>
                    <a href="/cart">"Cart"</a>
                    <a href="/orders/lookup">"Find an order"</a>
                </nav>
                <p class="site-footer__fine">"Powered by Oxcart"</p>
            </div>
        </footer>
    }
}
