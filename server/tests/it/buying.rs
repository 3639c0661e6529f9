//! Cart, checkout, test payments and orders, end to end over HTTP.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::checkout::api::StartPayment;
use app::orders::api::{GetOrder, LookupOrder};
use leptos::server_fn::ServerFn as _;

both_backends!(
    a_guest_buys_and_the_server_decides_every_amount,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app
            .stocked(
                "Wool socks",
                &[("SOCK-S", "12.50", 5), ("SOCK-L", "14.00", 3)],
            )
            .await;
        let shopper = app.browser();

        for bad in [
            "-1",
            "0",
            "1.5",
            "1e3",
            "100",
            "99999999999999999999",
            "abc",
            "",
            " 2x",
        ] {
            let a = app.add(&shopper, &ids[0], bad).await;
            assert_eq!(a.status, 400, "quantity {bad:?}: {}", a.body);
            assert_eq!(a.body["field"], "quantity", "{bad:?}");
        }
        assert_eq!(app.cart(&shopper).await["count"], 0, "nothing was added");
        assert_eq!(app.add(&shopper, "no-such-variant", "1").await.status, 404);
        assert!(app.add(&shopper, &ids[0], "2").await.ok());
        assert!(app.add(&shopper, &ids[1], "1").await.ok());
        let too_many = app.set_line(&shopper, &ids[1], "4").await;
        assert_eq!(too_many.status, 400, "only 3 left: {}", too_many.body);
        let cart = app.cart(&shopper).await;
        assert_eq!(cart["count"], 3);
        assert_eq!(cart["subtotal"]["minor"], 2 * 1250 + 1400);

        // Paying needs contact, address and shipping first.
        assert_eq!(app.start_payment(&shopper).await.status, 400);
        app.ready_to_pay(&shopper, "grace@example.com").await;
        // Whatever the client sends, the amount is the server's.
        let a = app
            .step(
                &shopper,
                StartPayment::PATH,
                &[("total", "0.01"), ("price", "1")],
            )
            .await;
        assert!(a.ok(), "start payment: {}", a.body);
        assert_eq!(app.count("select total from payments").await, 3_900 + 500);
        assert_eq!(app.stock(&ids[0]).await, (5, 2), "held while paying");

        // A declined card gives the stock back; the shopper can pay again.
        let declined = app.pay(&shopper, "4000 0000 0000 0002").await;
        assert_eq!(declined.status, 400);
        assert!(declined.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("declined"));
        assert_eq!(app.stock(&ids[0]).await, (5, 0));
        assert_eq!(
            app.pay(&shopper, "4242 4242 4242 4242").await.status,
            409,
            "no payment in progress"
        );
        let wrong = {
            assert!(app.start_payment(&shopper).await.ok());
            app.pay(&shopper, "1234 5678").await
        };
        assert_eq!(wrong.body["field"], "card");
        let paid = app.pay(&shopper, "4242 4242 4242 4242").await;
        assert!(paid.ok(), "pay: {}", paid.body);

        let (order_id, number, captured, total): (String, i64, i64, i64) =
            sqlx::query_as("select id, number, captured, total from orders")
                .fetch_one(app.state.db.pool())
                .await
                .expect("one order");
        assert_eq!((captured, total), (4_400, 4_400));
        assert_eq!(number, 1_001, "friendly numbers");
        assert_eq!(app.stock(&ids[0]).await, (3, 0));
        assert_eq!(app.stock(&ids[1]).await, (2, 0));
        assert_eq!(app.cart(&shopper).await["count"], 0, "the cart is emptied");
        assert_eq!(
            app.count("select count(*) from inventory_ledger where reason = 'sale'")
                .await,
            2
        );
        app.wait_for_mail("grace@example.com", "Order #1001 confirmed")
            .await;
        assert_eq!(
            crate::accounts_helpers::read_mails(&app.outbox())
                .iter()
                .filter(|m| m.contains("Order #1001 confirmed"))
                .count(),
            1,
            "one confirmation mail"
        );

        // The order page: the token opens it for anyone; without it, a stranger sees 404.
        let token = app::orders::access::token(&app.state, &order_id);
        let stranger = app.browser();
        let open = app
            .step(
                &stranger,
                GetOrder::PATH,
                &[("id", &order_id), ("token", &token)],
            )
            .await;
        assert!(open.ok(), "{}", open.body);
        assert_eq!(open.body["number"], 1_001);
        assert_eq!(open.body["lines"].as_array().map(Vec::len), Some(2));
        let closed = app
            .step(
                &stranger,
                GetOrder::PATH,
                &[("id", &order_id), ("token", "guess")],
            )
            .await;
        assert_eq!(closed.status, 404);
        let by_number = app.step(&stranger, GetOrder::PATH, &[("id", "1001")]).await;
        assert_eq!(
            by_number.status, 404,
            "orders are not addressed by their number"
        );
        let page = app
            .get_page(&format!("/orders/{order_id}?token={token}"))
            .await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap_or_default().contains("#1001"));

        // Guest look-up: email + number, case-insensitive email; a wrong pair is refused.
        let found = app
            .step(
                &stranger,
                LookupOrder::PATH,
                &[("email", "GRACE@example.com"), ("number", "#1001")],
            )
            .await;
        assert!(found.ok(), "{}", found.body);
        let wrong = app
            .step(
                &stranger,
                LookupOrder::PATH,
                &[("email", "eve@example.com"), ("number", "1001")],
            )
            .await;
        assert_eq!(wrong.status, 400);
    }
);

both_backends!(
    taxes_discounts_and_address_changes_are_priced_on_the_server,
    |backend| async move {
        use app::checkout::model::{DiscountInput, TaxRateInput};
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        for (name, country, region, rate, inclusive) in [
            ("Sales tax", "US", "NY", "8", false),
            ("VAT", "GB", "", "20", true),
        ] {
            app::checkout::setup::save_tax(
                &app.state.db,
                "system",
                app::checkout::setup::Target::New,
                &TaxRateInput {
                    name: name.into(),
                    country: country.into(),
                    region: region.into(),
                    rate: rate.into(),
                    inclusive,
                },
            )
            .await
            .expect("tax");
        }
        app::checkout::codes::save_discount(
            &app.state.db,
            "system",
            app::checkout::setup::Target::New,
            &DiscountInput {
                code: "tenoff".into(),
                kind: "percent".into(),
                value: "10".into(),
                min_subtotal: "20".into(),
                ..Default::default()
            },
        )
        .await
        .expect("discount");
        app::checkout::codes::save_discount(
            &app.state.db,
            "system",
            app::checkout::setup::Target::New,
            &DiscountInput {
                code: "OLD".into(),
                kind: "fixed".into(),
                value: "5".into(),
                starts_on: "2020-01-01".into(),
                ends_on: "2020-12-31".into(),
                ..Default::default()
            },
        )
        .await
        .expect("discount");
        let ids = app.stocked("Boots", &[("BOOT-42", "30.00", 10)]).await;
        sqlx::query("update variants set weight_grams = 1500")
            .execute(app.state.db.pool())
            .await
            .expect("weight");
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "1").await.ok());
        app.ready_to_pay(&shopper, "ada@example.com").await;

        let totals = |v: &serde_json::Value| {
            let t = &v["totals"];
            ["subtotal", "discount", "shipping", "tax", "total"]
                .map(|k| t[k]["minor"].as_i64().unwrap_or(-1))
        };
        let view = app.checkout(&shopper).await;
        assert_eq!(
            totals(&view),
            [3_000, 0, 500, 280, 3_780],
            "NY: 8 % on goods and shipping"
        );

        assert!(
            app.apply_code(&shopper, "TenOff").await.ok(),
            "codes are not case-sensitive"
        );
        let view = app.checkout(&shopper).await;
        assert_eq!(totals(&view), [3_000, 300, 500, 256, 3_456]);
        let expired = app.apply_code(&shopper, "old").await;
        assert_eq!(
            (expired.status, expired.body["field"].as_str()),
            (400, Some("code"))
        );
        assert!(
            expired.body["message"]
                .as_str()
                .unwrap_or("")
                .contains("expired"),
            "{}",
            expired.body
        );
        assert_eq!(app.apply_code(&shopper, "NOPE").await.status, 400);

        // To Britain: the worldwide rate is not offered there, so the choice is cleared and
        // paying is refused until a British rate is chosen; VAT is included, not added.
        app.address(&shopper, "ada@example.com", "GB", "").await;
        let view = app.checkout(&shopper).await;
        assert!(view["shipping_rate_id"].is_null(), "{view}");
        assert_eq!(app.start_payment(&shopper).await.body["field"], "rate_id");
        let parcel = view["rates"][0]["id"].as_str().expect("Parcel").to_owned();
        assert_eq!(
            view["rates"][0]["price"]["minor"], 900,
            "5.00 + 2 started kg × 2.00"
        );
        assert!(app
            .step(
                &shopper,
                app::checkout::api::ChooseShipping::PATH,
                &[("rate_id", &parcel)]
            )
            .await
            .ok());
        let view = app.checkout(&shopper).await;
        assert_eq!(
            totals(&view),
            [3_000, 300, 900, 600, 3_600],
            "20 % VAT inside 36.00"
        );
        assert_eq!(view["totals"]["tax_inclusive"], true);
        assert!(app.start_payment(&shopper).await.ok());
        assert!(app.pay(&shopper, "4242424242424242").await.ok());
        let (total, discount, tax): (i64, i64, i64) =
            sqlx::query_as("select total, discount, tax from orders")
                .fetch_one(app.state.db.pool())
                .await
                .expect("order");
        assert_eq!((total, discount, tax), (3_600, 300, 600));
        assert_eq!(
            app.count("select used_count from discounts where code = 'TENOFF'")
                .await,
            1
        );
    }
);

both_backends!(
    a_guest_cart_joins_the_account_cart_at_login,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let ids = app
            .stocked("Mug", &[("MUG-1", "9.00", 500), ("MUG-2", "9.00", 500)])
            .await;
        app.verified_user("lin@example.com").await;
        let phone = app.browser();
        let signed_in = app
            .login_with(&phone, "lin@example.com", crate::accounts_helpers::PASSWORD)
            .await;
        assert!(
            !signed_in.status().is_client_error(),
            "{}",
            signed_in.status()
        );
        assert!(app.add(&phone, &ids[0], "2").await.ok());

        let laptop = app.browser();
        assert!(app.add(&laptop, &ids[0], "98").await.ok());
        assert!(app.add(&laptop, &ids[1], "1").await.ok());
        assert_eq!(app.cart(&laptop).await["count"], 99);
        app.login_with(
            &laptop,
            "lin@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        let cart = app.cart(&laptop).await;
        assert_eq!(
            cart["count"],
            99 + 1,
            "MUG-1 capped at 99, MUG-2 added: {cart}"
        );
        assert_eq!(app.cart(&phone).await["count"], 100, "one cart per account");
        assert_eq!(
            app.count("select count(*) from carts where user_id is null")
                .await,
            0,
            "the guest cart is gone"
        );
    }
);
