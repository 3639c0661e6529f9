//! Stock adjusted by staff with a reason, and the low-stock alert.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::inventory::api::{AdjustStock, AdminInventory, SetLowStock};
use leptos::server_fn::ServerFn as _;

both_backends!(
    staff_adjust_stock_with_a_reason_and_hear_when_it_runs_low,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Candle", &[("CANDLE", "8.00", 10)]).await;
        let staff = app.staff_client("keeper@example.com").await;
        let adjust = |delta: &'static str, reason: &'static str| {
            let (app, staff, id) = (&app, staff.clone(), ids[0].clone());
            async move {
                app.step(
                    &staff,
                    AdjustStock::PATH,
                    &[
                        ("variant_id", &id),
                        ("delta", delta),
                        ("reason", reason),
                        ("note", "count"),
                    ],
                )
                .await
            }
        };
        assert!(adjust("+5", "received").await.ok());
        assert!(adjust("-1", "damaged").await.ok());
        assert_eq!(app.stock(&ids[0]).await, (14, 0));
        for (delta, reason, field) in [
            ("0", "received", "delta"),
            ("1.5", "received", "delta"),
            ("x", "received", "delta"),
            ("5", "sale", "reason"),
            ("5", "stolen", "reason"),
            ("-15", "correction", "delta"),
        ] {
            let a = adjust(delta, reason).await;
            assert_eq!(
                (a.status, a.body["field"].as_str()),
                (400, Some(field)),
                "{delta} {reason}: {}",
                a.body
            );
        }
        // Units held by a checkout cannot be adjusted away.
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "4").await.ok());
        app.ready_to_pay(&shopper, "holder@example.com").await;
        assert!(app.start_payment(&shopper).await.ok());
        let a = adjust("-11", "correction").await;
        assert_eq!(a.status, 400);
        assert!(
            a.body["message"].as_str().unwrap_or("").contains("4 held"),
            "{}",
            a.body
        );
        assert!(adjust("-10", "correction").await.ok());
        assert_eq!(app.stock(&ids[0]).await, (4, 4));
        assert!(app.pay(&shopper, "4242424242424242").await.ok());

        // The ledger: every change, with reason and who; never rewritten.
        let reasons: Vec<(String, i64)> =
            sqlx::query_as("select reason, delta from inventory_ledger order by created_at, id")
                .fetch_all(app.state.db.pool())
                .await
                .expect("ledger");
        let reasons: Vec<(&str, i64)> = reasons.iter().map(|(r, d)| (r.as_str(), *d)).collect();
        assert_eq!(
            reasons,
            vec![
                ("initial", 10),
                ("received", 5),
                ("damaged", -1),
                ("correction", -10),
                ("sale", -4)
            ]
        );
        let rewrite = sqlx::query("update inventory_ledger set delta = 0")
            .execute(app.state.db.pool())
            .await;
        assert!(rewrite.is_err(), "append-only");
        assert!(sqlx::query("delete from inventory_ledger")
            .execute(app.state.db.pool())
            .await
            .is_err());
        let page = app
            .step(&staff, AdminInventory::PATH, &[("query", "q=candle")])
            .await;
        assert_eq!(page.body["levels"][0]["on_hand"], 0);
        assert_eq!(page.body["recent"][0]["reason"], "sale");

        // Low stock: a threshold, then a sale that crosses it mails every staff member once.
        assert!(adjust("+10", "received").await.ok());
        let set = app
            .step(
                &staff,
                SetLowStock::PATH,
                &[("variant_id", &ids[0]), ("threshold", "7")],
            )
            .await;
        assert!(set.ok(), "{}", set.body);
        assert_eq!(
            app.step(
                &staff,
                SetLowStock::PATH,
                &[("variant_id", &ids[0]), ("threshold", "-1")]
            )
            .await
            .status,
            400
        );
        let low_mails = || app.delivered_mails("Low stock: CANDLE");
        assert_eq!(low_mails().await, 0);
        let _ = app.bought(&ids[0], "2", "c1@example.com").await; // 10 → 8: above 7
        assert_eq!(low_mails().await, 0);
        let _ = app.bought(&ids[0], "2", "c2@example.com").await; // 8 → 6: crosses 7
        assert_eq!(low_mails().await, 1, "one staff member, one mail");
        let _ = app.bought(&ids[0], "1", "c3@example.com").await; // 6 → 5: already low
        assert_eq!(low_mails().await, 1, "not again while it stays low");
        let low = app
            .step(&staff, AdminInventory::PATH, &[("query", "low=1")])
            .await;
        assert_eq!(low.body["low_count"], 1);
        assert_eq!(low.body["levels"].as_array().map(Vec::len), Some(1));
        let (low_count, to_ship) = {
            let a = app
                .step(
                    &staff,
                    app::analytics::api::AdminDashboard::PATH,
                    &[("query", "")],
                )
                .await;
            (a.body["low_stock"].as_i64(), a.body["to_ship"].as_i64())
        };
        assert_eq!(
            (low_count, to_ship),
            (Some(1), Some(4)),
            "the dashboard's badges"
        );
    }
);
