//! Hostile text in every field that reaches a page or a mail — search words, product,
//! variant, category and store names, SEO fields, announcement, customer names and
//! addresses (shown to staff), mails — and a browser's parser reading what came back:
//! no element, attribute or redirect the page did not write itself. leptos_meta 0.8.7
//! writes `<title>` unescaped; `app::platform::html::title` escapes it (see `app/src/html.rs`).

use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{TestApp, TestDb};
use app::catalog::model::CategoryInput;
use leptos::server_fn::ServerFn as _;
use scraper::{ElementRef, Html, Selector};

/// Closes the title, a script, an attribute; opens an element of its own, a handler, a
/// refresh to another site.
const HOSTILE: &str = "</title></script><oxevil id=x></oxevil>\"'><img src=x onerror=oxevil()>\
<svg onload=oxevil()><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">";
/// The same in fewer characters, for fields with tight limits.
const SHORT: &str = "</title>\"'><img src=x onerror=oxevil()>";

/// Every element and attribute a browser builds from `html`: none of them may come from
/// the hostile text.
fn assert_clean(html: &str, what: &str) {
    let doc = Html::parse_document(html);
    let mut titles = 0;
    for node in doc.root_element().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        assert!(name != "oxevil", "{what}: an injected element");
        // The document's titles; an SVG chart's <title> (its accessible name) is not one.
        if name == "title" && &*el.value().name.ns != "http://www.w3.org/2000/svg" {
            titles += 1;
        }
        if name == "meta" {
            assert!(
                el.value().attr("http-equiv").is_none(),
                "{what}: an injected <meta http-equiv>"
            );
        }
        if name == "img" {
            assert_ne!(
                el.value().attr("src"),
                Some("x"),
                "{what}: an injected <img>"
            );
        }
        for (attr, _) in el.value().attrs() {
            assert!(
                !attr.starts_with("on") && attr != "oxevil",
                "{what}: an injected attribute {attr} on <{name}>"
            );
        }
    }
    assert!(titles <= 1, "{what}: {titles} titles");
    let ld = Selector::parse(r#"script[type="application/ld+json"]"#).expect("selector");
    for script in doc.select(&ld) {
        let text: String = script.text().collect();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{what}: the JSON-LD no longer parses: {e}"));
    }
}

/// The document's title as a browser reads it (entities decoded).
fn title(html: &str) -> String {
    let doc = Html::parse_document(html);
    let selector = Selector::parse("title").expect("selector");
    doc.select(&selector)
        .next()
        .map(|t| t.text().collect())
        .unwrap_or_default()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.text().await.expect("html")
}

both_backends!(
    hostile_text_in_every_field_stays_text_on_every_page_and_in_mail,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        for (key, value) in [("store.name", SHORT), ("store.announcement", HOSTILE)] {
            sqlx::query("update settings set value = $1 where key = $2")
                .bind(value)
                .bind(key)
                .execute(app.state.db.pool())
                .await
                .expect("setting");
        }
        let category = app::catalog::categories::save(
            &app.state,
            "system",
            None,
            &CategoryInput {
                name: SHORT.into(),
                slug: "hostile".into(),
                description: HOSTILE.into(),
                ..Default::default()
            },
        )
        .await
        .expect("category");
        let mut input = product(HOSTILE, &[SHORT], vec![v("EVIL-1", &[SHORT], "10", 5)]);
        input.slug = "hostile-product".into();
        input.category_id = Some(category);
        input.seo_title = SHORT.into();
        input.seo_description = HOSTILE.into();
        input.description = format!("Plain words. {HOSTILE} [link](javascript:oxevil())");
        let product_id = app.save(input).await;

        // Reflected, without signing in: the search box's words reach the title.
        let encoded: String = url::form_urlencoded::byte_serialize(HOSTILE.as_bytes()).collect();
        let search = page(&app, &app.client, &format!("/search?q={encoded}")).await;
        assert_clean(&search, "search");
        assert!(
            title(&search).contains("</title>"),
            "the words are in the title as text: {}",
            title(&search)
        );
        // Stored: every page that shows the product, its category or the store.
        let visitor = app.browser();
        for path in [
            "/",
            "/products",
            "/products/hostile-product",
            "/categories",
            "/categories/hostile",
            "/search?q=plain",
            "/cart",
        ] {
            assert_clean(&page(&app, &visitor, path).await, path);
        }
        let product_page = page(&app, &visitor, "/products/hostile-product").await;
        assert!(
            title(&product_page).starts_with("</title>"),
            "SEO title as text"
        );

        // A customer with a hostile name buys, shipping to a hostile address.
        let shopper = app.browser();
        let variant: (String,) = sqlx::query_as("select id from variants where product_id = $1")
            .bind(&product_id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("variant");
        assert!(app.add(&shopper, &variant.0, "1").await.ok());
        assert_clean(
            &page(&app, &shopper, "/cart").await,
            "cart with the product",
        );
        let contact = app
            .step(
                &shopper,
                app::checkout::api::SaveCheckoutContact::PATH,
                &[
                    ("email", "evil@example.com"),
                    ("full_name", SHORT),
                    ("company", SHORT),
                    ("line1", SHORT),
                    ("city", SHORT),
                    ("region", "NY"),
                    ("postal_code", "10001"),
                    ("country", "US"),
                ],
            )
            .await;
        assert!(contact.ok(), "{}", contact.body);
        let rate = app.checkout(&shopper).await["rates"][0]["id"]
            .as_str()
            .expect("rate")
            .to_owned();
        app.step(
            &shopper,
            app::checkout::api::ChooseShipping::PATH,
            &[("rate_id", &rate)],
        )
        .await;
        assert_clean(&page(&app, &shopper, "/checkout").await, "checkout");
        assert!(app.start_payment(&shopper).await.ok());
        assert_clean(&page(&app, &shopper, "/checkout/pay").await, "pay step");
        assert!(app.pay(&shopper, "4242424242424242").await.ok());
        let (order_id,): (String,) = sqlx::query_as("select id from orders")
            .fetch_one(app.state.db.pool())
            .await
            .expect("order");
        let guest_path = app::orders::access::guest_path(&app.state, &order_id);
        assert_clean(&page(&app, &shopper, &guest_path).await, "the order page");

        // Staff read the customer's name and address, and edit the product.
        let staff = app.staff_client("staff@example.com").await;
        for path in [
            "/admin".to_owned(),
            "/admin/orders".to_owned(),
            format!("/admin/orders/{order_id}"),
            "/admin/catalog".to_owned(),
            format!("/admin/catalog/products/{product_id}"),
            "/admin/catalog/categories".to_owned(),
            "/admin/inventory".to_owned(),
            // The reports draw names into SVG charts and tables.
            "/admin/analytics/products?range=today&by=variant".to_owned(),
            "/admin/analytics/products?range=today".to_owned(),
            "/admin/analytics/categories?range=today".to_owned(),
            "/admin/analytics/customers?range=today".to_owned(),
        ] {
            assert_clean(&page(&app, &staff, &path).await, &path);
        }

        // A signed-in customer whose own name is hostile.
        app.verified_user("named@example.com").await;
        let named = app.browser();
        app.login_with(
            &named,
            "named@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        let renamed = app
            .call(
                &named,
                app::accounts::api::UpdateProfile::PATH,
                &[("full_name", SHORT)],
            )
            .await;
        assert!(renamed.status().is_success(), "{}", renamed.status());
        for path in ["/account", "/account/profile", "/products"] {
            assert_clean(&page(&app, &named, path).await, path);
        }

        // Mails: the confirmation names the store, the product and the address.
        let mail = app.wait_for_mail("evil@example.com", "confirmed").await;
        let html = mail
            .find("<!doctype html>")
            .map(|start| &mail[start..])
            .expect("an HTML part");
        let html = &html[..html.find("</html>").map_or(html.len(), |end| end + 7)];
        assert_clean(html, "the confirmation mail");
        assert!(
            html.contains("&lt;/title&gt;"),
            "the names are in it, escaped"
        );
    }
);
