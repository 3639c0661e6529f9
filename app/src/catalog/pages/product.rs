//! `/products/:slug`: gallery, price, availability and the variant picker. The chosen
//! variant is in the URL (`?variant=…`), so every variant has an address; each option
//! value is a link to the variant it leads to, which works before hydration (a page load)
//! and after it (a client-side navigation: price, stock and picture change in place).

use super::parts::{breadcrumb_json, origin, summary, Breadcrumbs, JsonLd, NoPicture, Picture};
use crate::catalog::api::get_product;
use crate::catalog::model::*;
use crate::platform::error::ErrorCode;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::sync::Arc;

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()));
    let chosen = Memo::new(move |_| query.with(|q| q.get("variant")));
    let product = Resource::new(move || slug.get(), get_product);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(p) => view! { <ProductView product=Arc::new(p) chosen /> }.into_any(),
                    Err(err) if err.code == ErrorCode::NotFound => view! { <crate::web::not_found::NotFound /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The variant `id`, else the first in stock, else the first.
fn pick(product: &Product, id: Option<&str>) -> Option<Variant> {
    id.and_then(|id| product.variants.iter().find(|v| v.id == id))
        .or_else(|| product.variants.iter().find(|v| v.stock > 0))
        .or_else(|| product.variants.first())
        .cloned()
}

/// The variant reached by choosing `value` for option `index` while keeping the other
/// choices of `current` where such a variant exists.
fn reach<'a>(
    product: &'a Product,
    current: &Variant,
    index: usize,
    value: &str,
) -> Option<&'a Variant> {
    let with_value = |v: &&Variant| v.options.get(index).map(String::as_str) == Some(value);
    product.variants.iter().filter(with_value).max_by_key(|v| {
        let same = v
            .options
            .iter()
            .zip(&current.options)
            .filter(|(a, b)| a == b)
            .count();
        (same, v.stock > 0)
    })
}

fn availability(stock: i64) -> (&'static str, String) {
    match stock {
        s if s <= 0 => ("out", "Sold out".to_owned()),
        s if s <= 5 => ("low", format!("Only {s} left")),
        _ => ("in", "In stock".to_owned()),
    }
}

#[component]
fn ProductView(product: Arc<Product>, chosen: Memo<Option<String>>) -> impl IntoView {
    let p = product.clone();
    let variant = Memo::new(move |_| pick(&p, chosen.get().as_deref()));
    let origin = origin();
    let path = format!("/products/{}", Slug::url_path(&product.slug));
    let canonical = format!("{origin}{path}");
    let title = if product.seo_title.is_empty() {
        product.name.clone()
    } else {
        product.seo_title.clone()
    };
    let description = if product.seo_description.is_empty() {
        summary(&product.summary)
    } else {
        product.seo_description.clone()
    };
    let absolute = |src: &str| format!("{origin}{src}");

    let offers: Vec<serde_json::Value> = product.variants.iter().map(|v| serde_json::json!({
        "@type": "Offer",
        "sku": v.sku,
        "price": v.price.decimal(),
        "priceCurrency": v.price.currency.code(),
        "availability": if v.stock > 0 { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
        "url": format!("{canonical}?variant={}", v.id),
        "itemCondition": "https://schema.org/NewCondition",
    })).collect();
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.summary,
        "url": canonical,
        "image": product.images.iter().map(|i| absolute(&i.src)).collect::<Vec<_>>(),
        "offers": offers,
    });
    if let Some(first) = product.variants.first() {
        ld["sku"] = serde_json::json!(first.sku);
        if !first.barcode.is_empty() {
            ld["gtin"] = serde_json::json!(first.barcode);
        }
    }
    if let Some(c) = &product.category {
        ld["category"] = serde_json::json!(c.name);
    }
    let crumbs_ld = breadcrumb_json(&origin, &product.breadcrumbs, Some((&product.name, &path)));
    let og_image = product.images.first().map(|i| absolute(&i.src));
    let first_price = product.variants.first().map(|v| v.price);

    // The big picture: the variant's own, else the one the shopper clicked, else the first.
    let shown = RwSignal::new(0usize);
    let p = product.clone();
    Effect::new(move |_| {
        if let Some(image) = variant.get().and_then(|v| v.image_id) {
            if let Some(at) = p.images.iter().position(|i| i.id == image) {
                shown.set(at);
            }
        }
    });
    let p = product.clone();
    let main_image = move || p.images.get(shown.get()).or(p.images.first()).cloned();
    let thumbs = product.images.clone();

    let p = product.clone();
    let pickers = move || {
        let current = variant.get()?;
        Some(p.options.iter().enumerate().map(|(i, option)| {
            let chosen_value = current.options.get(i).cloned().unwrap_or_default();
            view! {
                <fieldset class="picker" data-testid="option-picker">
                    <legend>{option.name.clone()}": " <strong>{chosen_value.clone()}</strong></legend>
                    <div class="picker__values">
                        {option.values.iter().map(|value| {
                            let target = reach(&p, &current, i, value);
                            let sold_out = target.is_none_or(|t| t.stock <= 0);
                            let href = target.map(|t| format!("?variant={}", t.id)).unwrap_or_default();
                            let selected = *value == chosen_value;
                            let (label, data_value) = (value.clone(), value.clone());
                            view! {
                                <A href=href scroll=false
                                    attr:class=if selected { "swatch swatch--selected" } else if sold_out { "swatch swatch--sold-out" } else { "swatch" }
                                    attr:aria-current=selected.then_some("true")
                                    attr:data-testid="option-value"
                                    attr:data-value=data_value>
                                    {label}
                                </A>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }
        }).collect_view())
    };

    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=canonical.clone() />
        <Meta property="og:type" content="product" />
        <Meta property="og:title" content=title />
        <Meta property="og:description" content=description />
        <Meta property="og:url" content=canonical />
        {og_image.map(|src| view! { <Meta property="og:image" content=src /> })}
        {first_price.map(|m| view! {
            <Meta property="product:price:amount" content=m.decimal() />
            <Meta property="product:price:currency" content=m.currency.code() />
        })}
        <JsonLd value=ld />
        <JsonLd value=crumbs_ld />
        <Breadcrumbs trail=product.breadcrumbs.clone() current=product.name.clone() />
        <article class="product" data-testid="product">
            <div class="product__gallery" data-testid="gallery">
                <div class="product__main-image">
                    {move || match main_image() {
                        Some(image) => view! { <Picture image sizes="(min-width: 900px) 50vw, 100vw" eager=true /> }.into_any(),
                        None => view! { <NoPicture /> }.into_any(),
                    }}
                </div>
                {(thumbs.len() > 1).then(|| view! {
                    <ul class="product__thumbs">
                        {thumbs.into_iter().enumerate().map(|(i, image)| view! {
                            <li>
                                <button type="button" class="thumb" class:thumb--active=move || shown.get() == i
                                    aria-label=format!("Show picture {}", i + 1) on:click=move |_| shown.set(i)>
                                    <Picture image sizes="80px" />
                                </button>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
            <div class="product__info">
                <h1 data-testid="product-name">{product.name.clone()}</h1>
                <p class="product__price">
                    <span data-testid="price">{move || variant.get().map(|v| v.price.to_string())}</span>
                    {move || variant.get().and_then(|v| v.compare_at.filter(|c| c.minor > v.price.minor)).map(|c| view! {
                        " " <s class="price--was" data-testid="compare-at">{c.to_string()}</s>
                    })}
                </p>
                <p class="product__stock" data-testid="availability"
                    data-stock=move || variant.get().map(|v| availability(v.stock).0)>
                    {move || variant.get().map(|v| availability(v.stock).1)}
                </p>
                {pickers}
                <crate::cart::pages::AddToCart
                    variant_id=Signal::derive(move || variant.get().map(|v| v.id))
                    available=Signal::derive(move || variant.get().map_or(0, |v| v.stock)) />
                <p class="product__sku">"SKU: " <span data-testid="sku">{move || variant.get().map(|v| v.sku)}</span></p>
                <div class="product__description prose" inner_html=product.description_html.clone()></div>
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::money::{Currency, Money};

    fn variant(id: &str, options: &[&str], stock: i64) -> Variant {
        Variant {
            id: id.into(),
            sku: id.to_uppercase(),
            options: options.iter().map(|s| (*s).to_owned()).collect(),
            price: Money::new(1000, Currency::USD),
            compare_at: None,
            stock,
            weight_grams: 0,
            barcode: String::new(),
            image_id: None,
        }
    }

    fn product() -> Product {
        Product {
            id: "p".into(),
            slug: "p".into(),
            name: "P".into(),
            description: String::new(),
            description_html: String::new(),
            summary: String::new(),
            status: Status::Active,
            featured: false,
            seo_title: String::new(),
            seo_description: String::new(),
            currency: Currency::USD,
            category: None,
            breadcrumbs: Vec::new(),
            options: Vec::new(),
            images: Vec::new(),
            created_at: 0,
            updated_at: 0,
            variants: vec![
                variant("s-red", &["S", "Red"], 0),
                variant("s-blue", &["S", "Blue"], 3),
                variant("m-red", &["M", "Red"], 9),
            ],
        }
    }

    #[test]
    fn the_default_variant_is_the_first_in_stock() {
        let p = product();
        assert_eq!(pick(&p, None).map(|v| v.id).as_deref(), Some("s-blue"));
        assert_eq!(
            pick(&p, Some("m-red")).map(|v| v.id).as_deref(),
            Some("m-red")
        );
        assert_eq!(
            pick(&p, Some("nope")).map(|v| v.id).as_deref(),
            Some("s-blue")
        );
    }

    #[test]
    fn choosing_a_value_keeps_the_other_choices_when_it_can() {
        let p = product();
        let s_red = &p.variants[0];
        assert_eq!(
            reach(&p, s_red, 0, "M").map(|v| v.id.as_str()),
            Some("m-red")
        );
        assert_eq!(
            reach(&p, s_red, 1, "Blue").map(|v| v.id.as_str()),
            Some("s-blue")
        );
        let m_red = &p.variants[2];
        // M/Blue does not exist: Blue leads to the S/Blue variant.
        assert_eq!(
            reach(&p, m_red, 1, "Blue").map(|v| v.id.as_str()),
            Some("s-blue")
        );
    }
}
