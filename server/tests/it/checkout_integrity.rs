//! What is shown is what is charged: a payment started for a checkout stops being payable
//! the moment the checkout changes; pressing "Pay" again reuses the open payment; the pay
//! step shows the payment's own snapshot; nobody holds the shop's stock without limit.

use crate::both_backends;
use crate::helpers::{client_at, TestApp, TestDb};
use app::checkout::payment::MAX_HOLDS_PER_CLIENT;
use app::checkout::pending::CHANGED;
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

async fn pending(app: &TestApp, client: &reqwest::Client) -> Value {
    app.checkout(client).await["pending"].clone()
}

both_backends!(
    changing_the_checkout_after_paying_started_cancels_that_payment,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Kettle", &[("KET", "30.00", 3)]).await;
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "1").await.ok());
        app.ready_to_pay(&shopper, "kim@example.com").await;
        assert!(app.start_payment(&shopper).await.ok());
        let first = pending(&app, &shopper).await;
        assert_eq!(first["total"]["minor"], 3_500, "30.00 + 5.00 shipping");
        assert_eq!(app.stock(&ids[0]).await, (3, 1), "held");

        // Pressing "Pay" again changes nothing: the same payment, the same hold.
        assert!(app.start_payment(&shopper).await.ok());
        assert_eq!(pending(&app, &shopper).await["id"], first["id"]);
        assert_eq!(app.count("select count(*) from payments").await, 1);
        assert_eq!(app.stock(&ids[0]).await, (3, 1));

        // The pay step shows the payment's snapshot: what is charged, where it ships.
        let html = shopper
            .get(app.url("/checkout/pay"))
            .header("accept", "text/html")
            .send()
            .await
            .expect("pay page")
            .text()
            .await
            .expect("html");
        assert!(html.contains("data-testid=\"paid-address\""), "{html}");
        assert!(html.contains("1 Navy Way") && html.contains("Pay $35.00"));

        // A new address: the payment is cancelled, its hold released, nothing to pay.
        app.address(&shopper, "kim@example.com", "GB", "").await;
        assert_eq!(app.stock(&ids[0]).await, (3, 0), "released");
        let view = app.checkout(&shopper).await;
        assert!(view["pending"].is_null(), "{view}");
        let paid = app.pay(&shopper, "4242424242424242").await;
        assert_eq!(paid.status, 409, "{}", paid.body);
        assert_eq!(app.count("select count(*) from orders").await, 0);
        let (status, error): (String, String) =
            sqlx::query_as("select status, last_error from payments where id = $1")
                .bind(first["id"].as_str().expect("id"))
                .fetch_one(app.state.db.pool())
                .await
                .expect("payment");
        assert_eq!((status.as_str(), error.as_str()), ("failed", CHANGED));

        // Paying again prices the new address, and the order ships there.
        let rate = app.checkout(&shopper).await["rates"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["name"] == "Parcel"))
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .expect("the GB rate");
        app.step(
            &shopper,
            app::checkout::api::ChooseShipping::PATH,
            &[("rate_id", &rate)],
        )
        .await;
        assert!(app.start_payment(&shopper).await.ok());
        let second = pending(&app, &shopper).await;
        assert_ne!(second["id"], first["id"]);
        assert!(app.pay(&shopper, "4242424242424242").await.ok());
        let (captured, address): (i64, String) =
            sqlx::query_as("select captured, address from orders")
                .fetch_one(app.state.db.pool())
                .await
                .expect("order");
        assert_eq!(captured, second["total"]["minor"].as_i64().expect("total"));
        assert!(address.contains("\"GB\""), "{address}");
    }
);

both_backends!(
    changing_the_cart_after_paying_started_cancels_that_payment,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app
            .stocked("Mug", &[("MUG-A", "10.00", 5), ("MUG-B", "12.00", 5)])
            .await;
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "1").await.ok());
        app.ready_to_pay(&shopper, "lee@example.com").await;
        assert!(app.start_payment(&shopper).await.ok());
        // Another tab adds a second mug while the pay step is open.
        assert!(app.add(&shopper, &ids[1], "1").await.ok());
        assert!(pending(&app, &shopper).await.is_null());
        assert_eq!(app.pay(&shopper, "4242424242424242").await.status, 409);
        assert_eq!(app.stock(&ids[0]).await, (5, 0));
        assert!(app.start_payment(&shopper).await.ok());
        assert_eq!(pending(&app, &shopper).await["total"]["minor"], 2_700);
        assert!(app.pay(&shopper, "4242424242424242").await.ok());
        assert_eq!(
            app.count("select count(*) from order_lines").await,
            2,
            "both mugs, as shown"
        );
    }
);

both_backends!(one_address_cannot_hold_the_shop, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    app.rates().await;
    let ids = app.stocked("Print", &[("PRINT", "5.00", 1_000)]).await;
    let mut answers = Vec::new();
    for i in 0..=MAX_HOLDS_PER_CLIENT {
        // A fresh guest session each time, all from one address.
        let shopper = client_at("198.51.100.7");
        assert!(app.add(&shopper, &ids[0], "99").await.ok());
        app.ready_to_pay(&shopper, &format!("h{i}@example.com"))
            .await;
        answers.push(app.start_payment(&shopper).await);
    }
    let (last, held) = answers.split_last().expect("answers");
    assert!(held.iter().all(|a| a.ok()), "the first holds are allowed");
    assert_eq!(last.status, 409, "{}", last.body);
    assert!(last.body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("holding items"));
    assert_eq!(app.stock(&ids[0]).await, (1_000, 99 * MAX_HOLDS_PER_CLIENT));
    // Another address is not affected.
    let other = client_at("198.51.100.8");
    assert!(app.add(&other, &ids[0], "1").await.ok());
    app.ready_to_pay(&other, "other@example.com").await;
    assert!(app.start_payment(&other).await.ok());
});
