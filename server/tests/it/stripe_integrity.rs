//! The Stripe side of "what is shown is what is charged": the open PaymentIntent is
//! reused while nothing changes and cancelled at Stripe when the checkout changes or its
//! hold expires; money that is not the order's total is held for staff; a late payment
//! over its code's limit is cancelled and refunded instead of making a second discounted
//! order.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::stripe_helpers::{event, intent, stripe_app};
use app::orders::api::OrderAction;
use leptos::server_fn::ServerFn as _;
use std::time::{Duration, Instant};

fn creates(fake: &crate::stripe_helpers::Shared) -> usize {
    fake.lock()
        .expect("fake")
        .requests
        .iter()
        .filter(|(path, _, _)| path == "/v1/payment_intents")
        .count()
}

/// Delivers `payment_intent.succeeded` for `reference` with what Stripe captured.
async fn succeeded(app: &TestApp, id: &str, reference: &str, amount: i64, currency: &str) -> u16 {
    let body = event(
        id,
        "payment_intent.succeeded",
        intent(reference, amount, currency, "succeeded"),
    );
    app.signed(&body).await.0
}

both_backends!(
    the_open_intent_is_reused_and_a_changed_or_expired_one_is_cancelled_at_stripe,
    |backend| async move {
        let (_db, app, fake) = stripe_app(backend).await;
        let ids = app.stocked("Scarf", &[("SCARF", "30.00", 5)]).await;
        let (shopper, first) = app.stripe_checkout(&ids[0], "s@example.com").await;
        assert!(app.start_payment(&shopper).await.ok());
        assert_eq!(
            creates(&fake),
            1,
            "pressing Pay again reuses the PaymentIntent"
        );

        // The address changes: that intent is cancelled at Stripe, a new one is made.
        app.address(&shopper, "s@example.com", "US", "CA").await;
        assert_eq!(fake.lock().expect("fake").cancelled, vec![first.clone()]);
        assert!(app.start_payment(&shopper).await.ok());
        assert_eq!(creates(&fake), 2);

        // The new one's hold runs out: the expiry job cancels it at Stripe too.
        let (second,): (String,) =
            sqlx::query_as("select reference from payments where status = 'pending'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("pending");
        sqlx::query("update payments set expires_at = 0 where reference = $1")
            .bind(&second)
            .execute(app.state.db.pool())
            .await
            .expect("expire");
        sqlx::query("update jobs set run_at = 0 where kind = 'payment.expire'")
            .execute(app.state.db.pool())
            .await
            .expect("due");
        app.state.jobs.notify();
        let deadline = Instant::now() + Duration::from_secs(15);
        while !fake.lock().expect("fake").cancelled.contains(&second) {
            assert!(
                Instant::now() < deadline,
                "the expired intent was not cancelled"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(app.stock(&ids[0]).await, (5, 0));
    }
);

both_backends!(
    money_that_is_not_the_orders_total_holds_the_order_for_staff,
    |backend| async move {
        let (_db, app, _fake) = stripe_app(backend).await;
        let ids = app.stocked("Scarf", &[("SCARF", "30.00", 5)]).await;
        let staff = app.staff_client("staff@example.com").await;
        for (n, (amount, currency)) in [(100, "usd"), (3_500, "eur")].into_iter().enumerate() {
            let email = format!("m{n}@example.com");
            let (_, reference) = app.stripe_checkout(&ids[0], &email).await;
            assert_eq!(
                succeeded(&app, &format!("evt_m{n}"), &reference, amount, currency).await,
                200
            );
            let (order, hold): (String, Option<String>) =
                sqlx::query_as("select id, hold_reason from orders where email = $1")
                    .bind(&email)
                    .fetch_one(app.state.db.pool())
                    .await
                    .expect("an order is made: the money moved");
            let hold = hold.expect("held for staff");
            assert!(hold.contains(&currency.to_uppercase()), "{hold}");
            let fulfil = [
                ("id", order.as_str()),
                ("action", "fulfil"),
                ("carrier", "UPS"),
                ("tracking_number", "1Z"),
            ];
            let refused = app.step(&staff, OrderAction::PATH, &fulfil).await;
            assert_eq!(refused.status, 409, "{}", refused.body);
            assert!(refused.body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("on hold"));
            let release = [("id", order.as_str()), ("action", "release")];
            assert!(app.step(&staff, OrderAction::PATH, &release).await.ok());
            assert!(app.step(&staff, OrderAction::PATH, &fulfil).await.ok());
        }
    }
);

both_backends!(
    a_late_payment_over_its_codes_limit_is_cancelled_and_refunded,
    |backend| async move {
        use app::checkout::model::DiscountInput;
        let (_db, app, fake) = stripe_app(backend).await;
        app::checkout::codes::save_discount(
            &app.state.db,
            "system",
            app::checkout::setup::Target::New,
            &DiscountInput {
                code: "ONCE".into(),
                kind: "fixed".into(),
                value: "5".into(),
                usage_limit: "1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("code");
        let ids = app.stocked("Scarf", &[("SCARF", "30.00", 5)]).await;
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "1").await.ok());
        app.ready_to_pay(&shopper, "twice@example.com").await;
        assert!(app.apply_code(&shopper, "ONCE").await.ok());
        assert!(app.start_payment(&shopper).await.ok());
        let (first,): (String,) = sqlx::query_as("select reference from payments")
            .fetch_one(app.state.db.pool())
            .await
            .expect("first");
        // The shopper confirms the first intent in one tab just as a change in another
        // tab replaces it; the second intent is confirmed too.
        app.address(&shopper, "twice@example.com", "US", "CA").await;
        assert!(app.start_payment(&shopper).await.ok());
        let (second,): (String,) =
            sqlx::query_as("select reference from payments where status = 'pending'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("second");
        assert_eq!(succeeded(&app, "evt_2", &second, 3_000, "usd").await, 200);
        assert_eq!(succeeded(&app, "evt_1", &first, 3_000, "usd").await, 200);

        let orders: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "select o.status, p.reference, o.captured, o.refunded from orders o \
             join payments p on p.id = o.payment_id order by o.number",
        )
        .fetch_all(app.state.db.pool())
        .await
        .expect("orders");
        assert_eq!(
            orders.len(),
            2,
            "both payments are on the books: {orders:?}"
        );
        assert_eq!(orders[0].0, "paid", "the first to arrive keeps the code");
        let late = &orders[1];
        assert_eq!(
            (late.0.as_str(), late.1.as_str()),
            ("cancelled", first.as_str())
        );
        assert_eq!(late.2, late.3, "refunded in full");
        assert!(fake
            .lock()
            .expect("fake")
            .refunds
            .iter()
            .any(|(pi, amount)| pi == &first && *amount == 3_000));
        assert_eq!(
            app.count("select used_count from discounts where code = 'ONCE'")
                .await,
            1
        );
    }
);
