//! `/categories`: every category, as a tree.

use crate::catalog::api::get_categories;
use crate::catalog::model::*;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `/categories`: the whole tree.
#[component]
pub fn CategoriesPage() -> impl IntoView {
    let categories = Resource::new(|| (), |_| get_categories());
    view! {
        <Title text="Categories" />
        <Meta name="description" content="Every category in the shop." />
        <h1>"Categories"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let all = categories.await.unwrap_or_default();
                if all.is_empty() {
                    return view! { <p class="empty">"No categories yet."</p> }.into_any();
                }
                let roots: Vec<Category> = all.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                view! {
                    <ul class="category-tree" data-testid="category-tree">
                        {roots.into_iter().map(|root| {
                            let children: Vec<Category> = all.iter().filter(|c| c.parent_id.as_deref() == Some(root.id.as_str())).cloned().collect();
                            view! {
                                <li>
                                    <a href=format!("/categories/{}", root.slug) class="category-tree__root">{root.name}</a>
                                    <ul>
                                        {children.into_iter().map(|c| view! {
                                            <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li>
                                        }).collect_view()}
                                    </ul>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}
