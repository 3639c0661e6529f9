//! A cancel and a partial refund pressed at the same moment, twenty orders at once: each
//! order ends cancelled and refunded in full, and each answer says what happened.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::orders::api::OrderAction;
use futures_util::{stream, StreamExt as _};
use leptos::server_fn::ServerFn as _;
use std::sync::Arc;

const ORDERS: usize = 20;

both_backends!(
    a_cancel_racing_a_partial_refund_always_ends_cancelled_and_fully_refunded,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Clock", &[("CLOCK", "25.00", 100)]).await;
        let app = Arc::new(app);
        let orders: Vec<String> = stream::iter(0..ORDERS)
            .map(|i| {
                let (app, variant) = (app.clone(), ids[0].clone());
                async move {
                    app.bought(&variant, "1", &format!("race{i}@example.com"))
                        .await
                }
            })
            .buffer_unordered(10)
            .collect()
            .await;
        let staff = app.staff_client("staff@example.com").await;

        let outcomes = futures_util::future::join_all(orders.iter().map(|order| {
            let (app, staff) = (app.clone(), staff.clone());
            async move {
                let cancel = [("id", order.as_str()), ("action", "cancel")];
                let refund = [
                    ("id", order.as_str()),
                    ("action", "refund"),
                    ("amount", "5"),
                ];
                let (cancelled, refunded) = tokio::join!(
                    app.step(&staff, OrderAction::PATH, &cancel),
                    app.step(&staff, OrderAction::PATH, &refund),
                );
                (order.clone(), cancelled, refunded)
            }
        }))
        .await;

        let mut partial_first = 0;
        for (order, cancelled, refunded) in outcomes {
            assert!(
                cancelled.ok(),
                "the cancel always applies: {}",
                cancelled.body
            );
            let (status, payment_status, captured, total): (String, String, i64, i64) =
                sqlx::query_as(
                    "select status, payment_status, captured, refunded from orders where id = $1",
                )
                .bind(&order)
                .fetch_one(app.state.db.pool())
                .await
                .expect("order");
            assert_eq!(
                (status.as_str(), payment_status.as_str()),
                ("cancelled", "refunded")
            );
            assert_eq!(total, captured, "refunded in full");
            let refunds: Vec<(i64, String)> = sqlx::query_as(
                "select amount, status from refunds where order_id = $1 order by created_at",
            )
            .bind(&order)
            .fetch_all(app.state.db.pool())
            .await
            .expect("refunds");
            assert!(refunds.iter().all(|(_, s)| s == "succeeded"), "{refunds:?}");
            assert_eq!(refunds.iter().map(|(a, _)| a).sum::<i64>(), captured);
            // The partial refund's answer agrees with the books.
            let partial_booked = refunds.iter().any(|(a, _)| *a == 500);
            if refunded.ok() {
                assert!(partial_booked, "answered refunded, so it is: {refunds:?}");
                partial_first += 1;
            } else {
                assert!(
                    !partial_booked,
                    "answered refused, so it is not: {refunds:?}"
                );
                assert!(
                    refunded.status == 409 || refunded.status == 400,
                    "{}",
                    refunded.body
                );
            }
        }
        assert_eq!(
            app.stock(&ids[0]).await,
            (100, 0),
            "every unit back in stock"
        );
        eprintln!(
            "RACE cancel/refund: {backend:?}: {ORDERS} pairs -> {partial_first} refunds first, {} cancels first",
            ORDERS - partial_first
        );
    }
);
