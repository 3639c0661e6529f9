//! The product editor: details, SEO, options and their values, the variants made from
//! them (SKU, prices, stock, weight, barcode per variant) and, once saved, the pictures.
//! Rows are kept in signals per field, so typing never re-renders the table.

use super::parts::{describe, CatalogTabs};
use crate::catalog::api::{admin_product, get_categories, save_product};
use crate::catalog::model::*;
use crate::platform::money::Money;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn ProductEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    let product = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => admin_product(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let categories = Resource::new(|| (), |_| get_categories());
    view! {
        <CatalogTabs />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let categories = categories.await.unwrap_or_default();
                match product.await {
                    Ok(product) => view! { <Editor product categories /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct OptionRow {
    key: u64,
    name: RwSignal<String>,
    values: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct Row {
    key: u64,
    id: StoredValue<Option<String>>,
    options: RwSignal<Vec<String>>,
    sku: RwSignal<String>,
    price: RwSignal<String>,
    compare_at: RwSignal<String>,
    stock: RwSignal<String>,
    weight: RwSignal<String>,
    barcode: RwSignal<String>,
}

fn next_key() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Row {
    fn new(v: VariantInput) -> Self {
        Self {
            key: next_key(),
            id: StoredValue::new(v.id),
            options: RwSignal::new(v.options),
            sku: RwSignal::new(v.sku),
            price: RwSignal::new(v.price),
            compare_at: RwSignal::new(v.compare_at),
            stock: RwSignal::new(v.stock),
            weight: RwSignal::new(v.weight_grams),
            barcode: RwSignal::new(v.barcode),
        }
    }

    fn input(&self) -> VariantInput {
        VariantInput {
            id: self.id.get_value(),
            options: self.options.get_untracked(),
            sku: self.sku.get_untracked(),
            price: self.price.get_untracked(),
            compare_at: self.compare_at.get_untracked(),
            stock: self.stock.get_untracked(),
            weight_grams: self.weight.get_untracked(),
            barcode: self.barcode.get_untracked(),
        }
    }
}

/// Every combination of the option values, in order.
fn combinations(values: &[Vec<String>]) -> Vec<Vec<String>> {
    values.iter().fold(vec![Vec::new()], |acc, list| {
        acc.into_iter()
            .flat_map(|prefix| {
                list.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect()
    })
}

#[component]
fn Editor(product: Option<Product>, categories: Vec<Category>) -> impl IntoView {
    let id = product.as_ref().map(|p| p.id.clone());
    // The version this editor works from (see `ProductInput::version`); moved on after
    // each save, so saving twice in a row is not mistaken for someone else's change.
    let version = RwSignal::new(product.as_ref().map(|p| p.updated_at));
    let p = product.clone().unwrap_or_default();
    let name = RwSignal::new(p.name.clone());
    let slug = RwSignal::new(p.slug.clone());
    let description = RwSignal::new(p.description.clone());
    let status = RwSignal::new(p.status);
    let category = RwSignal::new(
        p.category
            .as_ref()
            .map(|c| c.id.clone())
            .unwrap_or_default(),
    );
    let featured = RwSignal::new(p.featured);
    let seo_title = RwSignal::new(p.seo_title.clone());
    let seo_description = RwSignal::new(p.seo_description.clone());
    let options = RwSignal::new(
        p.options
            .iter()
            .map(|o| OptionRow {
                key: next_key(),
                name: RwSignal::new(o.name.clone()),
                values: RwSignal::new(o.values.join(", ")),
            })
            .collect::<Vec<_>>(),
    );
    let initial_rows: Vec<Row> = if p.variants.is_empty() {
        vec![Row::new(VariantInput {
            stock: "0".into(),
            ..Default::default()
        })]
    } else {
        p.variants
            .iter()
            .map(|v| {
                Row::new(VariantInput {
                    id: Some(v.id.clone()),
                    sku: v.sku.clone(),
                    options: v.options.clone(),
                    price: v.price.decimal(),
                    compare_at: v.compare_at.map(Money::decimal).unwrap_or_default(),
                    stock: v.stock.to_string(),
                    weight_grams: v.weight_grams.to_string(),
                    barcode: v.barcode.clone(),
                })
            })
            .collect()
    };
    let rows = RwSignal::new(initial_rows);

    let generate = move |_| {
        let opts = options.get_untracked();
        let values: Vec<Vec<String>> = opts
            .iter()
            .map(|o| {
                o.values
                    .get_untracked()
                    .split(',')
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .collect();
        let current = rows.get_untracked();
        let template = current.first().map(Row::input).unwrap_or_default();
        let base = Slug::from_name(&name.get_untracked()).to_ascii_uppercase();
        let next: Vec<Row> = combinations(&values)
            .into_iter()
            .map(|combo| {
                current
                    .iter()
                    .find(|r| r.options.get_untracked() == combo)
                    .copied()
                    .unwrap_or_else(|| {
                        let suffix: Vec<String> = combo
                            .iter()
                            .map(|v| Slug::from_name(v).to_ascii_uppercase())
                            .collect();
                        Row::new(VariantInput {
                            sku: [base.clone()]
                                .into_iter()
                                .chain(suffix)
                                .collect::<Vec<_>>()
                                .join("-"),
                            options: combo,
                            price: template.price.clone(),
                            compare_at: template.compare_at.clone(),
                            stock: "0".into(),
                            weight_grams: template.weight_grams.clone(),
                            ..Default::default()
                        })
                    })
            })
            .collect();
        rows.set(next);
    };

    let saved_id = id.clone();
    let save =
        Action::new(move |input: &ProductInput| save_product(saved_id.clone(), input.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(new_id)) = save.value().get() {
            let reread = new_id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(saved) = crate::catalog::api::admin_product(reread).await {
                    version.set(Some(saved.updated_at));
                }
            });
            navigate(
                &format!("/admin/catalog/products/{new_id}?saved=1"),
                Default::default(),
            );
        }
    });
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .map(|e| describe(&e))
    };
    let query = use_query_map();
    let saved =
        move || query.with(|q| q.get("saved").is_some()) && save.value().with(Option::is_none);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ProductInput {
            slug: slug.get_untracked(),
            name: name.get_untracked(),
            description: description.get_untracked(),
            status: status.get_untracked(),
            category_id: Some(category.get_untracked()).filter(|c| !c.is_empty()),
            featured: featured.get_untracked(),
            seo_title: seo_title.get_untracked(),
            seo_description: seo_description.get_untracked(),
            currency: "USD".into(),
            options: options
                .get_untracked()
                .iter()
                .map(|o| o.name.get_untracked())
                .collect(),
            variants: rows.get_untracked().iter().map(Row::input).collect(),
            version: version.get_untracked(),
        };
        save.dispatch(input);
    };
    let title = if id.is_some() {
        "Edit product"
    } else {
        "New product"
    };
    let storefront =
        (id.is_some() && p.status == Status::Active).then(|| format!("/products/{}", p.slug));

    view! {
        <Title text=title />
        <div class="admin-head">
            <h1>{title}</h1>
            {storefront.map(|href| view! { <a href=href target="_blank">"View in store ↗"</a> })}
        </div>
        {move || saved().then(|| view! { <p class="notice" role="status" data-testid="saved">"Product saved."</p> })}
        <form class="editor" on:submit=submit data-testid="product-form">
            {move || error().map(|e| view! { <p class="form-error" role="alert" data-testid="editor-error">{e}</p> })}
            <section class="card">
                <label class="field"><span>"Name"</span>
                    <input required maxlength="200" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) data-testid="input-name" /></label>
                <label class="field"><span>"Web address"</span>
                    <input prop:value=slug placeholder="made from the name" on:input=move |ev| slug.set(event_target_value(&ev)) data-testid="input-slug" />
                    <small class="muted">"/products/" {move || slug.get()}</small></label>
                <label class="field"><span>"Description (Markdown)"</span>
                    <textarea rows="6" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) data-testid="input-description"></textarea></label>
                <div class="field-row">
                    <label class="field"><span>"Status"</span>
                        <select on:change=move |ev| status.set(Status::parse(&event_target_value(&ev)).unwrap_or_default()) data-testid="input-status">
                            {Status::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=move || status.get() == s>{s.label()}</option> }).collect_view()}
                        </select></label>
                    <label class="field"><span>"Category"</span>
                        <select on:change=move |ev| category.set(event_target_value(&ev)) data-testid="input-category">
                            <option value="">"None"</option>
                            {categories.into_iter().map(|c| {
                                let cid = c.id.clone();
                                view! { <option value=c.id selected=move || category.get() == cid>{if c.parent_id.is_some() { "— " } else { "" }}{c.name}</option> }
                            }).collect_view()}
                        </select></label>
                    <label class="check"><input type="checkbox" prop:checked=featured on:change=move |ev| featured.set(event_target_checked(&ev)) />"Featured on the home page"</label>
                </div>
            </section>
            <section class="card">
                <h2>"Options"</h2>
                <p class="muted">"Up to three, such as Size or Colour, with their values separated by commas. Then make the variants."</p>
                <For each=move || options.get() key=|o| o.key let:option>
                    <div class="field-row">
                        <input aria-label="Option name" placeholder="Size" prop:value=option.name on:input=move |ev| option.name.set(event_target_value(&ev)) data-testid="option-name" />
                        <input aria-label="Values" placeholder="S, M, L" prop:value=option.values on:input=move |ev| option.values.set(event_target_value(&ev)) data-testid="option-values" />
                        <button type="button" class="button button--link" on:click=move |_| options.update(|o| o.retain(|x| x.key != option.key))>"Remove"</button>
                    </div>
                </For>
                <div class="field-row">
                    <button type="button" class="button" disabled=move || options.with(|o| o.len() >= 3) data-testid="add-option"
                        on:click=move |_| options.update(|o| o.push(OptionRow { key: next_key(), name: RwSignal::new(String::new()), values: RwSignal::new(String::new()) }))>"Add option"</button>
                    <button type="button" class="button" on:click=generate data-testid="generate-variants">"Make variants"</button>
                </div>
            </section>
            <section class="card">
                <h2>"Variants"</h2>
                <div class="table-wrap">
                <table class="table variants">
                    <thead><tr><th>"Variant"</th><th>"SKU"</th><th>"Price"</th><th>"Compare at"</th><th>"Stock"</th><th>"Weight (g)"</th><th>"Barcode"</th></tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| r.key let:row>
                            <tr data-testid="variant-row">
                                <td>{move || { let o = row.options.get(); if o.is_empty() { "Default".to_owned() } else { o.join(" / ") } }}</td>
                                <td><input required aria-label="SKU" prop:value=row.sku on:input=move |ev| row.sku.set(event_target_value(&ev)) data-testid="variant-sku" /></td>
                                <td><input required inputmode="decimal" aria-label="Price" prop:value=row.price on:input=move |ev| row.price.set(event_target_value(&ev)) data-testid="variant-price" /></td>
                                <td><input inputmode="decimal" aria-label="Compare-at price" prop:value=row.compare_at on:input=move |ev| row.compare_at.set(event_target_value(&ev)) /></td>
                                <td><input inputmode="numeric" aria-label="Stock" prop:value=row.stock on:input=move |ev| row.stock.set(event_target_value(&ev)) data-testid="variant-stock" /></td>
                                <td><input inputmode="numeric" aria-label="Weight in grams" prop:value=row.weight on:input=move |ev| row.weight.set(event_target_value(&ev)) /></td>
                                <td><input aria-label="Barcode" prop:value=row.barcode on:input=move |ev| row.barcode.set(event_target_value(&ev)) /></td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                </div>
            </section>
            <section class="card">
                <h2>"Search engines"</h2>
                <label class="field"><span>"Page title"</span>
                    <input maxlength="120" prop:value=seo_title placeholder="the product name" on:input=move |ev| seo_title.set(event_target_value(&ev)) /></label>
                <label class="field"><span>"Meta description"</span>
                    <textarea rows="2" maxlength="320" prop:value=seo_description placeholder="the start of the description" on:input=move |ev| seo_description.set(event_target_value(&ev))></textarea></label>
            </section>
            <div class="editor__actions">
                <button type="submit" class="button button--primary" disabled=move || save.pending().get() data-testid="save-product">
                    {move || if save.pending().get() { "Saving…" } else { "Save product" }}
                </button>
            </div>
        </form>
        {id.map(|id| view! { <super::images::Images product_id=id /> })}
    }
}

#[cfg(test)]
mod tests {
    use super::combinations;

    #[test]
    fn variants_are_every_combination_of_the_values() {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(combinations(&[]), vec![Vec::<String>::new()]);
        assert_eq!(
            combinations(&[v(&["S", "M"]), v(&["Red", "Blue"])]),
            vec![
                v(&["S", "Red"]),
                v(&["S", "Blue"]),
                v(&["M", "Red"]),
                v(&["M", "Blue"])
            ]
        );
    }
}
