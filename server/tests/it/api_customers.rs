//! Customers through the REST API: listed with the specification's filters, read,
//! noted, tagged, deactivated and erased by keys within their scopes, every refusal
//! named.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use reqwest::Method;
use serde_json::json;

both_backends!(keys_look_after_customers, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    app.rates().await;
    let ids = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
    let (_, order) = app.customer_bought("ada@example.com", &ids[0]).await;
    app.verified_user("bob@example.com").await;
    let id_of = |email: &'static str| {
        let pool = app.state.db.pool().clone();
        async move {
            let (id,): (String,) = sqlx::query_as("select id from users where email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .expect("user");
            id
        }
    };
    let (ada, bob) = (
        id_of("ada@example.com").await,
        id_of("bob@example.com").await,
    );
    let key = app
        .api_key("Support", &["customers.read", "customers.write"])
        .await;
    let reader = app.api_key("Reader", &["orders.read"]).await;

    // The list: filters, sort, order, pagination; bad parameters named; scopes.
    let list = |query: &str| format!("/api/v1/customers?{query}");
    let (status, all) = app.api_json(Method::GET, &list(""), &key, None).await;
    assert_eq!(
        (status, all["pagination"]["total_items"].as_i64()),
        (200, Some(2)),
        "{all}"
    );
    let (_, buyers) = app
        .api_json(Method::GET, &list("ordered=true"), &key, None)
        .await;
    assert_eq!(buyers["data"][0]["email"], "ada@example.com");
    assert_eq!(buyers["data"].as_array().map(Vec::len), Some(1));
    let (_, found) = app
        .api_json(Method::GET, &list("search=BOB"), &key, None)
        .await;
    assert_eq!(found["data"][0]["id"], bob.as_str());
    let (_, cheapest) = app
        .api_json(
            Method::GET,
            &list("sort=spent&order=asc&limit=1"),
            &key,
            None,
        )
        .await;
    assert_eq!(cheapest["data"][0]["id"], bob.as_str());
    assert_eq!(cheapest["pagination"]["total_pages"], 2);
    for (query, field) in [
        ("q=ada", "q"),
        ("created_after=monday", "created_after"),
        ("min_spent=9&max_spent=1", "max_spent"),
        ("sort=email", "sort"),
        ("limit=101", "limit"),
        ("status=gone", "status"),
    ] {
        let (status, body) = app.api_json(Method::GET, &list(query), &key, None).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some(field)),
            "{query}"
        );
    }
    assert_eq!(
        app.api_json(Method::GET, &list(""), &reader, None).await.0,
        403
    );
    assert_eq!(
        app.api(Method::GET, &list(""), None, None).await.status(),
        401
    );

    // One customer: their orders; an unknown id is 404.
    let one = |id: &str, tail: &str| format!("/api/v1/customers/{id}{tail}");
    let (status, detail) = app.api_json(Method::GET, &one(&ada, ""), &key, None).await;
    assert_eq!(
        (status, detail["data"]["orders"][0]["id"].as_str()),
        (200, Some(order.as_str()))
    );
    assert_eq!(
        app.api_json(Method::GET, &one("nope", ""), &key, None)
            .await
            .0,
        404
    );

    // Notes (signed by the key), tags (with the version check), deactivation.
    let (status, _) = app
        .api_json(
            Method::POST,
            &one(&ada, "/notes"),
            &key,
            Some(json!({ "body": " " })),
        )
        .await;
    assert_eq!(status, 400);
    let (status, noted) = app
        .api_json(
            Method::POST,
            &one(&ada, "/notes"),
            &key,
            Some(json!({ "body": "Called about the lamp" })),
        )
        .await;
    assert_eq!(status, 201, "{noted}");
    assert_eq!(noted["data"]["notes"][0]["author_email"], "API key Support");
    let (status, tagged) = app
        .api_json(
            Method::PUT,
            &one(&ada, "/tags"),
            &key,
            Some(json!({ "tags": ["VIP", "wholesale"] })),
        )
        .await;
    assert_eq!(
        (status, tagged["data"]["customer"]["tags"].clone()),
        (200, json!(["vip", "wholesale"]))
    );
    let (status, _) = app
        .api_json(
            Method::PUT,
            &one(&ada, "/tags"),
            &key,
            Some(json!({ "tags": ["no way"] })),
        )
        .await;
    assert_eq!(status, 400);
    for version in [1, i64::MAX] {
        let (status, _) = app
            .api_json(
                Method::PUT,
                &one(&ada, "/tags"),
                &key,
                Some(json!({ "tags": [], "version": version })),
            )
            .await;
        assert_eq!(status, 409, "a write over a newer change ({version})");
    }
    let (status, off) = app
        .api_json(Method::POST, &one(&bob, "/deactivate"), &key, None)
        .await;
    assert_eq!(
        (status, off["data"]["customer"]["active"].as_bool()),
        (200, Some(false))
    );
    let (_, on) = app
        .api_json(Method::POST, &one(&bob, "/reactivate"), &key, None)
        .await;
    assert_eq!(on["data"]["customer"]["active"], true);
    let (status, _) = app
        .api_json(Method::POST, &one(&bob, "/password-reset"), &key, None)
        .await;
    assert_eq!(status, 202);

    // Erasure needs its own scope, the word, and no unshipped order.
    let erase = |word: &str| Some(json!({ "confirm": word }));
    assert_eq!(
        app.api_json(Method::POST, &one(&bob, "/erase"), &key, erase("ERASE"))
            .await
            .0,
        403
    );
    let eraser = app
        .api_key("Privacy", &["customers.erase", "customers.read"])
        .await;
    let (status, body) = app
        .api_json(Method::POST, &one(&bob, "/erase"), &eraser, erase("yes"))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("confirm"))
    );
    assert_eq!(
        app.api_json(Method::POST, &one(&ada, "/erase"), &eraser, erase("ERASE"))
            .await
            .0,
        409
    );
    let (status, gone) = app
        .api_json(Method::POST, &one(&bob, "/erase"), &eraser, erase("ERASE"))
        .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(
        app.api_json(Method::GET, &one(&bob, ""), &eraser, None)
            .await
            .0,
        404
    );
    let (email,): (String,) = sqlx::query_as("select email from users where id = $1")
        .bind(&bob)
        .fetch_one(app.state.db.pool())
        .await
        .expect("user row");
    assert_ne!(email, "bob@example.com", "the address is gone");
});
