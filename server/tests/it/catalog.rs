//! The catalog over HTTP: browse, filter, sort, page, search and rank; drafts stay hidden;
//! conflicts leave nothing half-saved; the query count of a listing does not grow with
//! the catalog; writes reach every instance's cache.

use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{json, TestApp, TestDb};
use app::catalog::model::Status;

/// Shirts (under Apparel) and Home, four active products and a draft.
async fn shop(app: &TestApp) {
    let apparel = app.category("Apparel", None).await;
    let shirts = app.category("Shirts", Some(&apparel)).await;
    let home = app.category("Home", None).await;
    let mut linen = product(
        "Linen Shirt",
        &["Size"],
        vec![
            v("LS-S", &["S"], "40", 0),
            v("LS-M", &["M"], "40", 5),
            v("LS-L", &["L"], "45", 3),
        ],
    );
    linen.category_id = Some(shirts.clone());
    linen.description = "A breathable shirt for hot days.".into();
    app.save(linen).await;
    let mut tee = product(
        "Cotton Tee",
        &["Size"],
        vec![v("CT-S", &["S"], "20", 10), v("CT-M", &["M"], "20", 10)],
    );
    tee.category_id = Some(shirts);
    app.save(tee).await;
    let mut mug = product(
        "Ceramic Mug",
        &["Colour"],
        vec![
            v("MUG-RED", &["Red"], "15", 0),
            v("MUG-BLUE", &["Blue"], "15", 0),
        ],
    );
    mug.category_id = Some(home.clone());
    app.save(mug).await;
    let mut bowl = product(
        "Café Crème 🎉 Bowl",
        &[],
        vec![v("BOWL-1", &[], "32.50", 4)],
    );
    bowl.category_id = Some(home);
    bowl.description = "Pairs well with a **linen** napkin. 日本の茶碗".into();
    app.save(bowl).await;
    let mut draft = product("Secret Draft Jacket", &[], vec![v("DRAFT-1", &[], "99", 1)]);
    draft.status = Status::Draft;
    app.save(draft).await;
}

both_backends!(
    filters_and_sorts_pick_the_right_products,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        shop(&app).await;

        let (all, body) = app.names("").await;
        assert_eq!(all.len(), 4, "drafts are not listed: {all:?}");
        assert_eq!(body["pagination"]["total_items"], 4);
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        assert_eq!(
            sorted(app.names("category=shirts").await.0),
            ["Cotton Tee", "Linen Shirt"]
        );
        assert_eq!(
            sorted(app.names("category=apparel").await.0),
            ["Cotton Tee", "Linen Shirt"],
            "a category includes its sub-categories"
        );
        assert_eq!(
            sorted(app.names("min=30").await.0),
            ["Café Crème 🎉 Bowl", "Linen Shirt"]
        );
        assert_eq!(
            sorted(app.names("max=20").await.0),
            ["Ceramic Mug", "Cotton Tee"]
        );
        assert_eq!(
            app.names("min=41&max=50").await.0,
            ["Linen Shirt"],
            "any variant in range"
        );
        assert!(!app
            .names("in_stock=1")
            .await
            .0
            .contains(&"Ceramic Mug".to_owned()));
        assert_eq!(app.names("in_stock=1").await.0.len(), 3);
        assert_eq!(
            sorted(app.names("o=Size:M").await.0),
            ["Cotton Tee", "Linen Shirt"]
        );
        assert_eq!(
            app.names("o=size:L").await.0,
            ["Linen Shirt"],
            "option names ignore case"
        );
        assert_eq!(
            app.names("o=Size:L&o=Colour:Red").await.0,
            Vec::<String>::new()
        );
        assert_eq!(
            app.names("o=Colour:Blue&category=home").await.0,
            ["Ceramic Mug"]
        );

        assert_eq!(
            app.names("sort=price-asc").await.0,
            [
                "Ceramic Mug",
                "Cotton Tee",
                "Café Crème 🎉 Bowl",
                "Linen Shirt"
            ]
        );
        assert_eq!(
            app.names("sort=price-desc").await.0,
            [
                "Linen Shirt",
                "Café Crème 🎉 Bowl",
                "Cotton Tee",
                "Ceramic Mug"
            ]
        );
        assert_eq!(
            app.names("sort=name").await.0,
            [
                "Café Crème 🎉 Bowl",
                "Ceramic Mug",
                "Cotton Tee",
                "Linen Shirt"
            ]
        );
        assert_eq!(
            app.names("sort=newest").await.0,
            [
                "Café Crème 🎉 Bowl",
                "Ceramic Mug",
                "Cotton Tee",
                "Linen Shirt"
            ]
        );
    }
);

both_backends!(
    pages_have_stable_edges_and_bad_parameters_are_named,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        shop(&app).await;

        let (first, body) = app.names("sort=name&limit=3").await;
        assert_eq!(first.len(), 3);
        let p = &body["pagination"];
        assert_eq!(
            (
                p["total_pages"].as_i64(),
                p["has_next"].as_bool(),
                p["has_prev"].as_bool()
            ),
            (Some(2), Some(true), Some(false))
        );
        let (second, body) = app.names("sort=name&limit=3&page=2").await;
        assert_eq!(second, ["Linen Shirt"]);
        assert_eq!(body["pagination"]["has_next"], false);
        let (beyond, body) = app.names("sort=name&limit=3&page=9").await;
        assert!(beyond.is_empty());
        assert_eq!(body["pagination"]["total_items"], 4);
        assert_eq!(app.names("limit=100").await.0.len(), 4);

        for (query, field) in [
            ("limit=101", "limit"),
            ("limit=0", "limit"),
            ("page=0", "page"),
            ("page=-1", "page"),
            ("sort=cheap", "sort"),
            ("min=abc", "min"),
            ("min=9&max=1", "min"),
        ] {
            let response = app.get(&format!("/api/v1/products?{query}")).await;
            assert_eq!(response.status(), 400, "{query}");
            let body = json(response).await;
            assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
            assert_eq!(body["error"]["field"], field, "{query}");
        }
        // The page answers the same mistake in words, with status 400.
        let page = app.get_page("/products?limit=500").await;
        assert_eq!(page.status(), 400);
        assert!(page
            .text()
            .await
            .expect("html")
            .contains("between 1 and 100"));
    }
);

both_backends!(
    search_ranks_names_first_and_folds_accents,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        shop(&app).await;

        assert_eq!(
            app.names("q=linen").await.0,
            ["Linen Shirt", "Café Crème 🎉 Bowl"],
            "a name match ranks above a description match"
        );
        assert_eq!(
            app.names("q=shir").await.0,
            ["Linen Shirt", "Cotton Tee"],
            "words match as prefixes; the name outranks the category (Shirts)"
        );
        assert_eq!(
            app.names("q=ls-m").await.0,
            ["Linen Shirt"],
            "SKUs are searched"
        );
        assert_eq!(app.names("q=cafe").await.0, ["Café Crème 🎉 Bowl"]);
        assert_eq!(app.names("q=CRÈME").await.0, ["Café Crème 🎉 Bowl"]);
        assert_eq!(app.names("q=日本の茶碗").await.0, ["Café Crème 🎉 Bowl"]);
        assert_eq!(
            {
                let mut n = app.names("q=apparel").await.0;
                n.sort();
                n
            },
            ["Cotton Tee", "Linen Shirt"],
            "category names are searched"
        );
        assert_eq!(
            app.names("q=linen+shirt").await.0,
            ["Linen Shirt"],
            "every word must match"
        );
        assert_eq!(
            app.names("q=%F0%9F%8E%89").await.0,
            ["Café Crème 🎉 Bowl"],
            "an emoji alone is found in the name"
        );
        assert!(
            app.names("q=%22%29+OR+1%3D1+--").await.0.is_empty(),
            "syntax is not interpreted"
        );
        assert!(
            app.names("q=secret").await.0.is_empty(),
            "drafts are not found"
        );
        assert_eq!(
            app.names("q=shirt&sort=price-asc").await.0,
            ["Cotton Tee", "Linen Shirt"]
        );
        assert_eq!(
            app.names("q=shirt&category=home").await.0,
            Vec::<String>::new(),
            "search and filters combine"
        );

        let page = app.get_page("/search?q=linen").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(
            html.contains("Search results for “linen”"),
            "the page says what was searched"
        );
        assert!(
            html.contains("noindex"),
            "result pages are kept out of search engines"
        );
    }
);

both_backends!(
    drafts_are_invisible_to_shoppers_and_the_api,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        shop(&app).await;

        assert_eq!(
            app.get("/api/v1/products/secret-draft-jacket")
                .await
                .status(),
            404
        );
        assert_eq!(
            app.get_page("/products/secret-draft-jacket").await.status(),
            404
        );
        assert_eq!(app.get_page("/products/no-such-thing").await.status(), 404);
        assert_eq!(
            app.get_page("/categories/no-such-thing").await.status(),
            404
        );
        let sitemap = app.get("/sitemap.xml").await.text().await.expect("xml");
        assert!(!sitemap.contains("secret-draft-jacket"));
        assert!(sitemap.contains("/products/linen-shirt</loc>"));
        assert!(sitemap.contains("/categories/shirts</loc>"));

        // Archiving hides a product at once (the cache is emptied by the write).
        assert_eq!(app.get("/api/v1/products/linen-shirt").await.status(), 200);
        let id: (String,) = sqlx::query_as("select id from products where slug = 'linen-shirt'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("id");
        app::catalog::service::set_status(&app.state, "system", &[id.0], Status::Archived)
            .await
            .expect("archived");
        assert_eq!(app.get("/api/v1/products/linen-shirt").await.status(), 404);
        assert!(!app.names("").await.0.contains(&"Linen Shirt".to_owned()));
    }
);
