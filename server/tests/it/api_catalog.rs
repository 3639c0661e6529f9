//! The catalog written through the REST API by a key holding `catalog.write`: a product
//! made as a draft (hidden from shoppers, visible to the key by id and slug), published,
//! given pictures (the file as the body), reordered and described, archived; categories
//! made, changed and removed; every refusal named; scopes enforced; the audit log names
//! the key.

use crate::both_backends;
use crate::catalog_helpers::png;
use crate::helpers::{json, TestApp, TestDb};
use reqwest::Method;
use serde_json::{json, Value};

impl TestApp {
    /// Posts `bytes` as a picture of `product`.
    async fn api_picture(
        &self,
        key: &str,
        product: &str,
        bytes: Vec<u8>,
        kind: &str,
    ) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(&format!(
                "/api/v1/products/{product}/images?alt=Green%20cup"
            )))
            .bearer_auth(key)
            .header("content-type", kind)
            .body(bytes)
            .send()
            .await
            .expect("upload");
        let status = response.status().as_u16();
        (status, json(response).await)
    }
}

fn cup(slug: &str, status: &str) -> Value {
    json!({
        "name": "Green cup", "slug": slug, "status": status, "description": "A **green** cup.",
        "options": ["Size"],
        "variants": [
            { "sku": format!("{slug}-S"), "options": ["S"], "price": "12.50", "stock": "4" },
            { "sku": format!("{slug}-L"), "options": ["L"], "price": "14.00", "stock": "2" }
        ]
    })
}

both_backends!(
    a_key_runs_the_catalog_through_the_api,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let key = app.api_key("Catalog", &["catalog.write"]).await;
        let reader = app.api_key("Reader", &["orders.read"]).await;

        // Refusals name their field, and write nothing.
        for (body, field) in [
            (
                json!({ "variants": [{ "sku": "A", "price": "1" }] }),
                "name",
            ),
            (json!({ "name": "Cup", "variants": [] }), "variants"),
            (
                json!({ "name": "Cup", "variants": [{ "sku": "A", "price": "cheap" }] }),
                "variants.0.price",
            ),
            (json!({ "name": "Cup", "status": "gone" }), ""),
        ] {
            let (status, answer) = app
                .api_json(Method::POST, "/api/v1/products", &key, Some(body.clone()))
                .await;
            assert_eq!(status, 400, "{body}: {answer}");
            if !field.is_empty() {
                assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
            }
        }
        let (status, _) = app
            .api_json(
                Method::POST,
                "/api/v1/products",
                &reader,
                Some(cup("cup", "draft")),
            )
            .await;
        assert_eq!(status, 403, "a key without catalog.write");
        let anonymous = app
            .api(
                Method::POST,
                "/api/v1/products",
                None,
                Some(cup("cup", "draft")),
            )
            .await;
        assert_eq!(anonymous.status(), 401);
        let (count,): (i64,) = sqlx::query_as("select count(*) from products")
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
        assert_eq!(count, 0, "nothing written by a refusal");

        // A draft: the key sees it by id and slug, and in the list with status=draft; shoppers do not.
        let (status, made) = app
            .api_json(
                Method::POST,
                "/api/v1/products",
                &key,
                Some(cup("green-cup", "draft")),
            )
            .await;
        assert_eq!(status, 201, "{made}");
        let id = made["data"]["id"].as_str().expect("id").to_owned();
        assert_eq!(made["data"]["status"], "draft");
        assert_eq!(made["data"]["variants"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            made["data"]["description_html"],
            "<p>A <strong>green</strong> cup.</p>\n"
        );
        let shopper = app
            .api(Method::GET, "/api/v1/products/green-cup", None, None)
            .await;
        assert_eq!(shopper.status(), 404, "a draft is not for shoppers");
        for path in [
            format!("/api/v1/products/{id}"),
            "/api/v1/products/green-cup".to_owned(),
        ] {
            let (status, seen) = app.api_json(Method::GET, &path, &key, None).await;
            assert_eq!(
                (status, seen["data"]["id"].as_str()),
                (200, Some(id.as_str())),
                "{path}"
            );
        }
        let (_, drafts) = app
            .api_json(Method::GET, "/api/v1/products?status=draft", &key, None)
            .await;
        assert_eq!(drafts["pagination"]["total_items"], 1, "{drafts}");
        let public = json(
            app.api(Method::GET, "/api/v1/products?status=draft", None, None)
                .await,
        )
        .await;
        assert_eq!(
            public["pagination"]["total_items"], 0,
            "shoppers get active products only"
        );

        // Taken slug and SKU are conflicts; publishing shows it to shoppers.
        let (status, _) = app
            .api_json(
                Method::POST,
                "/api/v1/products",
                &key,
                Some(cup("green-cup", "draft")),
            )
            .await;
        assert_eq!(status, 409);
        let mut active = cup("green-cup", "active");
        active["variants"][0]["id"] = made["data"]["variants"][0]["id"].clone();
        active["variants"][1]["id"] = made["data"]["variants"][1]["id"].clone();
        let (status, saved) = app
            .api_json(
                Method::PUT,
                &format!("/api/v1/products/{id}"),
                &key,
                Some(active.clone()),
            )
            .await;
        assert_eq!(
            (status, saved["data"]["status"].as_str()),
            (200, Some("active")),
            "{saved}"
        );
        let shopper = app
            .api(Method::GET, "/api/v1/products/green-cup", None, None)
            .await;
        assert_eq!(shopper.status(), 200);
        let (status, _) = app
            .api_json(
                Method::PUT,
                "/api/v1/products/nope",
                &key,
                Some(active.clone()),
            )
            .await;
        assert_eq!(status, 404);
        let mut stale = active.clone();
        stale["version"] = json!(1);
        let (status, _) = app
            .api_json(
                Method::PUT,
                &format!("/api/v1/products/{id}"),
                &key,
                Some(stale),
            )
            .await;
        assert_eq!(status, 409, "a write over a newer change");

        // Pictures: the file is the body; not a picture is a 400; alt, order and removal.
        let (status, refused) = app
            .api_picture(&key, &id, b"not a picture".to_vec(), "image/png")
            .await;
        assert_eq!(
            (status, refused["error"]["field"].as_str()),
            (400, Some("image")),
            "{refused}"
        );
        let (status, with) = app.api_picture(&key, &id, png(640, 480), "image/png").await;
        assert_eq!(status, 201, "{with}");
        let (_, with) = app.api_picture(&key, &id, png(400, 400), "image/png").await;
        let images = with["data"]["images"].as_array().expect("images").clone();
        assert_eq!(images.len(), 2);
        assert_eq!(images[0]["alt"], "Green cup");
        let (second, first) = (
            images[1]["id"].as_str().expect("id"),
            images[0]["id"].as_str().expect("id"),
        );
        let picture = |image: &str| format!("/api/v1/products/{id}/images/{image}");
        let (status, moved) = app
            .api_json(
                Method::PATCH,
                &picture(second),
                &key,
                Some(json!({ "move": "up", "alt": "Cup, from above" })),
            )
            .await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["data"]["images"][0]["id"], second);
        assert_eq!(moved["data"]["images"][0]["alt"], "Cup, from above");
        let (status, _) = app
            .api_json(
                Method::PATCH,
                &picture(second),
                &key,
                Some(json!({ "move": "left" })),
            )
            .await;
        assert_eq!(status, 400);
        let (status, _) = app
            .api_json(
                Method::PATCH,
                &picture("nope"),
                &key,
                Some(json!({ "alt": "x" })),
            )
            .await;
        assert_eq!(status, 404);
        let (status, left) = app
            .api_json(Method::DELETE, &picture(first), &key, None)
            .await;
        assert_eq!(
            (status, left["data"]["images"].as_array().map(Vec::len)),
            (200, Some(1))
        );

        // Archived: gone from the storefront, kept for the key.
        let (status, archived) = app
            .api_json(
                Method::DELETE,
                &format!("/api/v1/products/{id}"),
                &key,
                None,
            )
            .await;
        assert_eq!(
            (status, archived["data"]["status"].as_str()),
            (200, Some("archived"))
        );
        assert_eq!(
            app.api(Method::GET, "/api/v1/products/green-cup", None, None)
                .await
                .status(),
            404
        );

        // Categories: made, nested, changed; a parent with children cannot go; then removed.
        let (status, home) = app
            .api_json(
                Method::POST,
                "/api/v1/categories",
                &key,
                Some(json!({ "name": "Home", "slug": "home" })),
            )
            .await;
        assert_eq!(status, 201, "{home}");
        let home_id = home["data"]["id"].as_str().expect("id").to_owned();
        let (status, kitchen) = app
            .api_json(
                Method::POST,
                "/api/v1/categories",
                &key,
                Some(json!({ "name": "Kitchen", "parent_id": home_id })),
            )
            .await;
        assert_eq!(
            (status, kitchen["data"]["parent_id"].as_str()),
            (201, Some(home_id.as_str())),
            "{kitchen}"
        );
        let (status, _) = app
            .api_json(
                Method::POST,
                "/api/v1/categories",
                &key,
                Some(json!({ "name": "Again", "slug": "home" })),
            )
            .await;
        assert_eq!(status, 409);
        let (status, _) = app
            .api_json(
                Method::POST,
                "/api/v1/categories",
                &key,
                Some(json!({ "name": "" })),
            )
            .await;
        assert_eq!(status, 400);
        let (status, renamed) = app
            .api_json(
                Method::PUT,
                &format!("/api/v1/categories/{home_id}"),
                &key,
                Some(json!({ "name": "House", "slug": "house" })),
            )
            .await;
        assert_eq!(
            (status, renamed["data"]["name"].as_str()),
            (200, Some("House")),
            "{renamed}"
        );
        let (status, _) = app
            .api_json(
                Method::DELETE,
                &format!("/api/v1/categories/{home_id}"),
                &key,
                None,
            )
            .await;
        assert_eq!(status, 409, "it has a sub-category");
        let kitchen_id = kitchen["data"]["id"].as_str().expect("id");
        let (status, _) = app
            .api_json(
                Method::DELETE,
                &format!("/api/v1/categories/{kitchen_id}"),
                &key,
                None,
            )
            .await;
        assert_eq!(status, 200);
        let (status, _) = app
            .api_json(
                Method::DELETE,
                &format!("/api/v1/categories/{kitchen_id}"),
                &key,
                None,
            )
            .await;
        assert_eq!(status, 404);
        let (_, all) = app
            .api_json(Method::GET, "/api/v1/categories", &key, None)
            .await;
        assert_eq!(all["data"].as_array().map(Vec::len), Some(1));

        // The audit log names the key for every change.
        let (named,): (i64,) =
            sqlx::query_as("select count(*) from audit_log where actor_email = 'API key Catalog'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("audit");
        assert!(named >= 8, "{named} audit rows name the key");
    }
);
