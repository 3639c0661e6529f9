//! Editable checkout rules on both engines: a code limited to a product discounts only its
//! lines; editing a code (at the version the form showed) changes the next checkout and
//! never an order placed; a stale edit is refused; a switched-off shipping rate is no
//! longer offered; bad input names its field and saves nothing.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::checkout::api::{AddDiscount, AddShippingRate, AdminCheckoutSettings};
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

async fn settings(app: &TestApp, owner: &reqwest::Client) -> Value {
    let a = app.step(owner, AdminCheckoutSettings::PATH, &[]).await;
    assert!(a.ok(), "{}", a.body);
    a.body
}

fn code_form<'a>(
    code: &'a str,
    value: &'a str,
    products: &'a str,
    categories: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("kind", "percent"),
        ("value", value),
        ("min_subtotal", ""),
        ("usage_limit", ""),
        ("per_customer_limit", ""),
        ("starts_on", ""),
        ("ends_on", ""),
        ("products", products),
        ("categories", categories),
    ]
}

both_backends!(
    checkout_rules_are_edited_and_limited_without_touching_placed_orders,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let lamp = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
        let mug = app.stocked("Mug", &[("MUG", "10.00", 10)]).await;
        let owner = app.role_client("owner@example.com", "owner").await;

        // Limits name what they cannot find, and nothing is saved.
        let bad = app
            .step(
                &owner,
                AddDiscount::PATH,
                &code_form("LAMPS", "20", "lamp", "no-such-shelf"),
            )
            .await;
        assert_eq!(
            (bad.status, bad.body["field"].as_str()),
            (400, Some("categories")),
            "{}",
            bad.body
        );
        assert_eq!(app.count("select count(*) from discounts").await, 0);
        assert!(app
            .step(
                &owner,
                AddDiscount::PATH,
                &code_form("LAMPS", "20", "lamp", "")
            )
            .await
            .ok());

        // 20 % off the lamp only: 8.00, not 10.00.
        let shopper = app.browser();
        assert!(app.add(&shopper, &lamp[0], "1").await.ok());
        assert!(app.add(&shopper, &mug[0], "1").await.ok());
        app.ready_to_pay(&shopper, "shopper@example.com").await;
        assert!(app.apply_code(&shopper, "lamps").await.ok());
        let view = app.checkout(&shopper).await;
        assert_eq!(
            view["totals"]["discount"]["minor"], 800,
            "{}",
            view["totals"]
        );
        assert!(app.start_payment(&shopper).await.ok());
        assert!(app.pay(&shopper, "4242424242424242").await.ok());
        assert_eq!(app.count("select discount from orders").await, 800);

        // A code for the mug alone does not apply to a cart of lamps.
        assert!(app
            .step(
                &owner,
                AddDiscount::PATH,
                &code_form("MUGS", "10", "mug", "")
            )
            .await
            .ok());
        let other = app.browser();
        assert!(app.add(&other, &lamp[0], "1").await.ok());
        app.ready_to_pay(&other, "other@example.com").await;
        let refused = app.apply_code(&other, "MUGS").await;
        assert_eq!(refused.status, 400);
        assert!(
            refused.body["message"]
                .as_str()
                .expect("message")
                .contains("does not apply"),
            "{}",
            refused.body
        );

        // Editing LAMPS to 50 %: the next checkout sees it, the placed order does not.
        let s = settings(&app, &owner).await;
        let lamps = s["discounts"]
            .as_array()
            .expect("codes")
            .iter()
            .find(|d| d["code"] == "LAMPS")
            .expect("LAMPS")
            .clone();
        let (id, version) = (
            lamps["id"].as_str().expect("id").to_owned(),
            lamps["version"].to_string(),
        );
        assert_eq!(lamps["products"], "lamp");
        let mut edit = code_form("LAMPS", "50", "lamp", "");
        edit.extend([
            ("id", id.as_str()),
            ("version", version.as_str()),
            ("active", "on"),
        ]);
        assert!(app.step(&owner, AddDiscount::PATH, &edit).await.ok());
        let mut stale = code_form("LAMPS", "5", "lamp", "");
        stale.extend([
            ("id", id.as_str()),
            ("version", version.as_str()),
            ("active", "on"),
        ]);
        let conflict = app.step(&owner, AddDiscount::PATH, &stale).await;
        assert_eq!(conflict.status, 409, "{}", conflict.body);
        assert!(app.apply_code(&other, "LAMPS").await.ok());
        assert_eq!(
            app.checkout(&other).await["totals"]["discount"]["minor"],
            2000
        );
        assert_eq!(
            app.count("select discount from orders").await,
            800,
            "the placed order keeps its discount"
        );
        assert_eq!(
            app.count("select count(*) from audit_log where action = 'discount.update'")
                .await,
            1
        );

        // Switching the Standard rate off: it is kept, listed, but no longer offered.
        let s = settings(&app, &owner).await;
        let standard = s["shipping"]
            .as_array()
            .expect("rates")
            .iter()
            .find(|r| r["name"] == "Standard")
            .expect("Standard")
            .clone();
        let version = standard["version"].to_string();
        let off = app
            .step(
                &owner,
                AddShippingRate::PATH,
                &[
                    ("name", "Standard"),
                    ("country", "*"),
                    ("base_amount", "5.00"),
                    ("per_kg", "0"),
                    ("id", standard["id"].as_str().expect("id")),
                    ("version", &version),
                ],
            )
            .await;
        assert!(off.ok(), "{}", off.body);
        let names: Vec<String> = app.checkout(&other).await["rates"]
            .as_array()
            .expect("rates")
            .iter()
            .map(|r| r["name"].as_str().expect("name").to_owned())
            .collect();
        assert!(!names.contains(&"Standard".to_owned()), "{names:?}");
        assert_eq!(
            settings(&app, &owner).await["shipping"]
                .as_array()
                .expect("rates")
                .len(),
            2,
            "kept in the list"
        );
    }
);
