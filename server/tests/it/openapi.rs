//! The OpenAPI document and the router agree: every `/api/v1` route has an entry (same
//! method), every entry a route; the document is 3.1 and `/api/docs` shows every path
//! with nothing loaded from elsewhere.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use std::collections::BTreeSet;

both_backends!(
    every_api_route_is_in_the_openapi_document_and_the_reverse,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let response = app
            .client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 200);
        let doc: serde_json::Value = response.json().await.expect("json");
        assert_eq!(doc["openapi"], "3.1.0");

        let routes: BTreeSet<(String, String)> = oxcart_server::routes::listed()
            .into_iter()
            .filter(|(_, path)| path.starts_with("/api/v1/"))
            .map(|(method, path)| (method.to_lowercase(), path.to_owned()))
            .collect();
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .expect("item")
                    .keys()
                    .map(move |method| (method.clone(), path.clone()))
            })
            .collect();
        let missing: Vec<_> = routes.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&routes).collect();
        assert!(missing.is_empty(), "routes without an entry: {missing:?}");
        assert!(extra.is_empty(), "entries without a route: {extra:?}");
        assert!(routes.len() >= 19, "{routes:?}");

        // Every answer of every operation is described by a schema or a type.
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("item") {
                let responses = op["responses"].as_object().expect("responses");
                assert!(!responses.is_empty(), "{method} {path}");
            }
        }

        let page = app
            .client
            .get(app.url("/api/docs"))
            .send()
            .await
            .expect("GET");
        assert_eq!(page.status(), 200);
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_owned();
        let html = page.text().await.expect("html");
        for (_, path) in &routes {
            assert!(
                html.contains(&format!("<code>{path}</code>")),
                "{path} missing from /api/docs"
            );
        }
        assert!(!html.contains("<script"), "the reference needs no script");
        assert!(
            !html.contains("https://"),
            "nothing is loaded from elsewhere"
        );
        assert!(csp.contains("default-src 'self'"));
        let css = app
            .client
            .get(app.url("/api/docs/style.css"))
            .send()
            .await
            .expect("GET");
        assert_eq!(css.status(), 200);
    }
);
