//! A listing's results: the cards, the filters beside them (a GET form that also works
//! without JavaScript), the empty state and the pager.

use super::parts::{breadcrumb_json, origin, summary, Breadcrumbs, JsonLd, ProductGrid};
use crate::catalog::model::*;
use crate::catalog::query::ListingQuery;
use crate::platform::error::PublicError;
use crate::platform::money::{Currency, Money};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

#[derive(Clone, Copy)]
pub(super) enum Mode {
    All,
    Category(Memo<String>),
    Search,
}

pub(super) const FORM_ID: &str = "listing-filters";

#[component]
pub(super) fn Results(
    listing: Listing,
    query: ListingQuery,
    mode: Mode,
    categories: Resource<Result<Vec<Category>, PublicError>>,
) -> impl IntoView {
    let origin = origin();
    let (title, path, description) = match (&mode, &listing.category) {
        (Mode::Category(_), Some(c)) => (
            c.name.clone(),
            format!("/categories/{}", Slug::url_path(&c.slug)),
            if c.description.is_empty() {
                format!("Shop {} at our store.", c.name)
            } else {
                summary(&c.description)
            },
        ),
        (Mode::Search, _) if !query.q.is_empty() => (
            format!("Search results for “{}”", query.q),
            "/search".to_owned(),
            format!("Products matching {}", query.q),
        ),
        (Mode::Search, _) => (
            "Search".to_owned(),
            "/search".to_owned(),
            "Search the shop.".to_owned(),
        ),
        _ => (
            "All products".to_owned(),
            "/products".to_owned(),
            "Browse every product in the shop.".to_owned(),
        ),
    };
    let page = listing.pagination.page;
    // The canonical address keeps what changes the content (category, page), not sorting.
    let canonical = if page > 1 {
        format!("{origin}{path}?page={page}")
    } else {
        format!("{origin}{path}")
    };
    let total = listing.pagination.total_items;
    let count = match total {
        0 => "No products".to_owned(),
        1 => "1 product".to_owned(),
        n => format!("{n} products"),
    };
    let breadcrumbs = listing.breadcrumbs.clone();
    let crumbs_json = (!breadcrumbs.is_empty()).then(|| {
        breadcrumb_json(
            &origin,
            &breadcrumbs[..breadcrumbs.len() - 1],
            Some((&title, &path)),
        )
    });
    // The search page asks for words before it shows anything.
    let awaiting_words = matches!(mode, Mode::Search) && query.q.trim().is_empty();
    let empty = listing.items.is_empty() || awaiting_words;
    // Each part goes to the one piece that shows it: nothing is copied for rendering.
    let Listing {
        items,
        pagination,
        facets,
        category,
        ..
    } = listing;
    let noindex = matches!(mode, Mode::Search) || query.has_filters();
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=canonical.clone() />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description />
        <Meta property="og:url" content=canonical />
        <Meta property="og:type" content="website" />
        {noindex.then(|| view! { <Meta name="robots" content="noindex, follow" /> })}
        {crumbs_json.map(|value| view! { <JsonLd value /> })}
        {(!breadcrumbs.is_empty()).then(|| view! { <Breadcrumbs trail=breadcrumbs /> })}
        <header class="shop__head">
            <h1 data-testid="listing-title">{title}</h1>
            {category.filter(|c| !c.description.is_empty()).map(|c| view! { <p class="shop__lead">{c.description}</p> })}
            {(!awaiting_words).then(|| view! { <p class="shop__count" data-testid="result-count">{count}</p> })}
        </header>
        <div class="shop__body">
            <Filters facets query=query.clone() mode categories />
            <section class="shop__results" aria-live="polite">
                // The cards' names are h3: this keeps the outline h1 → h2 → h3 for
                // screen readers (Lighthouse's heading-order).
                <h2 class="visually-hidden">{if empty { "No products" } else { "Products" }}</h2>
                {if empty {
                    view! { <Empty query=query.clone() mode /> }.into_any()
                } else {
                    view! { <ProductGrid items /> }.into_any()
                }}
                {(!awaiting_words).then(|| view! { <Pager pagination query /> })}
            </section>
        </div>
    }
}

#[component]
fn Filters(
    facets: Vec<Facet>,
    query: ListingQuery,
    mode: Mode,
    categories: Resource<Result<Vec<Category>, PublicError>>,
) -> impl IntoView {
    let mut groups: Vec<(String, Vec<Facet>)> = Vec::new();
    for facet in facets {
        match groups.last_mut() {
            Some((name, list)) if *name == facet.name => list.push(facet),
            _ => groups.push((facet.name.clone(), vec![facet])),
        }
    }
    let chosen = query.options.clone();
    let price = |m: Option<i64>| {
        m.map(|m| Money::new(m, Currency::USD).decimal())
            .unwrap_or_default()
    };
    let current_category = query.category.clone().unwrap_or_default();
    view! {
        <aside class="filters" aria-label="Filters" data-testid="filters">
            <details class="filters__panel" open>
                <summary>"Filters"</summary>
                {(!matches!(mode, Mode::Category(_))).then(|| view! {
                    <Suspense fallback=|| ()>
                        {
                            let current_category = current_category.clone();
                            move || {
                                let current_category = current_category.clone();
                                Suspend::new(async move {
                                    let all = categories.await.unwrap_or_default();
                                    view! {
                                        <label class="filters__field">
                                            <span>"Category"</span>
                                            <select name="category" form=FORM_ID data-testid="filter-category">
                                                <option value="">"All categories"</option>
                                                {all.into_iter().map(|c| {
                                                    let selected = c.slug == current_category;
                                                    let indent = if c.parent_id.is_some() { "— " } else { "" };
                                                    view! { <option value=c.slug selected=selected>{indent}{c.name}</option> }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                    }
                                })
                            }
                        }
                    </Suspense>
                })}
                <fieldset class="filters__group">
                    <legend>"Price"</legend>
                    <div class="filters__range">
                        <input type="number" name="min" min="0" step="0.01" inputmode="decimal" placeholder="Min" aria-label="Minimum price"
                            form=FORM_ID value=price(query.min_price) data-testid="filter-min" />
                        <span aria-hidden="true">"–"</span>
                        <input type="number" name="max" min="0" step="0.01" inputmode="decimal" placeholder="Max" aria-label="Maximum price"
                            form=FORM_ID value=price(query.max_price) data-testid="filter-max" />
                    </div>
                </fieldset>
                <label class="filters__check">
                    <input type="checkbox" name="in_stock" value="1" form=FORM_ID checked=query.in_stock data-testid="filter-in-stock" />
                    "In stock only"
                </label>
                {groups.into_iter().map(|(name, values)| {
                    let chosen = chosen.clone();
                    view! {
                        <fieldset class="filters__group">
                            <legend>{name.clone()}</legend>
                            {values.into_iter().map(|f| {
                                let value = format!("{}:{}", f.name, f.value);
                                let checked = chosen.iter().any(|(n, v)| n.eq_ignore_ascii_case(&f.name) && *v == f.value);
                                view! {
                                    <label class="filters__check">
                                        <input type="checkbox" name="o" value=value form=FORM_ID checked=checked
                                            data-testid="filter-option" data-option=f.value.clone() />
                                        {f.value}
                                        <span class="filters__count">{f.count}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                }).collect_view()}
                <button type="submit" form=FORM_ID class="button filters__apply">"Apply filters"</button>
            </details>
        </aside>
    }
}

#[component]
fn Empty(query: ListingQuery, mode: Mode) -> impl IntoView {
    let searching = matches!(mode, Mode::Search);
    let (title, text) = if searching && query.q.trim().is_empty() {
        (
            "What are you looking for?",
            "Type a product name, a SKU or a category.",
        )
    } else if searching {
        (
            "No products match your search",
            "Check the spelling, use fewer words, or browse the categories.",
        )
    } else if query.has_filters() {
        (
            "No products match these filters",
            "Remove a filter or widen the price range.",
        )
    } else {
        (
            "Nothing here yet",
            "New products are on their way. Browse the rest of the shop meanwhile.",
        )
    };
    view! {
        <div class="empty" data-testid="empty">
            <h2>{title}</h2>
            <p>{text}</p>
            <a class="button" href="/products">"Browse all products"</a>
        </div>
    }
}

#[component]
pub fn Pager(pagination: Pagination, query: ListingQuery) -> impl IntoView {
    if pagination.total_pages <= 1 {
        return ().into_any();
    }
    let href = move |page: u32| format!("?{}", query.to_query_string(page));
    let current = pagination.page;
    let last = u32::try_from(pagination.total_pages).unwrap_or(u32::MAX);
    let mut pages: Vec<u32> = vec![1, current.saturating_sub(1), current, current + 1, last];
    pages.retain(|p| *p >= 1 && *p <= last);
    pages.sort_unstable();
    pages.dedup();
    view! {
        <nav class="pager" aria-label="Pages" data-testid="pager">
            {pagination.has_prev.then(|| view! { <a rel="prev" href=href(current - 1) data-testid="pager-prev">"← Previous"</a> })}
            {pages.into_iter().map(|p| {
                if p == current {
                    view! { <span aria-current="page" class="pager__current">{p}</span> }.into_any()
                } else {
                    view! { <a href=href(p)>{p}</a> }.into_any()
                }
            }).collect_view()}
            {pagination.has_next.then(|| view! { <a rel="next" href=href(current + 1) data-testid="pager-next">"Next →"</a> })}
        </nav>
    }
    .into_any()
}
