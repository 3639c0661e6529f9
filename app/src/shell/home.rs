//! The home page. A welcome and the way into the shop until the catalog arrives.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <Meta name="description" content="Shop our collection: fast delivery, easy returns." />
        <section class="hero" data-testid="hero">
            <div class="hero__text">
                <h1>"Everyday goods, thoughtfully made."</h1>
                <p>"Browse the collection, check out in a minute, follow your order to the door."</p>
                <a class="button button--primary" href="/products">"Start shopping"</a>
            </div>
        </section>
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
