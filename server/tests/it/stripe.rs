//! The Stripe path against a local server shaped like Stripe's API
//! (`stripe_helpers.rs`), and webhooks signed the way Stripe signs them.

use crate::both_backends;
use crate::stripe_helpers::{event, intent, now, stripe_app, SECRET};
use leptos::server_fn::ServerFn as _;
use serde_json::json;

both_backends!(
    stripe_payments_are_created_with_the_server_total_and_an_idempotency_key,
    |backend| async move {
        let (_db, app, fake) = stripe_app(backend).await;
        let ids = app.stocked("Scarf", &[("SCARF", "30.00", 5)]).await;
        let (shopper, reference) = app.stripe_checkout(&ids[0], "s@example.com").await;
        let (payment_id, total): (String, i64) = sqlx::query_as("select id, total from payments")
            .fetch_one(app.state.db.pool())
            .await
            .expect("payment");
        {
            let fake = fake.lock().expect("fake");
            assert_eq!(
                fake.intents[&reference].0, total,
                "Stripe is asked for the server's total"
            );
            assert_eq!(fake.intents[&reference].1, "usd");
            let (_, key, auth) = &fake.requests[0];
            assert_eq!(
                key.as_deref(),
                Some(payment_id.as_str()),
                "idempotency key = the payment's id"
            );
            assert!(auth
                .as_deref()
                .is_some_and(|a| a.contains("sk_test_oxcart")));
        }
        // The pay step hands the browser the client secret and the publishable key only.
        let page = shopper
            .get(app.url("/checkout/pay"))
            .header("accept", "text/html")
            .send()
            .await
            .expect("pay page");
        let html = page.text().await.unwrap_or_default();
        assert!(html.contains(&format!("{reference}_secret_x")) && html.contains("pk_test_oxcart"));
        assert!(
            !html.contains("sk_test_oxcart"),
            "the secret key never reaches the page"
        );

        // The shopper returns before the payment is confirmed: still processing, no order.
        let back = app
            .step(
                &shopper,
                app::checkout::api::CompletePayment::PATH,
                &[("payment_intent", &reference)],
            )
            .await;
        assert!(back.ok() && back.body.is_null(), "{}", back.body);
        assert_eq!(app.count("select count(*) from orders").await, 0);
        // Stripe confirms; the return now finds the order.
        fake.lock()
            .expect("fake")
            .intents
            .get_mut(&reference)
            .expect("pi")
            .2 = "succeeded".into();
        let back = app
            .step(
                &shopper,
                app::checkout::api::CompletePayment::PATH,
                &[("payment_intent", &reference)],
            )
            .await;
        assert!(
            back.body
                .as_str()
                .is_some_and(|p| p.starts_with("/orders/")),
            "{}",
            back.body
        );
        assert_eq!(app.count("select count(*) from orders").await, 1);

        // A staff refund goes to Stripe with its own idempotency key, once.
        let (order_id,): (String,) = sqlx::query_as("select id from orders")
            .fetch_one(app.state.db.pool())
            .await
            .expect("order");
        app::orders::actions::refund(&app.state, "staff", &order_id, 1_000, "scratched")
            .await
            .expect("refund");
        let over =
            app::orders::actions::refund(&app.state, "staff", &order_id, total, "too much").await;
        assert!(over.is_err(), "never more than captured");
        let fake_refunds = fake.lock().expect("fake").refunds.clone();
        assert_eq!(fake_refunds, vec![(reference.clone(), 1_000)]);
        assert!(fake
            .lock()
            .expect("fake")
            .requests
            .iter()
            .any(|(p, k, _)| p == "/v1/refunds" && k.is_some()));
        // Stripe's charge.refunded for the same refund changes nothing more (no second mail).
        let refunded = event(
            "evt_r1",
            "charge.refunded",
            json!({ "id": "ch_1", "object": "charge", "payment_intent": reference, "amount_refunded": 1_000 }),
        );
        assert_eq!(app.signed(&refunded).await.0, 200);
        assert_eq!(app.count("select refunded from orders").await, 1_000);
        assert_eq!(app.delivered_mails("Refund for order").await, 1);
    }
);

both_backends!(
    webhooks_refuse_bad_signatures_and_apply_each_event_once,
    |backend| async move {
        let (_db, app, _fake) = stripe_app(backend).await;
        let ids = app.stocked("Hat", &[("HAT", "20.00", 5)]).await;
        let (_shopper, reference) = app.stripe_checkout(&ids[0], "h@example.com").await;
        let total = app.count("select total from payments").await;
        let succeeded = event(
            "evt_s1",
            "payment_intent.succeeded",
            intent(&reference, total, "usd", "succeeded"),
        );

        let stale = app::payments::webhook::sign(SECRET.as_bytes(), now() - 301, &succeeded);
        let forged = app::payments::webhook::sign(b"whsec_wrong", now(), &succeeded);
        let tampered = {
            let header = app::payments::webhook::sign(SECRET.as_bytes(), now(), &succeeded);
            let mut body = succeeded.clone();
            body.extend_from_slice(b" ");
            (header, body)
        };
        for (name, body, header) in [
            ("unsigned", succeeded.clone(), None),
            ("wrong secret", succeeded.clone(), Some(forged)),
            ("older than 300 s", succeeded.clone(), Some(stale)),
            ("body changed after signing", tampered.1, Some(tampered.0)),
            (
                "garbage header",
                succeeded.clone(),
                Some("t=abc,v1=zz".to_owned()),
            ),
        ] {
            let (status, body) = app.webhook(&body, header).await;
            assert_eq!(status, 400, "{name}: {body}");
            assert_eq!(
                body["error"]["code"], "VALIDATION_ERROR",
                "{name}: the envelope"
            );
        }
        assert_eq!(
            app.count("select count(*) from orders").await,
            0,
            "nothing changed"
        );
        assert_eq!(app.count("select count(*) from webhook_events").await, 0);

        let header = app::payments::webhook::sign(SECRET.as_bytes(), now(), &succeeded);
        let (status, body) = app.webhook(&succeeded, Some(header.clone())).await;
        assert_eq!((status, body["outcome"].as_str()), (200, Some("applied")));
        let (status, body) = app.webhook(&succeeded, Some(header)).await;
        assert_eq!(
            status, 400,
            "the same signed request again is a replay: {body}"
        );
        let (status, body) = app.signed(&succeeded).await;
        assert_eq!(
            (status, body["outcome"].as_str()),
            (200, Some("duplicate")),
            "Stripe's redelivery, signed anew, is acknowledged and ignored"
        );
        assert_eq!(app.count("select count(*) from orders").await, 1);
        assert_eq!(app.confirmation_mails().await, 1);
        assert_eq!(app.stock(&ids[0]).await, (4, 0));
    }
);

both_backends!(
    events_delivered_five_times_in_any_order_make_one_order_and_one_mail,
    |backend| async move {
        use rand::seq::SliceRandom as _;
        let (_db, app, _fake) = stripe_app(backend).await;
        let ids = app.stocked("Gloves", &[("GLOVE", "25.00", 5)]).await;
        for round in 0..3 {
            let (_shopper, reference) = app
                .stripe_checkout(&ids[0], &format!("g{round}@example.com"))
                .await;
            let total: i64 =
                sqlx::query_as::<_, (i64,)>("select total from payments where reference = $1")
                    .bind(&reference)
                    .fetch_one(app.state.db.pool())
                    .await
                    .expect("total")
                    .0;
            let events = [
                event(
                    &format!("evt_f{round}"),
                    "payment_intent.payment_failed",
                    json!({ "id": reference, "object": "payment_intent", "last_payment_error": { "message": "Your card was declined." } }),
                ),
                event(
                    &format!("evt_s{round}"),
                    "payment_intent.succeeded",
                    intent(&reference, total, "usd", "succeeded"),
                ),
                event(
                    &format!("evt_r{round}"),
                    "charge.refunded",
                    json!({ "id": format!("ch_{round}"), "object": "charge", "payment_intent": reference, "amount_refunded": 500 }),
                ),
            ];
            let mut deliveries: Vec<&Vec<u8>> = events
                .iter()
                .flat_map(|e| std::iter::repeat_n(e, 5))
                .collect();
            deliveries.shuffle(&mut rand::thread_rng());
            let mut statuses = Vec::new();
            for body in deliveries {
                statuses.push(app.signed(body).await.0);
            }
            // A refund that arrives before its order is refused (Stripe retries it later):
            // deliver the refund once more to stand for that retry.
            app.signed(&events[2]).await;
            assert!(
                statuses.iter().all(|s| *s == 200 || *s == 503),
                "{statuses:?}"
            );
            let orders = app.count(&format!("select count(*) from orders o join payments p on p.id = o.payment_id where p.reference = '{reference}'")).await;
            assert_eq!(orders, 1, "round {round}: one order");
            let refunded = app.count(&format!("select o.refunded from orders o join payments p on p.id = o.payment_id where p.reference = '{reference}'")).await;
            assert_eq!(refunded, 500, "round {round}");
        }
        assert_eq!(
            app.confirmation_mails().await,
            3,
            "one confirmation per order"
        );
        assert_eq!(
            app.delivered_mails("Refund for order").await,
            3,
            "one refund mail per order"
        );
        assert_eq!(
            app.stock(&ids[0]).await,
            (2, 0),
            "three sold, nothing left held"
        );
    }
);

both_backends!(
    the_webhook_racing_the_shoppers_return_makes_one_order,
    |backend| async move {
        let (_db, app, fake) = stripe_app(backend).await;
        let ids = app.stocked("Belt", &[("BELT", "15.00", 50)]).await;
        for round in 0..10 {
            let (shopper, reference) = app
                .stripe_checkout(&ids[0], &format!("b{round}@example.com"))
                .await;
            let total: i64 =
                sqlx::query_as::<_, (i64,)>("select total from payments where reference = $1")
                    .bind(&reference)
                    .fetch_one(app.state.db.pool())
                    .await
                    .expect("total")
                    .0;
            fake.lock()
                .expect("fake")
                .intents
                .get_mut(&reference)
                .expect("pi")
                .2 = "succeeded".into();
            let body = event(
                &format!("evt_b{round}"),
                "payment_intent.succeeded",
                intent(&reference, total, "usd", "succeeded"),
            );
            let path = app::checkout::api::CompletePayment::PATH;
            let fields = [("payment_intent", reference.as_str())];
            let (hook, back) = tokio::join!(app.signed(&body), app.step(&shopper, path, &fields),);
            assert_eq!(hook.0, 200, "{:?}", hook.1);
            assert!(back.ok(), "{}", back.body);
        }
        assert_eq!(app.count("select count(*) from orders").await, 10);
        assert_eq!(
            app.count("select count(distinct payment_id) from orders")
                .await,
            10
        );
        assert_eq!(app.confirmation_mails().await, 10);
        assert_eq!(app.stock(&ids[0]).await, (40, 0));
    }
);
