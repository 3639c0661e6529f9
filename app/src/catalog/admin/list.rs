//! The staff product list: every status, searchable and filterable through the URL (a
//! plain GET form), with checkboxes for changing the status of many products at once.

use super::parts::CatalogTabs;
use crate::catalog::api::{admin_products, get_categories, set_products_status};
use crate::catalog::model::*;
use crate::catalog::query::Sort;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

#[component]
pub fn CatalogPage() -> impl IntoView {
    let location = use_location();
    let search = Memo::new(move |_| location.search.get().trim_start_matches('?').to_owned());
    let version = RwSignal::new(0u32);
    let products = Resource::new(
        move || (search.get(), version.get()),
        |(q, _)| admin_products(q),
    );
    let categories = Resource::new(|| (), |_| get_categories());
    let selected = RwSignal::new(Vec::<String>::new());
    let bulk_status = RwSignal::new("active".to_owned());
    let bulk = Action::new(|(ids, status): &(Vec<String>, String)| {
        set_products_status(ids.clone(), status.clone())
    });
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(result) = bulk.value().get() {
            match result {
                Ok(n) => {
                    message.set(Some(format!("{n} products updated.")));
                    selected.set(Vec::new());
                    version.update(|v| *v += 1);
                }
                Err(err) => message.set(Some(err.message)),
            }
        }
    });
    let query = Memo::new(move |_| crate::catalog::pages::parse_query(&search.get()));

    view! {
        <Title text="Catalog" />
        <div class="admin-head">
            <h1>"Products"</h1>
            <a class="button button--primary" href="/admin/catalog/products/new" data-testid="new-product">"Add product"</a>
        </div>
        <CatalogTabs />
        <Form method="GET" action="/admin/catalog" attr:class="admin-filters" attr:role="search">
            <input type="search" name="q" placeholder="Search name, SKU, category" prop:value=move || query.get().q data-testid="admin-search" />
            <select name="status" aria-label="Status">
                <option value="">"Any status"</option>
                {Status::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().status == Some(s)>{s.label()}</option>
                }).collect_view()}
            </select>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let all = categories.await.unwrap_or_default();
                    view! {
                        <select name="category" aria-label="Category">
                            <option value="">"Any category"</option>
                            {all.into_iter().map(|c| {
                                let slug = c.slug.clone();
                                view! { <option value=c.slug selected=move || query.get().category.as_deref() == Some(slug.as_str())>{c.name}</option> }
                            }).collect_view()}
                        </select>
                    }
                })}
            </Suspense>
            <select name="sort" aria-label="Sort">
                {[Sort::Newest, Sort::Name, Sort::PriceAsc, Sort::PriceDesc, Sort::Relevance].into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().sort == s>{s.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button">"Filter"</button>
        </Form>
        <div class="bulk" data-testid="bulk">
            <span>{move || format!("{} selected", selected.with(Vec::len))}</span>
            <select aria-label="New status" on:change=move |ev| bulk_status.set(event_target_value(&ev))>
                {Status::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=s == Status::Active>{s.label()}</option> }).collect_view()}
            </select>
            <button type="button" class="button" data-testid="bulk-apply"
                disabled=move || selected.with(Vec::is_empty) || bulk.pending().get()
                on:click=move |_| { bulk.dispatch((selected.get_untracked(), bulk_status.get_untracked())); }>
                "Set status"
            </button>
            {move || message.get().map(|m| view! { <span role="status" class="muted">{m}</span> })}
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                    Ok(listing) if listing.items.is_empty() => view! {
                        <p class="empty" data-testid="admin-empty">"No products match. " <a href="/admin/catalog/products/new">"Add one"</a></p>
                    }.into_any(),
                    Ok(listing) => view! {
                        <p class="muted">{format!("{} products", listing.pagination.total_items)}</p>
                        <table class="table" data-testid="admin-products">
                            <thead><tr><th></th><th></th><th>"Product"</th><th>"Status"</th><th>"Price"</th><th>"Stock"</th></tr></thead>
                            <tbody>
                                {listing.items.iter().cloned().map(|p| {
                                    let id = p.id.clone();
                                    let checked_id = id.clone();
                                    let price = p.price_label();
                                    view! {
                                        <tr data-testid="admin-product-row">
                                            <td><input type="checkbox" aria-label=format!("Select {}", p.name)
                                                prop:checked=move || selected.with(|s| s.contains(&checked_id))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    let id = id.clone();
                                                    selected.update(|s| if on { if !s.contains(&id) { s.push(id) } } else { s.retain(|x| *x != id) });
                                                } /></td>
                                            <td class="table__thumb">{p.image.map(|i| view! { <img src=i.srcset.split(' ').next().unwrap_or_default().to_owned() alt="" width="40" height="40" /> })}</td>
                                            <td><a href=format!("/admin/catalog/products/{}", p.id)>{p.name}</a><br /><small class="muted">{p.slug}</small></td>
                                            <td><span class=format!("status status--{}", p.status.as_str())>{p.status.label()}</span></td>
                                            <td>{price}</td>
                                            <td>{if p.in_stock { "In stock" } else { "Out of stock" }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <crate::catalog::pages::Pager pagination=listing.pagination.clone() query=query.get_untracked() />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
