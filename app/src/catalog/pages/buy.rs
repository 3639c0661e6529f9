//! The product page's buy box, an island: the gallery, name, price, availability, the
//! variant picker, "Add to cart" and the SKU, for the variant chosen in the address
//! (`?variant=…`). Choosing another value changes them in place and pushes the variant's
//! address; back and forward follow. The server renders the same box for the variant in
//! the address, so without JavaScript each value is a link to its variant's page.

use super::parts::{NoPicture, Picture};
use crate::catalog::model::{Image, Product, ProductOption, Variant};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the buy box needs of a product (the island's props, serialized into the page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Buyable {
    pub name: String,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
}

impl Buyable {
    pub fn of(product: &Product) -> Self {
        Self {
            name: product.name.clone(),
            options: product.options.clone(),
            variants: product.variants.clone(),
            images: product.images.clone(),
        }
    }
}

/// The variant `id`, else the first in stock, else the first.
fn pick(product: &Buyable, id: Option<&str>) -> Option<Variant> {
    id.and_then(|id| product.variants.iter().find(|v| v.id == id))
        .or_else(|| product.variants.iter().find(|v| v.stock > 0))
        .or_else(|| product.variants.first())
        .cloned()
}

/// The variant reached by choosing `value` for option `index` while keeping the other
/// choices of `current` where such a variant exists.
fn reach<'a>(
    product: &'a Buyable,
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

/// The variant id in the browser's current address.
#[cfg(feature = "hydrate")]
fn variant_in_address() -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("variant")
}

#[island]
pub fn BuyBox(product: Buyable, chosen: Option<String>, children: Children) -> impl IntoView {
    let product = std::sync::Arc::new(product);
    let chosen = RwSignal::new(chosen);
    #[cfg(feature = "hydrate")]
    {
        let back = window_event_listener(leptos::ev::popstate, move |_| {
            chosen.set(variant_in_address())
        });
        on_cleanup(move || back.remove());
    }
    let p = product.clone();
    let variant = Memo::new(move |_| pick(&p, chosen.get().as_deref()));

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

    // Each value is a link to the variant it leads to; in the browser, a click shows that
    // variant in place and pushes its address.
    let choose = move |ev: leptos::ev::MouseEvent, id: String| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Ok(history) = window().history() {
            let url = format!("?variant={id}");
            let _ =
                history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        chosen.set(Some(id));
    };
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
                            let id = target.map(|t| t.id.clone()).unwrap_or_default();
                            let href = format!("?variant={id}");
                            let selected = *value == chosen_value;
                            let class = if selected { "swatch swatch--selected" } else if sold_out { "swatch swatch--sold-out" } else { "swatch" };
                            view! {
                                <a href=href class=class aria-current=selected.then_some("true")
                                    data-testid="option-value" data-value=value.clone()
                                    on:click=move |ev| choose(ev, id.clone())>
                                    {value.clone()}
                                </a>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }
        }).collect_view())
    };

    view! {
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
            {children()}
        </div>
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

    fn product() -> Buyable {
        Buyable {
            name: "P".into(),
            options: Vec::new(),
            images: Vec::new(),
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
