//! Staff on orders and stock: the order list and its filters, fulfil → deliver, cancel
//! with restock and refund, partial refunds never above what was captured, the CSV
//! export, the inventory page's adjustments, ledger and low-stock mail; and who may.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::orders::api::{AdminOrders, MyOrders, OrderAction};
use leptos::server_fn::ServerFn as _;

both_backends!(
    staff_fulfil_cancel_and_refund_orders_within_what_was_paid,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app
            .stocked("=HYPERLINK(\"x\") Cup", &[("CUP-1", "10.00", 20)])
            .await;
        let first = app.bought(&ids[0], "2", "ann@example.com").await;
        let second = app.bought(&ids[0], "3", "bob@example.com").await;
        assert_eq!(app.stock(&ids[0]).await, (15, 0));
        let staff = app.staff_client("staff@example.com").await;
        let act =
            |client: reqwest::Client, id: String, fields: Vec<(&'static str, &'static str)>| {
                let app = &app;
                async move {
                    let mut all = vec![("id", id.as_str())];
                    all.extend(fields.iter().copied());
                    app.step(&client, OrderAction::PATH, &all).await
                }
            };

        // Only staff act: a customer gets 403, a stranger 401.
        let customer = app.browser();
        app.verified_user("cust@example.com").await;
        app.login_with(
            &customer,
            "cust@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        assert_eq!(
            act(customer.clone(), first.clone(), vec![("action", "deliver")])
                .await
                .status,
            403
        );
        assert_eq!(
            act(app.browser(), first.clone(), vec![("action", "deliver")])
                .await
                .status,
            401
        );
        assert_eq!(
            app.step(&customer, AdminOrders::PATH, &[("query", "")])
                .await
                .status,
            403
        );

        // Fulfil needs a carrier and a tracking number; delivered only after shipped.
        let missing = act(
            staff.clone(),
            first.clone(),
            vec![("action", "fulfil"), ("carrier", "UPS")],
        )
        .await;
        assert_eq!(
            (missing.status, missing.body["field"].as_str()),
            (400, Some("tracking_number"))
        );
        assert_eq!(
            act(staff.clone(), first.clone(), vec![("action", "deliver")])
                .await
                .status,
            409
        );
        assert!(act(
            staff.clone(),
            first.clone(),
            vec![
                ("action", "fulfil"),
                ("carrier", "UPS"),
                ("tracking_number", "1Z1")
            ]
        )
        .await
        .ok());
        assert_eq!(
            app.delivered_mails("Tracking number: 1Z1").await,
            1,
            "the shipped mail"
        );
        let again = act(staff.clone(), first.clone(), vec![("action", "cancel")]).await;
        assert_eq!(
            again.status, 409,
            "a shipped order cannot be cancelled: {}",
            again.body
        );
        assert!(
            act(staff.clone(), first.clone(), vec![("action", "deliver")])
                .await
                .ok()
        );

        // Money moves only for roles that may refund, and those owe two-factor first.
        let packer = app.role_client("packer@example.com", "fulfilment").await;
        for action in ["refund", "cancel"] {
            let refused = act(
                packer.clone(),
                first.clone(),
                vec![("action", action), ("amount", "1")],
            )
            .await;
            assert_eq!(refused.status, 403, "{action}: {}", refused.body);
        }
        let plain = app
            .role_client_without_two_factor("plain@example.com", "manager")
            .await;
        for action in ["refund", "cancel", "release"] {
            let refused = act(
                plain.clone(),
                first.clone(),
                vec![("action", action), ("amount", "1")],
            )
            .await;
            assert_eq!(refused.status, 403, "{action}: {}", refused.body);
            assert!(refused.body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("two-factor"));
        }

        // Partial refunds add up to what was captured and no further.
        let captured = app
            .count(&format!("select captured from orders where id = '{first}'"))
            .await;
        assert_eq!(captured, 2_500);
        assert!(act(
            staff.clone(),
            first.clone(),
            vec![("action", "refund"), ("amount", "10"), ("reason", "late")]
        )
        .await
        .ok());
        let over = act(
            staff.clone(),
            first.clone(),
            vec![("action", "refund"), ("amount", "15.01")],
        )
        .await;
        assert_eq!(
            (over.status, over.body["field"].as_str()),
            (400, Some("amount"))
        );
        assert!(
            over.body["message"]
                .as_str()
                .unwrap_or("")
                .contains("$15.00"),
            "{}",
            over.body
        );
        for bad in ["0", "-5", "abc", ""] {
            assert_eq!(
                act(
                    staff.clone(),
                    first.clone(),
                    vec![("action", "refund"), ("amount", bad)]
                )
                .await
                .status,
                400,
                "{bad}"
            );
        }
        assert!(act(
            staff.clone(),
            first.clone(),
            vec![("action", "refund"), ("amount", "15")]
        )
        .await
        .ok());
        let (refunded, status): (i64, String) =
            sqlx::query_as("select refunded, payment_status from orders where id = $1")
                .bind(&first)
                .fetch_one(app.state.db.pool())
                .await
                .expect("order");
        assert_eq!((refunded, status.as_str()), (2_500, "refunded"));
        assert_eq!(app.delivered_mails("Refund for order").await, 2);

        // Cancel: the stock goes back and what was paid is refunded.
        assert!(act(
            staff.clone(),
            second.clone(),
            vec![("action", "cancel"), ("reason", "customer asked")]
        )
        .await
        .ok());
        assert_eq!(app.stock(&ids[0]).await, (18, 0));
        let (status, refunded, captured): (String, i64, i64) =
            sqlx::query_as("select status, refunded, captured from orders where id = $1")
                .bind(&second)
                .fetch_one(app.state.db.pool())
                .await
                .expect("order");
        assert_eq!((status.as_str(), refunded), ("cancelled", captured));
        assert_eq!(
            app.count("select count(*) from inventory_ledger where reason = 'restock'")
                .await,
            1
        );
        let timeline = app
            .count(&format!(
                "select count(*) from order_events where order_id = '{second}'"
            ))
            .await;
        assert!(timeline >= 3, "placed, cancelled, refunded: {timeline}");

        // The list filters; bad filters are named.
        let list = |q: &'static str| {
            let (app, staff) = (&app, staff.clone());
            async move { app.step(&staff, AdminOrders::PATH, &[("query", q)]).await }
        };
        assert_eq!(
            list("").await.body["orders"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(
            list("status=cancelled").await.body["orders"][0]["email"],
            "bob@example.com"
        );
        assert_eq!(
            list("customer=ANN").await.body["orders"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(
            list("customer=%231002").await.body["orders"][0]["number"],
            1002
        );
        assert_eq!(
            list("min=26").await.body["orders"].as_array().map(Vec::len),
            Some(1),
            "35.00 only"
        );
        assert_eq!(
            list("from=2000-01-01&to=2000-01-02").await.body["orders"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        for (bad, field) in [
            ("status=lost", "status"),
            ("from=yesterday", "from"),
            ("min=ten", "min"),
            ("page=0", "page"),
        ] {
            let a = list(bad).await;
            assert_eq!(
                (a.status, a.body["field"].as_str()),
                (400, Some(field)),
                "{bad}"
            );
        }

        // The CSV export: staff only, one row per line, formulas escaped.
        let anonymous = app
            .browser()
            .get(app.url("/admin/orders/export.csv"))
            .send()
            .await
            .expect("csv");
        assert!(anonymous.status().is_redirection());
        let csv = staff
            .get(app.url("/admin/orders/export.csv?status=cancelled"))
            .send()
            .await
            .expect("csv");
        assert_eq!(csv.status(), 200);
        let body = csv.text().await.expect("text");
        let rows: Vec<&str> = body.lines().collect();
        assert_eq!(rows.len(), 2, "header + one line: {body}");
        assert!(rows[0].starts_with("number,date,email,status"));
        assert!(
            rows[1].contains("'=HYPERLINK"),
            "a formula is exported as text: {}",
            rows[1]
        );

        // A customer's own history.
        let ann = app.browser();
        assert_eq!(
            app.step(&ann, MyOrders::PATH, &[("page", "1")])
                .await
                .status,
            401
        );
    }
);
