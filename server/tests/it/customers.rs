//! Customers in the back office: the list's filters, sort, paging and CSV; guests by
//! email; a customer's page with lifetime value and timeline; deactivation ending every
//! session; a reset mailed by support; tags with a conflict check; export and erasure
//! (orders kept, nothing personal left).

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::customers::api::{
    AddCustomerNote, AdminCustomer, AdminCustomers, CustomerAction, EraseCustomer, SetCustomerTags,
};
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

impl TestApp {
    /// A signed-in customer `email` buys one of `variant`; returns (client, order id).
    pub(crate) async fn customer_bought(
        &self,
        email: &str,
        variant: &str,
    ) -> (reqwest::Client, String) {
        self.verified_user(email).await;
        let shopper = self.browser();
        self.login_with(&shopper, email, PASSWORD).await;
        assert!(self.add(&shopper, variant, "1").await.ok());
        self.ready_to_pay(&shopper, email).await;
        assert!(self.start_payment(&shopper).await.ok());
        assert!(self.pay(&shopper, "4242424242424242").await.ok());
        let (id,): (String,) = sqlx::query_as(
            "select id from orders where email = $1 order by created_at desc limit 1",
        )
        .bind(email)
        .fetch_one(self.state.db.pool())
        .await
        .expect("order");
        (shopper, id)
    }

    async fn customers(&self, client: &reqwest::Client, query: &str) -> Value {
        let response = self
            .call(client, AdminCustomers::PATH, &[("query", query)])
            .await;
        assert_eq!(response.status(), 200, "{query}");
        response.json().await.expect("json")
    }

    pub(crate) async fn user_id(&self, email: &str) -> String {
        let (id,): (String,) = sqlx::query_as("select id from users where email = $1")
            .bind(email)
            .fetch_one(self.state.db.pool())
            .await
            .expect("user");
        id
    }
}

fn emails(list: &Value) -> Vec<String> {
    list["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["email"].as_str().expect("email").to_owned())
        .collect()
}

both_backends!(
    support_finds_customers_by_what_they_did_and_sees_their_history,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Lamp", &[("LAMP", "40.00", 20)]).await;
        let (ada, order) = app.customer_bought("ada@example.com", &ids[0]).await;
        app.customer_bought("bob@example.com", &ids[0]).await;
        app.verified_user("cyd@example.com").await;
        app.bought(&ids[0], "2", "Guest@Example.com").await;
        app.bought(&ids[0], "1", "guest@example.com").await;
        let support = app.role_client("support@example.com", "support").await;

        let all = app.customers(&support, "").await;
        assert_eq!(all["total"], 3, "accounts only: {all}");
        assert_eq!(
            emails(&app.customers(&support, "ordered=no").await),
            vec!["cyd@example.com"]
        );
        assert_eq!(
            emails(&app.customers(&support, "q=BOB%40").await),
            vec!["bob@example.com"]
        );
        assert_eq!(
            app.customers(&support, "q=lovelace").await["total"],
            3,
            "by name"
        );
        let spent = app
            .customers(&support, "ordered=yes&min=40&sort=spent")
            .await;
        assert_eq!(spent["total"], 2);
        assert_eq!(
            app.customers(&support, "min=46").await["total"],
            0,
            "a lamp and shipping is 45.00"
        );
        let guests = app.customers(&support, "guests=1").await;
        assert_eq!(
            emails(&guests),
            vec!["guest@example.com"],
            "one guest, by email in any case"
        );
        assert_eq!(guests["rows"][0]["orders"], 2);
        let bad = app
            .call(&support, AdminCustomers::PATH, &[("query", "sort=cheap")])
            .await;
        assert_eq!(bad.status(), 400);

        // The CSV has the same rows.
        let csv = support
            .get(app.url("/admin/customers/export.csv?ordered=yes"))
            .send()
            .await
            .expect("csv");
        assert_eq!(csv.status(), 200);
        let text = csv.text().await.expect("text");
        assert_eq!(text.lines().count(), 3, "{text}");

        // Ada's page: her order, its value, the timeline.
        let ada_id = app.user_id("ada@example.com").await;
        let page: Value = app
            .call(&support, AdminCustomer::PATH, &[("id", &ada_id)])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(page["customer"]["orders"], 1);
        assert_eq!(page["customer"]["spent"]["minor"], 4500);
        assert_eq!(page["orders"][0]["id"], order.as_str());
        let kinds: Vec<&str> = page["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .map(|t| t["kind"].as_str().expect("kind"))
            .collect();
        for kind in ["signed_up", "verified", "order"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
        // Support may not see a staff member as a customer.
        let staff_id = app.user_id("support@example.com").await;
        assert_eq!(
            app.call(&support, AdminCustomer::PATH, &[("id", &staff_id)])
                .await
                .status(),
            404
        );

        // A note and tags; a stale tags form is refused.
        assert!(app
            .call(
                &support,
                AddCustomerNote::PATH,
                &[("id", &ada_id), ("body", "Prefers mornings")]
            )
            .await
            .status()
            .is_success());
        let version = page["version"].to_string();
        let tagged = app
            .call(
                &support,
                SetCustomerTags::PATH,
                &[
                    ("id", &ada_id),
                    ("tags", "VIP, wholesale"),
                    ("version", &version),
                ],
            )
            .await;
        assert!(tagged.status().is_success(), "{}", tagged.status());
        let stale = app
            .call(
                &support,
                SetCustomerTags::PATH,
                &[("id", &ada_id), ("tags", "other"), ("version", &version)],
            )
            .await;
        assert_eq!(stale.status(), 409);
        let page: Value = app
            .call(&support, AdminCustomer::PATH, &[("id", &ada_id)])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(
            page["customer"]["tags"],
            serde_json::json!(["vip", "wholesale"])
        );
        assert_eq!(page["notes"][0]["body"], "Prefers mornings");

        // A reset, mailed; then deactivation ends her session and her sign-ins.
        let reset = app
            .call(
                &support,
                CustomerAction::PATH,
                &[("id", &ada_id), ("action", "reset")],
            )
            .await;
        assert!(reset.status().is_success(), "{}", reset.status());
        app.mailed_link("ada@example.com", "/account/reset?token=")
            .await;
        assert_eq!(app.whoami(&ada).await.as_deref(), Some("ada@example.com"));
        let off = app
            .call(
                &support,
                CustomerAction::PATH,
                &[("id", &ada_id), ("action", "deactivate")],
            )
            .await;
        assert!(off.status().is_success(), "{}", off.status());
        assert_eq!(app.whoami(&ada).await, None, "her session ended");
        assert_eq!(
            app.login_with(&app.browser(), "ada@example.com", PASSWORD)
                .await
                .status(),
            401
        );
        assert_eq!(
            app.customers(&support, "status=deactivated").await["total"],
            1
        );
        let on = app
            .call(
                &support,
                CustomerAction::PATH,
                &[("id", &ada_id), ("action", "reactivate")],
            )
            .await;
        assert!(on.status().is_success());
        let back = app
            .login_with(&app.browser(), "ada@example.com", PASSWORD)
            .await
            .status();
        assert!(back.is_success() || back.is_redirection(), "{back}");
        // Note, tags, reset, deactivate, reactivate (the refused stale form wrote nothing).
        assert_eq!(
            app.count("select count(*) from audit_log where entity = 'customer'")
                .await,
            5
        );
        // Audit rows outlive an erasure, so they hold no personal data of the customer.
        let personal = app
            .count(
                "select count(*) from audit_log where summary like '%ada@%' \
                 or coalesce(before_json, '') like '%ada@%' or coalesce(after_json, '') like '%ada@%' \
                 or summary like '%mornings%' or coalesce(after_json, '') like '%mornings%'",
            )
            .await;
        assert_eq!(personal, 0, "no email or note text in the audit log");
        // Support may not erase.
        assert_eq!(
            app.call(
                &support,
                EraseCustomer::PATH,
                &[("id", &ada_id), ("confirm", "ERASE")]
            )
            .await
            .status(),
            403
        );
    }
);

both_backends!(
    erasing_a_customer_keeps_their_orders_and_nothing_personal,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Lamp", &[("LAMP", "40.00", 20)]).await;
        let (_, order) = app.customer_bought("ada@example.com", &ids[0]).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        let ada_id = app.user_id("ada@example.com").await;

        // Everything held about her, as one JSON file.
        let export = owner
            .get(app.url(&format!("/admin/customers/{ada_id}/export.json")))
            .send()
            .await
            .expect("export");
        assert_eq!(export.status(), 200);
        let document: Value = export.json().await.expect("json");
        assert_eq!(document["profile"]["email"], "ada@example.com");
        assert_eq!(document["orders"][0]["lines"][0]["sku"], "LAMP");

        // Not while an order waits to ship.
        let early = app
            .call(
                &owner,
                EraseCustomer::PATH,
                &[("id", &ada_id), ("confirm", "ERASE")],
            )
            .await;
        assert_eq!(early.status(), 409);
        app::orders::actions::fulfil(&app.state, "system", &order, "UPS", "1Z999")
            .await
            .expect("ship");
        let unconfirmed = app
            .call(
                &owner,
                EraseCustomer::PATH,
                &[("id", &ada_id), ("confirm", "yes")],
            )
            .await;
        assert_eq!(unconfirmed.status(), 400);
        let erased = app
            .call(
                &owner,
                EraseCustomer::PATH,
                &[("id", &ada_id), ("confirm", "ERASE")],
            )
            .await;
        assert!(
            erased.status().is_success() || erased.status().is_redirection(),
            "{}",
            erased.status()
        );

        // The order stays, with its amounts; no table holds her name, email or street.
        assert_eq!(
            app.count(&format!("select total from orders where id = '{order}'"))
                .await,
            4500
        );
        // (The checkout helper ships to Grace Hopper, 1 Navy Way, Arlington.)
        for (table, column) in [
            ("orders", "email"),
            ("orders", "shipping_name"),
            ("orders", "address"),
            ("payments", "email"),
            ("payments", "shipping_name"),
            ("payments", "address"),
            ("checkouts", "email"),
            ("checkouts", "address"),
            ("mail_log", "to_address"),
        ] {
            let n = app.count(&format!(
                "select count(*) from {table} where lower({column}) like '%ada@%' or {column} like '%Hopper%' \
                 or {column} like '%Navy%' or {column} like '%Arlington%'"
            )).await;
            assert_eq!(n, 0, "{table}.{column} still names her");
        }
        let left = app.count(&format!(
            "select count(*) from users where id = '{ada_id}' and (email like '%ada%' or full_name <> '' or password_hash <> '!')"
        )).await;
        assert_eq!(left, 0, "her account is scrubbed");
        assert_eq!(
            app.count(&format!(
                "select count(*) from addresses where user_id = '{ada_id}'"
            ))
            .await,
            0
        );
        assert_eq!(
            app.login_with(&app.browser(), "ada@example.com", PASSWORD)
                .await
                .status(),
            401
        );
        assert_eq!(
            app.call(&owner, AdminCustomer::PATH, &[("id", &ada_id)])
                .await
                .status(),
            404
        );
        assert_eq!(
            app.count("select count(*) from audit_log where action = 'customer.erase'")
                .await,
            1
        );
    }
);
