//! Text from the whole world: names in Hebrew, Arabic or Japanese get a slug of their own
//! script and a working page; a name of emoji only gets a slug too and is found by its
//! emoji; the sitemap lists such pages percent-encoded, as browsers request them.

use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{TestApp, TestDb};

/// `path` as a browser sends it: every non-ASCII byte percent-encoded.
fn encoded(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

both_backends!(
    names_in_any_script_make_pages_and_emoji_are_searchable,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        for (name, slug) in [
            ("חולצת פשתן", "חולצת-פשתן"),
            ("قميص كتان", "قميص-كتان"),
            ("日本の茶碗", "日本の茶碗"),
        ] {
            let id = app
                .save(product(
                    name,
                    &[],
                    vec![v(&format!("W-{}", slug.len()), &[], "12", 3)],
                ))
                .await;
            let (stored,): (String,) = sqlx::query_as("select slug from products where id = $1")
                .bind(&id)
                .fetch_one(app.state.db.pool())
                .await
                .expect("product");
            assert_eq!(stored, slug, "{name}");
            let page = app.get_page(&encoded(&format!("/products/{slug}"))).await;
            assert_eq!(page.status(), 200, "{name}");
            assert!(page.text().await.expect("html").contains(name));
            let api = app.get(&encoded(&format!("/api/v1/products/{slug}"))).await;
            assert_eq!(api.status(), 200, "{name} over REST");
        }
        let sitemap = app.get("/sitemap.xml").await.text().await.expect("xml");
        assert!(
            sitemap.contains("/products/%D7%97%D7%95%D7%9C%D7%A6%D7%AA-"),
            "{sitemap}"
        );

        let party = app
            .save(product("🎉🎈", &[], vec![v("PARTY", &[], "3", 9)]))
            .await;
        let (slug,): (String,) = sqlx::query_as("select slug from products where id = $1")
            .bind(&party)
            .fetch_one(app.state.db.pool())
            .await
            .expect("product");
        assert!(slug.starts_with("item-"), "{slug}");
        assert_eq!(app.names("q=%F0%9F%8E%88").await.0, ["🎉🎈"]);
    }
);
