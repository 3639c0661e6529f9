//! Amounts as people type them: a comma that may be a decimal comma is refused with a
//! reason (never read as thousands), amounts are capped, tax rates take three decimals.

use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{TestApp, TestDb};
use app::checkout::api::AddTaxRate;
use app::orders::api::OrderAction;
use app::platform::error::AppError;
use leptos::server_fn::ServerFn as _;

fn field_and_message(err: AppError) -> (Option<String>, String) {
    match err {
        AppError::Validation { field, message } => (field, message),
        other => panic!("a validation error, not {other:?}"),
    }
}

both_backends!(
    ambiguous_or_huge_amounts_are_refused_with_a_reason,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        for (price, says) in [
            ("19,99", "dot before the cents"),
            ("1,5", "dot before the cents"),
            ("1,500", "dot before the cents"),
            ("1000000.01", "at most 1000000.00"),
            ("9999999999999", "at most 1000000.00"),
        ] {
            let input = product("Mug", &[], vec![v("MUG-1", &[], price, 1)]);
            let err = app::catalog::service::save_product(&app.state, "system", None, &input)
                .await
                .expect_err(price);
            let (field, message) = field_and_message(err);
            assert_eq!(field.as_deref(), Some("variants.0.price"), "{price}");
            assert!(message.contains(says), "{price}: {message}");
        }
        assert_eq!(app.count("select count(*) from products").await, 0);
        let fine = product("Mug", &[], vec![v("MUG-1", &[], "1,299.99", 1)]);
        app.save(fine).await;
        assert_eq!(app.count("select price from variants").await, 129_999);

        // A refund typed with a decimal comma is refused, not read as ten times as much.
        app.rates().await;
        let ids = app.stocked("Bowl", &[("BOWL", "20.00", 3)]).await;
        let order = app.bought(&ids[0], "1", "b@example.com").await;
        let staff = app.staff_client("staff@example.com").await;
        let refund = app
            .step(
                &staff,
                OrderAction::PATH,
                &[("id", &order), ("action", "refund"), ("amount", "1,5")],
            )
            .await;
        assert_eq!(
            (refund.status, refund.body["field"].as_str()),
            (400, Some("amount"))
        );
        assert!(refund.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("dot"));
        assert_eq!(app.count("select refunded from orders").await, 0);
    }
);

both_backends!(
    a_cart_too_large_for_one_payment_is_refused_not_wrapped,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Yacht", &[("YACHT", "1000000", 200)]).await;
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "99").await.ok());
        app.ready_to_pay(&shopper, "rich@example.com").await;
        let view = app.checkout(&shopper).await;
        assert_eq!(
            view["totals"]["subtotal"]["minor"], 9_900_000_000i64,
            "no wrap"
        );
        assert!(view["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("the most one payment can be"));
        let started = app.start_payment(&shopper).await;
        assert_eq!(started.status, 409, "{}", started.body);
        assert_eq!(app.stock(&ids[0]).await, (200, 0), "nothing held");
    }
);

both_backends!(
    a_tax_rate_of_three_decimals_is_entered_and_charged,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let staff = app.role_client("owner@example.com", "owner").await;
        let add = |rate: &'static str| {
            let app = &app;
            let staff = staff.clone();
            async move {
                app.step(
                    &staff,
                    AddTaxRate::PATH,
                    &[
                        ("name", "NY sales tax"),
                        ("country", "US"),
                        ("region", "NY"),
                        ("rate", rate),
                    ],
                )
                .await
            }
        };
        let comma = add("8,875").await;
        assert_eq!(
            (comma.status, comma.body["field"].as_str()),
            (400, Some("rate"))
        );
        assert!(add("8.875").await.ok());
        assert_eq!(app.count("select rate_ppm from tax_rates").await, 88_750);

        let ids = app.stocked("Lamp", &[("LAMP", "100.00", 3)]).await;
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "1").await.ok());
        app.ready_to_pay(&shopper, "t@example.com").await;
        let totals = app.checkout(&shopper).await["totals"].clone();
        // 100.00 + 5.00 shipping = 105.00, × 8.875 % = 9.31875 → 9.32.
        assert_eq!(totals["tax"]["minor"], 932);
        assert_eq!(totals["total"]["minor"], 11_432);
    }
);
