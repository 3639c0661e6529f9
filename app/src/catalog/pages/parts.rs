//! The pieces the catalog's pages share, and other domains' pages show: pictures, product
//! cards and grids, breadcrumbs, JSON-LD, the public origin, summaries.

use crate::catalog::model::{Category, Image, ProductCard};
use leptos::prelude::*;

/// A picture with `srcset`, lazy unless `eager` (the first thing a page shows).
#[component]
pub fn Picture(image: Image, sizes: &'static str, #[prop(optional)] eager: bool) -> impl IntoView {
    view! {
        <img
            src=image.src
            srcset=image.srcset
            sizes=sizes
            alt=image.alt
            width=image.width
            height=image.height
            loading=if eager { "eager" } else { "lazy" }
            decoding="async"
        />
    }
}

/// A grey box where a product has no picture yet.
#[component]
pub fn NoPicture() -> impl IntoView {
    view! {
        <div class="no-picture" aria-hidden="true">
            <svg viewBox="0 0 24 24"><path d="M4 5h16v14H4z M4 15l5-5 4 4 3-3 4 4" /></svg>
        </div>
    }
}

#[component]
pub fn ProductCardView(card: ProductCard, #[prop(optional)] eager: bool) -> impl IntoView {
    let href = format!("/products/{}", card.slug);
    let price = card.price_label();
    view! {
        <li class="card" data-testid="product-card">
            <a href=href class="card__link">
                <div class="card__media">
                    {match card.image {
                        Some(image) => view! { <Picture image sizes="(min-width: 1024px) 25vw, (min-width: 640px) 33vw, 50vw" eager /> }.into_any(),
                        None => view! { <NoPicture /> }.into_any(),
                    }}
                    {(!card.in_stock).then(|| view! { <span class="badge badge--muted">"Sold out"</span> })}
                    {card.compare_at.map(|_| view! { <span class="badge badge--sale">"Sale"</span> })}
                </div>
                <h3 class="card__name">{card.name}</h3>
                <p class="card__price">
                    <span data-testid="card-price">{price}</span>
                    {card.compare_at.map(|c| view! { " " <s class="price--was">{c.to_string()}</s> })}
                </p>
            </a>
        </li>
    }
}

#[component]
pub fn ProductGrid(items: Vec<ProductCard>) -> impl IntoView {
    view! {
        <ul class="grid" data-testid="product-grid">
            {items
                .into_iter()
                .enumerate()
                .map(|(i, card)| view! { <ProductCardView card eager=i < 4 /> })
                .collect_view()}
        </ul>
    }
}

/// Home › Category › … links, with `current` last (not a link).
#[component]
pub fn Breadcrumbs(
    trail: Vec<Category>,
    #[prop(optional, into)] current: Option<String>,
) -> impl IntoView {
    let last = trail.len();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb" data-testid="breadcrumbs">
            <ol>
                <li><a href="/">"Home"</a></li>
                {trail
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i + 1 == last && current.is_none() {
                            view! { <li aria-current="page">{c.name}</li> }.into_any()
                        } else {
                            view! { <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li> }.into_any()
                        }
                    })
                    .collect_view()}
                {current.map(|c| view! { <li aria-current="page">{c}</li> })}
            </ol>
        </nav>
    }
}

/// Structured data for search engines, escaped so no text can close the script.
#[component]
pub fn JsonLd(value: serde_json::Value) -> impl IntoView {
    let json = crate::platform::html::json_for_script(&value);
    view! { <script type="application/ld+json" inner_html=json></script> }
}

/// `BreadcrumbList` structured data for `trail` (+ the page itself).
pub fn breadcrumb_json(
    origin: &str,
    trail: &[Category],
    last: Option<(&str, &str)>,
) -> serde_json::Value {
    let mut items = vec![
        serde_json::json!({"@type": "ListItem", "position": 1, "name": "Home", "item": format!("{origin}/")}),
    ];
    for c in trail {
        items.push(serde_json::json!({
            "@type": "ListItem", "position": items.len() + 1, "name": c.name,
            "item": format!("{origin}/categories/{}", c.slug),
        }));
    }
    if let Some((name, path)) = last {
        items.push(serde_json::json!({
            "@type": "ListItem", "position": items.len() + 1, "name": name,
            "item": format!("{origin}{path}"),
        }));
    }
    serde_json::json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items})
}

/// The shop's public origin (for canonical URLs and structured data).
/// On the server it is `OXCART_PUBLIC_URL`; in the browser, the page's own origin.
pub fn origin() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::platform::state::AppState>()
            .map(|s| s.config.public_url.origin().ascii_serialization())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}

/// A short description for `<meta name="description">`: at most ~155 characters, cut
/// at a word.
pub fn summary(text: &str) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 155 {
        return text;
    }
    let cut: String = text.chars().take(155).collect();
    match cut.rfind(' ') {
        Some(at) => format!("{}…", &cut[..at]),
        None => format!("{cut}…"),
    }
}
