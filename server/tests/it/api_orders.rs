//! Orders and stock through the REST API: a customer reads only their own orders; a key
//! lists with filters and pagination, fulfils, delivers and refunds within its scopes;
//! stock is adjusted and the ledger names the key.

use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use reqwest::Method;
use serde_json::{json, Value};

impl TestApp {
    pub(crate) async fn api_json(
        &self,
        method: Method,
        path: &str,
        bearer: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let response = self.api(method, path, Some(bearer), body).await;
        let status = response.status().as_u16();
        (status, json(response).await)
    }
}

both_backends!(
    customers_see_their_own_orders_and_keys_run_fulfilment,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Cup", &[("CUP-1", "10.00", 20)]).await;
        let ann_order = app.bought(&ids[0], "2", "ann@example.com").await;
        let bob_order = app.bought(&ids[0], "3", "bob@example.com").await;
        app.verified_user("ann@example.com").await;
        sqlx::query("update orders set user_id = (select id from users where email = 'ann@example.com') where id = $1")
            .bind(&ann_order)
            .execute(app.state.db.pool())
            .await
            .expect("owner");
        let ann = app
            .api_login("ann@example.com", crate::accounts_helpers::PASSWORD)
            .await;
        let ann = ann["access_token"].as_str().expect("token").to_owned();

        // A customer: their own orders only; another's is "not found"; no staff actions.
        let (status, mine) = app
            .api_json(Method::GET, "/api/v1/orders", &ann, None)
            .await;
        assert_eq!(status, 200);
        assert_eq!(mine["pagination"]["total_items"], 1);
        assert_eq!(mine["data"][0]["id"], ann_order.as_str());
        let (status, own) = app
            .api_json(
                Method::GET,
                &format!("/api/v1/orders/{ann_order}"),
                &ann,
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            own["data"]["token"],
            Value::Null,
            "no guest link for API clients"
        );
        let (status, _) = app
            .api_json(
                Method::GET,
                &format!("/api/v1/orders/{bob_order}"),
                &ann,
                None,
            )
            .await;
        assert_eq!(status, 404);
        let ship = json!({ "carrier": "UPS", "tracking_number": "1Z999" });
        let (status, _) = app
            .api_json(
                Method::POST,
                &format!("/api/v1/orders/{ann_order}/fulfil"),
                &ann,
                Some(ship.clone()),
            )
            .await;
        assert_eq!(status, 403);
        let anonymous = app.api(Method::GET, "/api/v1/orders", None, None).await;
        assert_eq!(anonymous.status(), 401);

        // A key: every order, filtered, sorted and paged; bad filters name themselves.
        let key = app
            .api_key("Warehouse", &["orders.read", "orders.fulfil"])
            .await;
        let (_, all) = app
            .api_json(
                Method::GET,
                "/api/v1/orders?status=paid&sort=total&order=asc&limit=1",
                &key,
                None,
            )
            .await;
        assert_eq!(
            all["pagination"],
            json!({ "page": 1, "limit": 1, "total_items": 2, "total_pages": 2, "has_next": true, "has_prev": false })
        );
        assert_eq!(
            all["data"][0]["id"],
            ann_order.as_str(),
            "the smaller total first"
        );
        let (_, found) = app
            .api_json(Method::GET, "/api/v1/orders?search=bob", &key, None)
            .await;
        assert_eq!(found["data"].as_array().map(Vec::len), Some(1));
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("status=lost", "status"),
            ("sort=email", "sort"),
            ("order=up", "order"),
            ("created_after=yesterday", "created_after"),
            ("colour=red", "colour"),
        ] {
            let (status, body) = app
                .api_json(Method::GET, &format!("/api/v1/orders?{query}"), &key, None)
                .await;
            assert_eq!(
                (status, body["error"]["field"].as_str()),
                (400, Some(field)),
                "{query}"
            );
        }

        // Fulfil (needs a tracking number), then deliver; the timeline names the key.
        let path = |action: &str| format!("/api/v1/orders/{bob_order}/{action}");
        let (status, body) = app
            .api_json(
                Method::POST,
                &path("fulfil"),
                &key,
                Some(json!({ "carrier": "UPS", "tracking_number": " " })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("tracking_number"))
        );
        let (status, body) = app
            .api_json(Method::POST, &path("fulfil"), &key, Some(ship.clone()))
            .await;
        assert_eq!(
            (status, body["data"]["status"].as_str()),
            (200, Some("fulfilled"))
        );
        assert_eq!(body["data"]["tracking_number"], "1Z999");
        let (status, _) = app
            .api_json(Method::POST, &path("fulfil"), &key, Some(ship))
            .await;
        assert_eq!(status, 409, "already shipped");
        let (status, body) = app
            .api_json(Method::POST, &path("deliver"), &key, None)
            .await;
        assert_eq!(
            (status, body["data"]["status"].as_str()),
            (200, Some("delivered"))
        );
        let actors: Vec<&str> = body["data"]["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["actor"].as_str())
            .collect();
        assert!(actors.contains(&"API key Warehouse"), "{actors:?}");
        let (status, _) = app
            .api_json(Method::POST, "/api/v1/orders/nope/deliver", &key, None)
            .await;
        assert_eq!(status, 404);

        // Money needs orders.refund; with it, a refund within what was captured.
        let (status, _) = app
            .api_json(
                Method::POST,
                &format!("/api/v1/orders/{ann_order}/refunds"),
                &key,
                Some(json!({ "amount": 100 })),
            )
            .await;
        assert_eq!(status, 403);
        let refunds = app
            .api_key("Accounts", &["orders.read", "orders.refund"])
            .await;
        let refund = |amount: i64| {
            let (app, refunds, ann_order) = (&app, refunds.clone(), ann_order.clone());
            async move {
                app.api_json(
                    Method::POST,
                    &format!("/api/v1/orders/{ann_order}/refunds"),
                    &refunds,
                    Some(json!({ "amount": amount, "reason": "dented" })),
                )
                .await
            }
        };
        assert_eq!(refund(0).await.0, 400);
        let (status, body) = refund(150).await;
        assert_eq!(
            (status, body["data"]["refunded"]["minor"].as_i64()),
            (201, Some(150))
        );
        assert!(refund(1_000_000).await.0 >= 400);
        let (status, body) = app
            .api_json(
                Method::POST,
                &format!("/api/v1/orders/{ann_order}/cancel"),
                &refunds,
                Some(json!({ "reason": "asked" })),
            )
            .await;
        assert_eq!(
            (status, body["data"]["status"].as_str()),
            (200, Some("cancelled"))
        );
        assert_eq!(
            body["data"]["refunded"], body["data"]["captured"],
            "the rest refunded"
        );
    }
);

both_backends!(
    keys_adjust_stock_and_read_the_ledger,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let ids = app
            .stocked("Jug", &[("JUG-1", "12.00", 4), ("JUG-2", "12.00", 9)])
            .await;
        let key = app.api_key("Stock sync", &["inventory.adjust"]).await;
        let reader = app.api_key("Reports", &["orders.read"]).await;
        let (status, _) = app
            .api_json(Method::GET, "/api/v1/inventory", &reader, None)
            .await;
        assert_eq!(status, 403);

        let (status, levels) = app
            .api_json(
                Method::GET,
                "/api/v1/inventory?search=jug&sort=sku&order=desc&limit=1",
                &key,
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(levels["data"][0]["sku"], "JUG-2");
        assert_eq!(levels["pagination"]["total_items"], 2);

        let adjust = |variant: String, body: Value| {
            let (app, key) = (&app, key.clone());
            async move {
                app.api_json(
                    Method::POST,
                    &format!("/api/v1/inventory/{variant}/adjustments"),
                    &key,
                    Some(body),
                )
                .await
            }
        };
        let (status, body) = adjust(
            ids[0].clone(),
            json!({ "delta": 6, "reason": "received", "note": "PO 12" }),
        )
        .await;
        assert_eq!((status, body["data"]["on_hand"].as_i64()), (201, Some(10)));
        for (body, field) in [
            (json!({ "delta": -11, "reason": "damaged" }), "delta"),
            (json!({ "delta": 0, "reason": "damaged" }), "delta"),
            (json!({ "delta": 1, "reason": "sale" }), "reason"),
            (json!({ "delta": 1, "reason": "found" }), "reason"),
        ] {
            let (status, answer) = adjust(ids[0].clone(), body.clone()).await;
            assert_eq!(
                (status, answer["error"]["field"].as_str()),
                (400, Some(field)),
                "{body}"
            );
        }
        let (status, _) = adjust(
            "nope".to_owned(),
            json!({ "delta": 1, "reason": "received" }),
        )
        .await;
        assert_eq!(status, 404);
        let (status, _) = adjust(ids[0].clone(), json!({ "delta": "many" })).await;
        assert_eq!(status, 400);
        assert_eq!(app.stock(&ids[0]).await, (10, 0), "refusals wrote nothing");

        let (status, ledger) = app
            .api_json(
                Method::GET,
                &format!("/api/v1/inventory/ledger?variant_id={}", ids[0]),
                &key,
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(ledger["data"][0]["delta"], 6);
        assert_eq!(ledger["data"][0]["actor"], "API key Stock sync");
        assert_eq!(ledger["data"][0]["note"], "PO 12");
        let (status, body) = app
            .api_json(
                Method::GET,
                "/api/v1/inventory/ledger?sort=delta",
                &key,
                None,
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("sort"))
        );
    }
);
