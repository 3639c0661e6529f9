//! The category tree editor: every category indented under its parent, a form to add or
//! change one (name, web address, parent, position, featured, description), and delete.

use super::parts::{describe, CatalogTabs};
use crate::catalog::api::{delete_category, get_categories, save_category};
use crate::catalog::model::{Category, CategoryInput};
use leptos::prelude::*;
use leptos_meta::Title;

/// The categories in tree order, each with its depth.
fn tree(all: &[Category]) -> Vec<(usize, Category)> {
    fn walk(
        all: &[Category],
        parent: Option<&str>,
        depth: usize,
        out: &mut Vec<(usize, Category)>,
    ) {
        for c in all.iter().filter(|c| c.parent_id.as_deref() == parent) {
            if out.iter().any(|(_, o)| o.id == c.id) {
                continue;
            }
            out.push((depth, c.clone()));
            walk(all, Some(&c.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(all, None, 0, &mut out);
    out
}

#[component]
pub fn CategoriesAdminPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let categories = Resource::new(move || version.get(), |_| get_categories());
    let editing = RwSignal::new(None::<String>);
    let input = RwSignal::new(CategoryInput::default());
    let save = Action::new(|(id, input): &(Option<String>, CategoryInput)| {
        save_category(id.clone(), input.clone())
    });
    let delete = Action::new(|id: &String| delete_category(id.clone()));
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            notice.set(Some("Category saved.".into()));
            editing.set(None);
            input.set(CategoryInput::default());
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            notice.set(Some("Category deleted.".into()));
            version.update(|v| *v += 1);
        }
    });
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .map(|e| describe(&e))
            .or_else(|| {
                delete
                    .value()
                    .get()
                    .and_then(Result::err)
                    .map(|e| e.message)
            })
    };
    let set = move |f: fn(&mut CategoryInput, String)| {
        move |ev: leptos::ev::Event| input.update(|i| f(i, event_target_value(&ev)))
    };
    view! {
        <Title text="Categories" />
        <div class="admin-head"><h1>"Categories"</h1></div>
        <CatalogTabs />
        {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {move || error().map(|e| view! { <p class="form-error" role="alert" data-testid="category-error">{e}</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let all = categories.await.unwrap_or_default();
                let parents = all.clone();
                view! {
                    <form class="card form" data-testid="category-form" on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch((editing.get_untracked(), input.get_untracked()));
                    }>
                        <h2>{move || if editing.get().is_some() { "Change category" } else { "Add a category" }}</h2>
                        <div class="field-row">
                            <label class="field"><span>"Name"</span>
                                <input required prop:value=move || input.with(|i| i.name.clone()) on:input=set(|i, v| i.name = v) data-testid="category-name" /></label>
                            <label class="field"><span>"Web address"</span>
                                <input placeholder="made from the name" prop:value=move || input.with(|i| i.slug.clone()) on:input=set(|i, v| i.slug = v) /></label>
                            <label class="field"><span>"Parent"</span>
                                <select on:change=set(|i, v| i.parent_id = Some(v).filter(|v| !v.is_empty())) data-testid="category-parent">
                                    <option value="">"None (top level)"</option>
                                    {parents.into_iter().map(|c| {
                                        let id = c.id.clone();
                                        view! { <option value=c.id selected=move || input.with(|i| i.parent_id.as_deref() == Some(id.as_str()))>{c.name}</option> }
                                    }).collect_view()}
                                </select></label>
                            <label class="field"><span>"Position"</span>
                                <input type="number" prop:value=move || input.with(|i| i.position.to_string())
                                    on:input=set(|i, v| i.position = v.parse().unwrap_or(0)) /></label>
                        </div>
                        <label class="field"><span>"Description"</span>
                            <textarea rows="2" prop:value=move || input.with(|i| i.description.clone()) on:input=set(|i, v| i.description = v)></textarea></label>
                        <label class="check"><input type="checkbox" prop:checked=move || input.with(|i| i.featured)
                            on:change=move |ev| input.update(|i| i.featured = event_target_checked(&ev)) />"Featured on the home page"</label>
                        <div class="field-row">
                            <button type="submit" class="button button--primary" data-testid="category-save">"Save category"</button>
                            {move || editing.get().is_some().then(|| view! {
                                <button type="button" class="button" on:click=move |_| { editing.set(None); input.set(CategoryInput::default()); }>"Cancel"</button>
                            })}
                        </div>
                    </form>
                    <table class="table" data-testid="category-table">
                        <thead><tr><th>"Category"</th><th>"Products"</th><th></th></tr></thead>
                        <tbody>
                            {tree(&all).into_iter().map(|(depth, c)| {
                                let (edit, del) = (c.clone(), c.id.clone());
                                view! {
                                    <tr data-testid="category-row">
                                        <td style=format!("padding-left: {}rem", 0.75 + depth as f32 * 1.5)>{c.name.clone()} " " <small class="muted">"/" {c.slug.clone()}</small></td>
                                        <td>{c.product_count}</td>
                                        <td>
                                            <button type="button" class="button button--link" on:click=move |_| {
                                                editing.set(Some(edit.id.clone()));
                                                input.set(CategoryInput { name: edit.name.clone(), slug: edit.slug.clone(), description: edit.description.clone(),
                                                    parent_id: edit.parent_id.clone(), position: edit.position, featured: edit.featured });
                                            }>"Edit"</button>
                                            <button type="button" class="button button--link" on:click=move |_| { delete.dispatch(del.clone()); }>"Delete"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </Transition>
    }
}
