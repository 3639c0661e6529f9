//! Returns through the REST API: the customer asks with their own token (refusals named,
//! another customer's order not found), a key holding the fulfilment scopes approves,
//! receives, restocks and refunds; scopes enforced.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use reqwest::Method;
use serde_json::json;

both_backends!(a_return_through_the_api, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    app.rates().await;
    let ids = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
    let (_, order) = app.customer_bought("ada@example.com", &ids[0]).await;
    app.verified_user("bob@example.com").await;
    let token = |email: &'static str| {
        let app = &app;
        async move {
            let data = app
                .api_login(email, crate::accounts_helpers::PASSWORD)
                .await;
            data["access_token"].as_str().expect("token").to_owned()
        }
    };
    let (ada, bob) = (
        token("ada@example.com").await,
        token("bob@example.com").await,
    );
    let desk = app
        .api_key(
            "Returns desk",
            &["orders.read", "orders.fulfil", "orders.refund"],
        )
        .await;
    let packer = app
        .api_key("Packer", &["orders.read", "orders.fulfil"])
        .await;
    let (position,): (i64,) =
        sqlx::query_as("select min(position) from order_lines where order_id = $1")
            .bind(&order)
            .fetch_one(app.state.db.pool())
            .await
            .expect("line");
    let returns = format!("/api/v1/orders/{order}/returns");
    let ask = |quantity: i64, position: i64| {
        Some(
            json!({ "lines": [{ "position": position, "quantity": quantity, "reason": "doesnt_fit" }], "note": "Too small" }),
        )
    };

    // Not before delivery; then ship and deliver through the API.
    let (status, _) = app
        .api_json(Method::POST, &returns, &ada, ask(1, position))
        .await;
    assert_eq!(status, 409, "not delivered yet");
    for (action, body) in [
        (
            "fulfil",
            Some(json!({ "carrier": "UPS", "tracking_number": "1Z9" })),
        ),
        ("deliver", None),
    ] {
        let (status, answer) = app
            .api_json(
                Method::POST,
                &format!("/api/v1/orders/{order}/{action}"),
                &packer,
                body,
            )
            .await;
        assert_eq!(status, 200, "{action}: {answer}");
    }

    // The customer's view and request; refusals named; a stranger and a key cannot ask.
    let (status, view) = app.api_json(Method::GET, &returns, &ada, None).await;
    assert_eq!(
        (status, view["data"]["can_request"].as_bool()),
        (200, Some(true)),
        "{view}"
    );
    assert_eq!(app.api_json(Method::GET, &returns, &bob, None).await.0, 404);
    assert_eq!(
        app.api_json(Method::POST, &returns, &bob, ask(1, position))
            .await
            .0,
        404
    );
    assert_eq!(
        app.api_json(Method::POST, &returns, &desk, ask(1, position))
            .await
            .0,
        403
    );
    let (status, body) = app
        .api_json(Method::POST, &returns, &ada, ask(2, position))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("quantity")),
        "{body}"
    );
    let (status, _) = app
        .api_json(Method::POST, &returns, &ada, Some(json!({ "lines": [] })))
        .await;
    assert_eq!(status, 400);
    let (status, asked) = app
        .api_json(Method::POST, &returns, &ada, ask(1, position))
        .await;
    assert_eq!(status, 201, "{asked}");
    let id = asked["data"]["returns"][0]["id"]
        .as_str()
        .expect("return")
        .to_owned();
    assert_eq!(asked["data"]["returns"][0]["status"], "requested");

    // Staff: the list by status, one return, the decision, the receipt with the refund.
    let (_, requested) = app
        .api_json(Method::GET, "/api/v1/returns?status=requested", &desk, None)
        .await;
    assert_eq!(requested["data"][0]["id"], id.as_str(), "{requested}");
    let (_, none) = app
        .api_json(Method::GET, "/api/v1/returns?status=refunded", &desk, None)
        .await;
    assert_eq!(none["pagination"]["total_items"], 0);
    let (status, body) = app
        .api_json(Method::GET, "/api/v1/returns?status=lost", &desk, None)
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("status"))
    );
    assert_eq!(
        app.api_json(Method::GET, "/api/v1/returns", &ada, None)
            .await
            .0,
        403
    );
    let path = |tail: &str| format!("/api/v1/returns/{id}{tail}");
    assert_eq!(
        app.api_json(Method::GET, &path(""), &desk, None).await.0,
        200
    );
    assert_eq!(
        app.api_json(Method::GET, "/api/v1/returns/nope", &desk, None)
            .await
            .0,
        404
    );
    let (status, _) = app
        .api_json(
            Method::POST,
            &path("/decision"),
            &desk,
            Some(json!({ "decision": "refuse" })),
        )
        .await;
    assert_eq!(status, 400, "a refusal says why");
    let (status, approved) = app
        .api_json(
            Method::POST,
            &path("/decision"),
            &packer,
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(
        (status, approved["data"]["status"].as_str()),
        (200, Some("approved")),
        "{approved}"
    );
    let (status, _) = app
        .api_json(
            Method::POST,
            &path("/decision"),
            &desk,
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, 409, "decided already");
    let receipt = |amount: &str| Some(json!({ "restock": [position], "amount": amount }));
    assert_eq!(
        app.api_json(Method::POST, &path("/receipt"), &packer, receipt("40"))
            .await
            .0,
        403
    );
    let (status, body) = app
        .api_json(Method::POST, &path("/receipt"), &desk, receipt("forty"))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("amount"))
    );
    let (status, done) = app
        .api_json(Method::POST, &path("/receipt"), &desk, receipt("40.00"))
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["data"]["refund_amount"]["minor"], 4000, "{done}");
    assert_eq!(done["data"]["lines"][0]["restocked"], true);
    let (stock,): (i64,) = sqlx::query_as("select stock from variants where id = $1")
        .bind(&ids[0])
        .fetch_one(app.state.db.pool())
        .await
        .expect("stock");
    assert_eq!(stock, 10, "the lamp is back on the shelf");
});
