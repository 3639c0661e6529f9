//! The home page: a welcome, the featured categories and products.

use crate::catalog::api::get_home;
use crate::catalog::pages::parts::ProductGrid;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    let canonical = format!("{}/", crate::catalog::pages::parts::origin());
    view! {
        <Title text="" />
        <Meta name="description" content="Shop our collection: fast delivery, easy returns." />
        <Link rel="canonical" href=canonical.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:url" content=canonical />
        <section class="hero" data-testid="hero">
            <div class="hero__text">
                <h1>"Everyday goods, thoughtfully made."</h1>
                <p>"Browse the collection, check out in a minute, follow your order to the door."</p>
                <a class="button button--primary" href="/products">"Start shopping"</a>
            </div>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let home = home.await.ok()?;
                Some(view! {
                    {(!home.categories.is_empty()).then(|| view! {
                        <section class="home-section" aria-labelledby="home-categories">
                            <h2 id="home-categories">"Shop by category"</h2>
                            <ul class="category-tiles" data-testid="featured-categories">
                                {home.categories.into_iter().map(|c| view! {
                                    <li><a class="category-tile" href=format!("/categories/{}", c.slug)>
                                        <span class="category-tile__name">{c.name}</span>
                                    </a></li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!home.products.is_empty()).then(|| view! {
                        <section class="home-section" aria-labelledby="home-products">
                            <div class="home-section__head">
                                <h2 id="home-products">"Featured products"</h2>
                                <a href="/products">"View all →"</a>
                            </div>
                            <ProductGrid items=home.products />
                        </section>
                    })}
                })
            })}
        </Suspense>
        <section class="perks" aria-label="Why shop with us">
            <div class="perk">
                <h2>"Fast delivery"</h2>
                <p>"Orders placed before 2 pm ship the same day."</p>
            </div>
            <div class="perk">
                <h2>"Easy returns"</h2>
                <p>"30 days to change your mind, no questions asked."</p>
            </div>
            <div class="perk">
                <h2>"Secure checkout"</h2>
                <p>"Card payments processed by Stripe; we never see your card number."</p>
            </div>
        </section>
    }
}
