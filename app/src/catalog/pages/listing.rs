//! `/products`, `/categories/:slug`, `/search` and `/categories`. One view serves the three
//! listings: its state is the URL (`?q=&category=&min=&max=&in_stock=&o=&sort=&page=&limit=`),
//! so every result page has a stable address. The filters are a plain GET form before
//! hydration; after it, changing a filter navigates at once and typing in the search box
//! does so after a pause, replacing the history entry, without reloading the page.

use super::results::{Mode, Results, FORM_ID};
use crate::catalog::api::{get_categories, get_listing};
use crate::catalog::query::ListingQuery;
use crate::catalog::query::Sort;
use crate::platform::error::{ErrorCode, PublicError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_params_map};

#[component]
pub fn ProductsPage() -> impl IntoView {
    view! { <Browse mode=Mode::All /> }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()));
    view! { <Browse mode=Mode::Category(slug) /> }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    view! { <Browse mode=Mode::Search /> }
}

#[component]
fn Browse(mode: Mode) -> impl IntoView {
    let location = use_location();
    let search = Memo::new(move |_| location.search.get().trim_start_matches('?').to_owned());
    let category = move || match mode {
        Mode::Category(slug) => Some(slug.get()),
        _ => None,
    };
    let listing = Resource::new(
        move || (search.get(), category()),
        |(query, category)| get_listing(query, category),
    );
    let query = Memo::new(move |_| parse_query(&search.get()));
    // Made once per page (not inside the results, which re-render as filters change).
    let categories = Resource::new(|| (), |_| get_categories());
    let path = move || location.pathname.get();
    let submit = submit_filters;

    view! {
        <div class="shop" data-testid="listing">
            <Form method="GET" action=path noscroll=true replace=matches!(mode, Mode::Search) attr:id=FORM_ID attr:class="shop__bar" attr:role="search">
                {matches!(mode, Mode::Search).then(|| view! { <SearchBox query submit /> })}
                <label class="shop__sort">
                    <span>"Sort by"</span>
                    <select name="sort" data-testid="sort" on:change=move |_| submit()>
                        {Sort::ALL
                            .into_iter()
                            .map(|s| {
                                let label = if s == Sort::Relevance && matches!(mode, Mode::Search) { "Best match" } else { s.label() };
                                view! { <option value=s.as_str() selected=move || query.get().sort == s>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <noscript><button type="submit" class="button">"Apply"</button></noscript>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Loading products…"</p> }>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(found) => view! { <Results listing=found query=query.get_untracked() mode submit categories /> }.into_any(),
                        Err(err) if err.code == ErrorCode::NotFound => view! { <crate::web::not_found::NotFound /> }.into_any(),
                        Err(err) => view! { <BadQuery err /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// Submits the filter form (after hydration: a client-side navigation to its URL).
fn submit_filters() {
    use leptos::wasm_bindgen::JsCast as _;
    let form = document()
        .get_element_by_id(FORM_ID)
        .and_then(|f| f.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
    if let Some(form) = form {
        let _ = form.request_submit();
    }
}

/// The listing query of a URL query string; defaults where it cannot be read (the
/// server reports the error).
pub fn parse_query(search: &str) -> ListingQuery {
    let pairs: Vec<(String, String)> = search
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    ListingQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .unwrap_or_default()
}

/// Decodes a `application/x-www-form-urlencoded` value.
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&raw[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The search field: the request goes out 300 ms after the last key press.
#[component]
fn SearchBox(
    query: Memo<ListingQuery>,
    submit: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |_| {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(submit, std::time::Duration::from_millis(300)).ok();
        pending.set_value(handle);
    };
    // Another search (the header's box, a link) changes the URL: show its words, unless
    // the shopper is typing here.
    Effect::new(move |_| {
        let q = query.get().q;
        if let Some(el) = input.get() {
            let focused = document().active_element().is_some_and(|a| {
                let el: &leptos::web_sys::Element = &el;
                a == *el
            });
            if !focused {
                el.set_value(&q);
            }
        }
    });
    view! {
        <label class="shop__search">
            <span class="visually-hidden">"Search products"</span>
            <input
                node_ref=input
                type="search"
                name="q"
                value=query.get_untracked().q
                placeholder="Search products"
                autocomplete="off"
                data-testid="search-input"
                on:input=on_input
            />
        </label>
    }
}

#[component]
fn BadQuery(err: PublicError) -> impl IntoView {
    view! {
        <section class="empty" data-testid="bad-query">
            <Title text="Products" />
            <h1>"We couldn't read that address"</h1>
            <p>{err.message}</p>
            <a class="button" href="?">"Show all products"</a>
        </section>
    }
}
