//! Returns end to end on both engines: a customer asks within the window (bad quantities,
//! an undelivered order and a closed window refused), fulfilment approves, a manager
//! receives, restocks (the ledger) and refunds through the provider (within what was
//! captured); the timeline, the audit log and the mails show every step. A guest asks
//! through the order link. Cancelling a shipped order points to a return.

use crate::both_backends;
use crate::buying_helpers::Answer;
use crate::helpers::{TestApp, TestDb};
use app::orders::api::OrderAction;
use app::returns::api::{
    AdminReturn, DecideReturn, GetOrderReturns, ReceiveReturn, RequestReturn, SetReturnWindow,
};
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

impl TestApp {
    async fn ship_and_deliver(&self, staff: &reqwest::Client, order: &str) {
        for fields in [
            vec![
                ("action", "fulfil"),
                ("carrier", "UPS"),
                ("tracking_number", "1Z9"),
            ],
            vec![("action", "deliver")],
        ] {
            let mut all = vec![("id", order)];
            all.extend(fields);
            let done = self.step(staff, OrderAction::PATH, &all).await;
            assert!(done.ok(), "{}", done.body);
        }
    }

    /// Asks to return `quantity` of the order's first line (as its page's form does).
    async fn ask_return(
        &self,
        client: &reqwest::Client,
        order: &str,
        token: &str,
        quantity: &str,
    ) -> Answer {
        let (position,): (i64,) =
            sqlx::query_as("select min(position) from order_lines where order_id = $1")
                .bind(order)
                .fetch_one(self.state.db.pool())
                .await
                .expect("line");
        let position = position.to_string();
        self.step(
            client,
            RequestReturn::PATH,
            &[
                ("order_id", order),
                ("token", token),
                ("position[0]", &position),
                ("quantity[0]", quantity),
                ("reason[0]", "doesnt_fit"),
                ("note", "Too small"),
            ],
        )
        .await
    }
}

both_backends!(
    a_return_goes_from_request_to_refund_and_restock,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
        let (ada, order) = app.customer_bought("ada@example.com", &ids[0]).await;
        let packer = app.role_client("packer@example.com", "fulfilment").await;
        let manager = app.staff_client("manager@example.com").await;

        // Not before delivery; cancelling once shipped points to a return.
        assert_eq!(app.ask_return(&ada, &order, "", "1").await.status, 409);
        let ship = app
            .step(
                &packer,
                OrderAction::PATH,
                &[
                    ("id", &order),
                    ("action", "fulfil"),
                    ("carrier", "UPS"),
                    ("tracking_number", "1Z9"),
                ],
            )
            .await;
        assert!(ship.ok());
        let cancel = app
            .step(
                &manager,
                OrderAction::PATH,
                &[("id", &order), ("action", "cancel"), ("reason", "late")],
            )
            .await;
        assert_eq!(cancel.status, 409);
        assert!(
            cancel.body["message"]
                .as_str()
                .expect("message")
                .contains("return"),
            "{}",
            cancel.body
        );
        assert!(app
            .step(
                &packer,
                OrderAction::PATH,
                &[("id", &order), ("action", "deliver")]
            )
            .await
            .ok());

        let view: Value = app
            .call(&ada, GetOrderReturns::PATH, &[("order_id", &order)])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(view["can_request"], true, "{view}");
        assert_eq!(view["lines"][0]["returnable"], 1);
        let too_many = app.ask_return(&ada, &order, "", "2").await;
        assert_eq!(
            (too_many.status, too_many.body["field"].as_str()),
            (400, Some("quantity"))
        );
        let none = app.ask_return(&ada, &order, "", "0").await;
        assert_eq!(none.status, 400);
        // Someone else cannot ask for Ada's order.
        let stranger = app.browser();
        assert_eq!(app.ask_return(&stranger, &order, "", "1").await.status, 404);
        let asked = app.ask_return(&ada, &order, "", "1").await;
        assert!(asked.ok(), "{}: {}", asked.status, asked.body);
        let view: Value = app
            .call(&ada, GetOrderReturns::PATH, &[("order_id", &order)])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(view["can_request"], false, "everything is in a return");
        let id = view["returns"][0]["id"].as_str().expect("id").to_owned();
        app.wait_for_mail("ada@example.com", "We received your return request")
            .await;

        // Fulfilment approves but may not receive (it refunds).
        let ret: Value = app
            .call(&packer, AdminReturn::PATH, &[("id", &id)])
            .await
            .json()
            .await
            .expect("json");
        let position = ret["lines"][0]["position"].to_string();
        let version = ret["version"].to_string();
        assert_eq!(
            ret["suggested_refund"]["minor"], 4000,
            "the lamp, not the shipping: {ret}"
        );
        let refuse_bare = app
            .step(
                &packer,
                DecideReturn::PATH,
                &[
                    ("id", &id),
                    ("decision", "refuse"),
                    ("message", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(
            (refuse_bare.status, refuse_bare.body["field"].as_str()),
            (400, Some("message"))
        );
        assert!(app
            .step(
                &packer,
                DecideReturn::PATH,
                &[
                    ("id", &id),
                    ("decision", "approve"),
                    ("message", "Use the enclosed label."),
                    ("version", &version)
                ]
            )
            .await
            .ok());
        let stale = app
            .step(
                &packer,
                DecideReturn::PATH,
                &[
                    ("id", &id),
                    ("decision", "refuse"),
                    ("message", "no"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(stale.status, 409);
        app.wait_for_mail("ada@example.com", "Your return is approved")
            .await;
        let version = (ret["version"].as_i64().expect("version") + 1).to_string();
        let refused = app
            .step(
                &packer,
                ReceiveReturn::PATH,
                &[
                    ("id", &id),
                    ("restock[0]", &position),
                    ("amount", "40.00"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(refused.status, 403);

        // More than was captured is refused, nothing half-done.
        let greedy = app
            .step(
                &manager,
                ReceiveReturn::PATH,
                &[
                    ("id", &id),
                    ("restock[0]", &position),
                    ("amount", "1000.00"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(greedy.status, 400, "{}", greedy.body);
        assert_eq!(
            app.stock(&ids[0]).await.0,
            9,
            "nothing restocked by the refused receipt"
        );
        let received = app
            .step(
                &manager,
                ReceiveReturn::PATH,
                &[
                    ("id", &id),
                    ("restock[0]", &position),
                    ("amount", "40.00"),
                    ("version", &version),
                ],
            )
            .await;
        assert!(received.ok(), "{}", received.body);

        assert_eq!(
            app.stock(&ids[0]).await.0,
            10,
            "the lamp is back on the shelf"
        );
        assert_eq!(app.count(&format!("select count(*) from inventory_ledger where order_id = '{order}' and reason = 'restock' and note = 'returned'")).await, 1);
        assert_eq!(
            app.count(&format!("select refunded from orders where id = '{order}'"))
                .await,
            4000
        );
        assert_eq!(app.count(&format!("select count(*) from returns where id = '{id}' and status = 'refunded' and refund_amount = 4000")).await, 1);
        for kind in [
            "return_requested",
            "return_approved",
            "return_received",
            "refunded",
        ] {
            assert_eq!(app.count(&format!("select count(*) from order_events where order_id = '{order}' and kind = '{kind}'")).await, 1, "{kind}");
        }
        for action in [
            "order.return_approved",
            "order.return_received",
            "order.refunded",
        ] {
            assert_eq!(app.count(&format!("select count(*) from audit_log where entity_id = '{order}' and action = '{action}'")).await, 1, "{action}");
        }
        app.wait_for_mail("ada@example.com", "Refund for order")
            .await;
        // Her customer page shows the return.
        let ada_id = app.user_id("ada@example.com").await;
        let page: Value = app
            .call(
                &manager,
                app::customers::api::AdminCustomer::PATH,
                &[("id", &ada_id)],
            )
            .await
            .json()
            .await
            .expect("json");
        let kinds: Vec<&str> = page["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .map(|t| t["kind"].as_str().expect("kind"))
            .collect();
        assert!(
            kinds.contains(&"return") && kinds.contains(&"refund"),
            "{kinds:?}"
        );
        // The analytics rollups followed the return (units refunded, money refunded).
        assert_eq!(
            app::analytics::rebuild::verify(&app.state.db)
                .await
                .expect("verify"),
            Vec::<String>::new()
        );
        assert_eq!(
            app.count("select cast(sum(refunded_units) as bigint) from variant_daily")
                .await,
            1
        );
    }
);

both_backends!(
    a_guest_asks_through_the_order_link_and_the_window_closes,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Mug", &[("MUG", "12.00", 10)]).await;
        let order = app.bought(&ids[0], "2", "guest@example.com").await;
        let owner = app.role_client("owner@example.com", "owner").await;
        app.ship_and_deliver(&owner, &order).await;
        let link = app::orders::access::guest_path(&app.state, &order);
        let token = link.split("token=").nth(1).expect("token").to_owned();

        let guest = app.browser();
        assert_eq!(
            app.ask_return(&guest, &order, "wrong-token", "1")
                .await
                .status,
            404
        );
        // The owner closes returns: 0 days after delivery.
        assert!(app
            .step(&owner, SetReturnWindow::PATH, &[("days", "0")])
            .await
            .ok());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let late = app.ask_return(&guest, &order, &token, "1").await;
        assert_eq!(late.status, 409, "{}", late.body);
        assert!(app
            .step(&owner, SetReturnWindow::PATH, &[("days", "30")])
            .await
            .ok());
        assert!(app.ask_return(&guest, &order, &token, "1").await.ok());
        let view: Value = app
            .call(
                &guest,
                GetOrderReturns::PATH,
                &[("order_id", &order), ("token", &token)],
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(view["returns"][0]["status"], "requested");
        assert_eq!(
            view["lines"][0]["returnable"], 1,
            "one more mug may still go back"
        );
        assert_eq!(
            app.count("select count(*) from audit_log where action = 'settings.return_window'")
                .await,
            2
        );
    }
);
