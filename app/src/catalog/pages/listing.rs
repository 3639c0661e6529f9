//! `/products`, `/categories/:slug`, `/search` and `/categories`. One view serves the three
//! listings: its state is the URL (`?q=&category=&min=&max=&in_stock=&o=&sort=&page=&limit=`),
//! so every result page has a stable address. The filters are a plain GET form; the
//! listing's island (`live::LiveListing`) applies a change at once, and the words typed in
//! the search box after a pause, replacing the results in place (no reload).

use super::live::LiveListing;
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
    let searching = matches!(mode, Mode::Search);

    view! {
        <LiveListing>
            <Form method="GET" action=path attr:id=FORM_ID attr:class="shop__bar" attr:role="search"
                attr:data-swap="bar" attr:data-replace=searching.then_some("true")>
                {searching.then(|| view! { <SearchBox query /> })}
                <label class="shop__sort">
                    <span>"Sort by"</span>
                    <select name="sort" data-testid="sort">
                        {Sort::ALL
                            .into_iter()
                            .map(|s| {
                                let label = if s == Sort::Relevance && searching { "Best match" } else { s.label() };
                                view! { <option value=s.as_str() selected=move || query.get().sort == s>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <noscript><button type="submit" class="button">"Apply"</button></noscript>
            </Form>
            <div data-swap="results">
                <Transition fallback=|| view! { <p class="loading">"Loading products…"</p> }>
                    {move || Suspend::new(async move {
                        match listing.await {
                            Ok(found) => view! { <Results listing=found query=query.get_untracked() mode categories /> }.into_any(),
                            Err(err) if err.code == ErrorCode::NotFound => view! { <crate::web::not_found::NotFound /> }.into_any(),
                            Err(err) => view! { <BadQuery err /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </LiveListing>
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

/// The search field. The listing's island sends the words 300 ms after the last key press
/// (`live::LiveListing`); without JavaScript the form's Apply button does.
#[component]
fn SearchBox(query: Memo<ListingQuery>) -> impl IntoView {
    view! {
        <label class="shop__search">
            <span class="visually-hidden">"Search products"</span>
            <input
                type="search"
                name="q"
                value=query.get_untracked().q
                placeholder="Search products"
                autocomplete="off"
                data-testid="search-input"
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
