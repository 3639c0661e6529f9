//! A headless checkout through the REST API: a cart named by a token, lines added and
//! changed within the stock, a code applied, contact and address, a shipping method, the
//! payment opened for the server's total (stock held), a declined card, then a paid
//! order; every refusal named; unknown tokens are 404.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use reqwest::Method;
use serde_json::{json, Value};

impl TestApp {
    /// An anonymous API call: the status and the body.
    async fn cart_call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let response = self.api(method, path, None, body).await;
        let status = response.status().as_u16();
        (status, crate::helpers::json(response).await)
    }
}

both_backends!(
    a_headless_front_end_sells_through_the_api,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Mug", &[("MUG", "10.00", 3)]).await;
        let rules = app.api_key("Rules", &["discounts.manage"]).await;
        let code = json!({ "code": "TEN", "kind": "percent", "value": "10" });
        let (status, _) = app
            .api_json(Method::POST, "/api/v1/discount-codes", &rules, Some(code))
            .await;
        assert_eq!(status, 201);

        // A new cart; unknown tokens are not found.
        let (status, made) = app.cart_call(Method::POST, "/api/v1/carts", None).await;
        assert_eq!(status, 201, "{made}");
        let token = made["data"]["token"].as_str().expect("token").to_owned();
        assert!(token.len() >= 20, "{token}");
        assert_eq!(made["data"]["checkout"]["cart"]["lines"], json!([]));
        for bad in ["nope", "AAAAAAAAAAAAAAAAAAAAAA"] {
            let (status, _) = app
                .cart_call(Method::GET, &format!("/api/v1/carts/{bad}"), None)
                .await;
            assert_eq!(status, 404, "{bad}");
        }
        let cart = |tail: &str| format!("/api/v1/carts/{token}{tail}");
        // A front end's server sends its key: its calls count in the key's group, not the address's.
        let limit = |response: &reqwest::Response| {
            response.headers()["x-ratelimit-limit"]
                .to_str()
                .map(str::to_owned)
        };
        let anonymous = app.api(Method::GET, &cart(""), None, None).await;
        let keyed = app.api(Method::GET, &cart(""), Some(&rules), None).await;
        assert_eq!(
            (limit(&anonymous).ok(), limit(&keyed).ok()),
            (Some("100".into()), Some("1000".into()))
        );
        assert_eq!(keyed.status(), 200);

        // Lines within the stock.
        let (status, body) = app
            .cart_call(
                Method::POST,
                &cart("/lines"),
                Some(json!({ "variant_id": ids[0], "quantity": 0 })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("quantity")),
            "{body}"
        );
        let (status, _) = app
            .cart_call(
                Method::POST,
                &cart("/lines"),
                Some(json!({ "variant_id": "nope", "quantity": 1 })),
            )
            .await;
        assert_eq!(status, 404);
        let (status, added) = app
            .cart_call(
                Method::POST,
                &cart("/lines"),
                Some(json!({ "variant_id": ids[0], "quantity": 2 })),
            )
            .await;
        assert_eq!(status, 200, "{added}");
        assert_eq!(added["data"]["checkout"]["cart"]["lines"][0]["quantity"], 2);
        assert_eq!(added["data"]["checkout"]["cart"]["subtotal"]["minor"], 2000);
        let line = cart(&format!("/lines/{}", ids[0]));
        let (status, body) = app
            .cart_call(Method::PUT, &line, Some(json!({ "quantity": 9 })))
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("quantity")),
            "only 3 left"
        );
        let (status, one) = app
            .cart_call(Method::PUT, &line, Some(json!({ "quantity": 1 })))
            .await;
        assert_eq!(
            (status, one["data"]["checkout"]["cart"]["count"].as_i64()),
            (200, Some(1))
        );

        // A code: unknown named, known applied to the server's subtotal.
        let (status, body) = app
            .cart_call(
                Method::PUT,
                &cart("/discount"),
                Some(json!({ "code": "NOPE" })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("code"))
        );
        let (status, coded) = app
            .cart_call(
                Method::PUT,
                &cart("/discount"),
                Some(json!({ "code": "ten" })),
            )
            .await;
        assert_eq!(status, 200, "{coded}");
        assert_eq!(
            coded["data"]["checkout"]["totals"]["discount"]["minor"],
            100
        );

        // Contact and address, then a shipping method from the rates offered.
        let (status, _) = app.cart_call(Method::POST, &cart("/payment"), None).await;
        assert_eq!(status, 400, "no contact or address yet");
        let address = json!({ "full_name": "Ada Byron", "line1": "1 Main St", "city": "New York",
        "region": "NY", "postal_code": "10001", "country": "US" });
        let (status, body) = app
            .cart_call(
                Method::PUT,
                &cart("/contact"),
                Some(json!({ "email": "not an email", "address": address })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("email"))
        );
        let (status, body) = app
            .cart_call(
                Method::PUT,
                &cart("/contact"),
                Some(json!({ "email": "ada@example.com", "address": { "full_name": "Ada" } })),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        let (status, contact) = app
            .cart_call(
                Method::PUT,
                &cart("/contact"),
                Some(json!({ "email": "ada@example.com", "address": address })),
            )
            .await;
        assert_eq!(status, 200, "{contact}");
        let rate = contact["data"]["checkout"]["rates"][0]["id"]
            .as_str()
            .expect("a rate")
            .to_owned();
        let (status, body) = app
            .cart_call(
                Method::PUT,
                &cart("/shipping"),
                Some(json!({ "rate_id": "nope" })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("rate_id"))
        );
        let (status, ready) = app
            .cart_call(
                Method::PUT,
                &cart("/shipping"),
                Some(json!({ "rate_id": rate })),
            )
            .await;
        assert_eq!(status, 200, "{ready}");
        let total = ready["data"]["checkout"]["totals"]["total"]["minor"]
            .as_i64()
            .expect("total");
        assert_eq!(
            total,
            900 + 500,
            "the mug less 10 %, plus Standard shipping"
        );

        // The payment: the server's total, the stock held; a declined card, then a good one.
        let (status, open) = app.cart_call(Method::POST, &cart("/payment"), None).await;
        assert_eq!(status, 200, "{open}");
        assert_eq!(open["data"]["checkout"]["pending"]["total"]["minor"], total);
        let (reserved,): (i64,) = sqlx::query_as("select reserved from variants where id = $1")
            .bind(&ids[0])
            .fetch_one(app.state.db.pool())
            .await
            .expect("variant");
        assert_eq!(reserved, 1, "the payment holds the mug");
        let card = |number: &str| Some(json!({ "card": number }));
        let (status, body) = app
            .cart_call(
                Method::POST,
                &cart("/payment/test-card"),
                card("4000 0000 0000 0002"),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("card")),
            "{body}"
        );
        let (status, _) = app.cart_call(Method::POST, &cart("/payment"), None).await;
        assert_eq!(status, 200, "a new attempt after the decline");
        let (status, placed) = app
            .cart_call(
                Method::POST,
                &cart("/payment/test-card"),
                card("4242424242424242"),
            )
            .await;
        assert_eq!(status, 201, "{placed}");
        let order = placed["data"]["order_id"].as_str().expect("order");
        assert!(placed["data"]["order_url"]
            .as_str()
            .expect("url")
            .contains("token="));
        let (paid, email): (i64, String) =
            sqlx::query_as("select total, email from orders where id = $1")
                .bind(order)
                .fetch_one(app.state.db.pool())
                .await
                .expect("order");
        assert_eq!((paid, email.as_str()), (total, "ada@example.com"));
        let (_, after) = app.cart_call(Method::GET, &cart(""), None).await;
        assert_eq!(
            after["data"]["checkout"]["cart"]["lines"],
            json!([]),
            "the cart is emptied by the order"
        );
        let (stock,): (i64,) = sqlx::query_as("select stock from variants where id = $1")
            .bind(&ids[0])
            .fetch_one(app.state.db.pool())
            .await
            .expect("variant");
        assert_eq!(stock, 2, "one mug sold");
    }
);
