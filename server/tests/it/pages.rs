use crate::both_backends;
use crate::helpers::{TestApp, TestDb};

both_backends!(
    the_home_page_shows_the_store_seeded_on_first_start,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        let response = app.get_page("/").await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.expect("body");
        // In the HTML itself, not in a <template> that only a script would swap in: shoppers
        // without JavaScript and crawlers must see the store.
        assert!(
            !html.contains("<template"),
            "no script-swapped chunks: {html}"
        );
        assert!(
            html.contains(r#"<span class="logo__name">Oxcart Demo Store</span>"#),
            "seeded store name"
        );
        assert!(html.contains(r#"data-testid="hero""#));
        assert!(html.contains(r#"data-testid="nav-toggle""#));
        assert!(
            html.contains("Free shipping on orders over $50"),
            "seeded announcement"
        );
    }
);

both_backends!(
    pages_and_api_responses_are_compressed_when_the_browser_accepts_it,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        for (encoding, path) in [("br", "/"), ("gzip", "/"), ("gzip", "/api/v1/nope")] {
            let response = app
                .client
                .get(app.url(path))
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("GET");
            assert_eq!(response.headers()["content-encoding"], encoding, "{path}");
        }
        let plain = app
            .client
            .get(app.url("/"))
            .header("accept-encoding", "identity")
            .send()
            .await
            .expect("GET");
        assert!(!plain.headers().contains_key("content-encoding"));
    }
);
