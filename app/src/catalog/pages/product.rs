//! `/products/:slug`: gallery, price, availability and the variant picker. The chosen
//! variant is in the URL (`?variant=…`), so every variant has an address; each option
//! value is a link to the variant it leads to. The page is the server's; the buy box
//! (gallery, price, stock, picker, "Add to cart") is an island (`buy::BuyBox`): with
//! JavaScript, choosing a value changes price, stock and picture in place and the address
//! follows; without it, the link loads the variant's page.

use super::buy::{BuyBox, Buyable};
use super::parts::{breadcrumb_json, origin, summary, Breadcrumbs, JsonLd};
use crate::catalog::api::get_product;
use crate::catalog::model::*;
use crate::platform::error::ErrorCode;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
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

#[component]
fn ProductView(product: Arc<Product>, chosen: Memo<Option<String>>) -> impl IntoView {
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
            <BuyBox product=Buyable::of(&product) chosen=chosen.get_untracked()>
                <div class="product__description prose" inner_html=product.description_html.clone()></div>
            </BuyBox>
        </article>
    }
}
