//! Analytics on both engines, against numbers worked out by hand on a small fixture:
//! three orders (a returning customer, a guest with a 10 % code), a partial refund and a
//! cancellation. Every headline number and report, an empty range, a bad range, the
//! CSV export, the store's time zone moving an order to another day, and the rollups
//! rebuilt from the raw rows agreeing with the ones kept up to date (and disagreeing
//! once a row is tampered with).

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::analytics::api::{AdminDashboard, AdminReport, SetAnalyticsSettings};
use app::checkout::api::AddDiscount;
use app::orders::api::OrderAction;
use leptos::server_fn::ServerFn as _;
use serde_json::{json, Value};

impl TestApp {
    async fn count_text(&self, sql: &str) -> String {
        let (v,): (String,) = sqlx::query_as(sql)
            .fetch_one(self.state.db.pool())
            .await
            .expect(sql);
        v
    }

    pub(crate) async fn report(
        &self,
        client: &reqwest::Client,
        key: &str,
        query: &str,
    ) -> (u16, Value) {
        let response = self
            .call(client, AdminReport::PATH, &[("key", key), ("query", query)])
            .await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// The KPI `key`'s (value, previous) of a dashboard or report body.
fn kpi(body: &Value, key: &str) -> (Value, Value) {
    let k = body["kpis"]
        .as_array()
        .and_then(|all| all.iter().find(|k| k["key"] == key))
        .unwrap_or_else(|| panic!("no kpi {key} in {body}"));
    (k["value"].clone(), k["previous"].clone())
}

/// The table's rows as plain values (numbers, text; null for none).
fn rows(body: &Value) -> Vec<Vec<Value>> {
    body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            row.as_array()
                .expect("row")
                .iter()
                .map(|cell| {
                    cell.get("Int")
                        .or_else(|| cell.get("Text"))
                        .cloned()
                        .unwrap_or(Value::Null)
                })
                .collect()
        })
        .collect()
}

fn code_form(code: &str) -> Vec<(&str, &str)> {
    vec![
        ("code", code),
        ("kind", "percent"),
        ("value", "10"),
        ("min_subtotal", ""),
        ("usage_limit", ""),
        ("per_customer_limit", ""),
        ("starts_on", ""),
        ("ends_on", ""),
        ("products", ""),
        ("categories", ""),
    ]
}

both_backends!(
    every_number_matches_the_hand_computed_fixture,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let lamp = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
        let mug = app.stocked("Mug", &[("MUG", "10.00", 10)]).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        assert!(app
            .step(&owner, AddDiscount::PATH, &code_form("TENOFF"))
            .await
            .ok());

        // A: Ada, 1 lamp (40 + 5 shipping). B: a guest, 2 mugs with 10 % off (20 - 2 + 5).
        // C: Ada again, 1 mug (10 + 5), then cancelled. A is refunded 5.00.
        let (_, a) = app.customer_bought("ada@example.com", &lamp[0]).await;
        let guest = app.browser();
        assert!(app.add(&guest, &mug[0], "2").await.ok());
        app.ready_to_pay(&guest, "bob@example.com").await;
        assert!(app.apply_code(&guest, "TENOFF").await.ok());
        assert!(app.start_payment(&guest).await.ok());
        assert!(app.pay(&guest, "4242424242424242").await.ok());
        let ada = app.browser();
        app.login_with(&ada, "ada@example.com", crate::accounts_helpers::PASSWORD)
            .await;
        assert!(app.add(&ada, &mug[0], "1").await.ok());
        app.ready_to_pay(&ada, "ada@example.com").await;
        assert!(app.start_payment(&ada).await.ok());
        assert!(app.pay(&ada, "4242424242424242").await.ok());
        let c = app
            .count_text("select id from orders order by number desc limit 1")
            .await;
        assert_eq!(
            app.count("select cast(sum(total) as bigint) from orders")
                .await,
            4500 + 2300 + 1500,
            "the fixture's totals"
        );
        let act = |id: &str, action: &str, amount: &str| {
            let fields = [
                ("id", id.to_owned()),
                ("action", action.to_owned()),
                ("amount", amount.to_owned()),
                ("reason", "test".to_owned()),
            ];
            let app = &app;
            let owner = &owner;
            async move {
                let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.step(owner, OrderAction::PATH, &f).await
            }
        };
        assert!(act(&a, "refund", "5.00").await.ok());
        assert!(act(&c, "cancel", "").await.ok());

        let (status, body) = app.report(&owner, "sales", "range=month").await;
        assert_eq!(status, 200, "{body}");
        let expect = [
            ("gross", 7000),
            ("net", 7000 - 200 - 2000),
            ("orders", 3),
            ("aov", (7000 - 200) / 3),
            ("units", 4),
            ("new_customers", 2),
            ("returning_customers", 1),
            ("refund_rate", 6666),
        ];
        for (key, value) in expect {
            assert_eq!(kpi(&body, key).0, value, "{key}");
        }
        assert_eq!(
            kpi(&body, "conversion").0,
            Value::Null,
            "no visits were counted"
        );
        let today: Vec<Vec<Value>> = rows(&body).into_iter().filter(|r| r[1] != 0).collect();
        assert_eq!(
            json!(today),
            json!([[today[0][0].clone(), 3, 7000, 200, 2000, 4800, 1500, 0, 6300]]),
            "one day with every order"
        );
        assert!(body["chart_svg"]
            .as_str()
            .is_some_and(|s| s.contains("<svg") && s.contains("Net sales")));

        let (_, products) = app.report(&owner, "products", "range=30d&by=variant").await;
        assert_eq!(
            json!(rows(&products)),
            json!([
                ["Lamp", "LAMP", "LAMP", 1, 4000, 0],
                ["Mug", "MUG", "MUG", 3, 3000, 1]
            ]),
            "by revenue, largest first; the cancelled mug is refunded"
        );
        let (_, sorted) = app
            .report(
                &owner,
                "products",
                "range=30d&by=variant&sort=units&dir=desc",
            )
            .await;
        assert_eq!(rows(&sorted)[0][0], "Mug");
        let (_, categories) = app.report(&owner, "categories", "range=7d").await;
        assert_eq!(
            json!(rows(&categories)),
            json!([["No category", 4, 7000, 1]])
        );
        let (_, codes) = app.report(&owner, "codes", "range=today").await;
        assert_eq!(json!(rows(&codes)), json!([["TENOFF", 1, 200, 2300]]));
        let (_, customers) = app.report(&owner, "customers", "range=12m").await;
        assert_eq!(
            json!(rows(&customers)),
            json!([["ada@example.com", 2, 4000], ["bob@example.com", 1, 2300]])
        );
        let (_, taxes) = app.report(&owner, "taxes", "range=today").await;
        assert_eq!(
            rows(&taxes)
                .iter()
                .map(|r| r[3].as_i64().unwrap_or(0))
                .sum::<i64>(),
            1500
        );

        // An empty range: zeros, and no average of nothing. A bad range is a 400.
        let (_, empty) = app
            .report(
                &owner,
                "sales",
                "range=custom&from=2020-01-01&to=2020-01-31&compare=none",
            )
            .await;
        assert_eq!(kpi(&empty, "orders"), (0.into(), Value::Null));
        assert_eq!(kpi(&empty, "aov").0, Value::Null);
        assert_eq!(rows(&empty).len(), 31);
        let (status, bad) = app
            .report(
                &owner,
                "sales",
                "range=custom&from=2026-02-01&to=2026-01-01",
            )
            .await;
        assert_eq!((status, bad["field"].as_str()), (400, Some("to")), "{bad}");
        let (status, _) = app.report(&owner, "no-such-report", "").await;
        assert_eq!(status, 404);

        // The dashboard: this month against last month.
        let response = app
            .call(&owner, AdminDashboard::PATH, &[("query", "")])
            .await;
        let dashboard: Value = response.json().await.expect("json");
        assert_eq!(kpi(&dashboard, "orders").0, 3);
        assert_eq!(
            dashboard["to_ship"], 2,
            "A (refunded in part) and B wait; C is cancelled"
        );
        assert_eq!(dashboard["recent"].as_array().map(Vec::len), Some(3));

        // The CSV: integers, minor units.
        let csv = owner
            .get(app.url("/admin/analytics/products/export.csv?range=30d&by=variant"))
            .send()
            .await
            .expect("csv");
        assert_eq!(csv.status(), 200);
        let text = csv.text().await.expect("text");
        assert!(text.contains("Revenue (USD minor units)"), "{text}");
        assert!(text.contains("Mug,MUG,MUG,3,3000,1"), "{text}");

        // Kept up to date, the rollups equal what the raw rows say…
        assert_eq!(
            app::analytics::rebuild::verify(&app.state.db)
                .await
                .expect("verify"),
            Vec::<String>::new()
        );
        // …and the check notices a wrong row.
        sqlx::query("update sales_daily set orders = orders + 1")
            .execute(app.state.db.pool())
            .await
            .expect("tamper");
        assert!(!app::analytics::rebuild::verify(&app.state.db)
            .await
            .expect("verify")
            .is_empty());
        app::analytics::rebuild::rebuild(&app.state.db)
            .await
            .expect("rebuild");
        assert!(app::analytics::rebuild::verify(&app.state.db)
            .await
            .expect("verify")
            .is_empty());

        // The store's zone decides the day: B placed at 23:30 UTC on 1 March is on the
        // 2nd in Paris. Saving the zone recounts the rollups.
        sqlx::query("update orders set created_at = 1772407800000 where email = 'bob@example.com'")
            .execute(app.state.db.pool())
            .await
            .expect("move B");
        app::analytics::rebuild::rebuild(&app.state.db)
            .await
            .expect("rebuild");
        let day = |d: &'static str| format!("range=custom&from={d}&to={d}&compare=none");
        let orders_on = |body: Value| kpi(&body, "orders").0;
        assert_eq!(
            orders_on(app.report(&owner, "sales", &day("2026-03-01")).await.1),
            1
        );
        assert_eq!(
            orders_on(app.report(&owner, "sales", &day("2026-03-02")).await.1),
            0
        );
        let saved = app
            .step(
                &owner,
                SetAnalyticsSettings::PATH,
                &[("time_zone", "Europe/Paris"), ("funnel_days", "90")],
            )
            .await;
        assert!(saved.ok(), "{}", saved.body);
        assert_eq!(
            orders_on(app.report(&owner, "sales", &day("2026-03-01")).await.1),
            0
        );
        assert_eq!(
            orders_on(app.report(&owner, "sales", &day("2026-03-02")).await.1),
            1
        );
        let bad = app
            .step(
                &owner,
                SetAnalyticsSettings::PATH,
                &[("time_zone", "Mars/Olympus"), ("funnel_days", "90")],
            )
            .await;
        assert_eq!(
            (bad.status, bad.body["field"].as_str()),
            (400, Some("time_zone"))
        );
        assert_eq!(
            app.count("select count(*) from audit_log where action = 'settings.time_zone'")
                .await,
            1
        );

        // Reports are for those who may read sales figures.
        let packer = app.role_client("packer@example.com", "fulfilment").await;
        assert_eq!(app.report(&packer, "sales", "").await.0, 403);
        let response = packer
            .get(app.url("/admin/analytics/sales/export.csv"))
            .send()
            .await
            .expect("csv");
        assert_eq!(response.status(), 403);
    }
);
