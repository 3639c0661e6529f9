//! A customer's checkout with a saved address, and their order history.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::orders::api::GetOrder;
use leptos::server_fn::ServerFn as _;

both_backends!(
    a_customer_checks_out_with_a_saved_address_and_sees_the_order_in_their_history,
    |backend| async move {
        use app::accounts::model::AddressInput;
        use app::checkout::api::SaveCheckoutContact;
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Notebook", &[("NOTE", "6.00", 10)]).await;
        app.verified_user("ren@example.com").await;
        app.verified_user("other@example.com").await;
        let user = |email: &'static str| {
            let db = app.state.db.clone();
            async move {
                app::accounts::db::by_email(&db, email)
                    .await
                    .expect("user")
                    .expect("exists")
                    .id
            }
        };
        let address = |city: &str, default: bool| AddressInput {
            full_name: "Ren".into(),
            line1: "2 Side St".into(),
            city: city.into(),
            country: "US".into(),
            default_shipping: default,
            ..Default::default()
        };
        let ren = user("ren@example.com").await;
        app::accounts::addresses::save(&app.state.db, &ren, None, &address("Austin", true))
            .await
            .expect("address");
        let second =
            app::accounts::addresses::save(&app.state.db, &ren, None, &address("Dallas", false))
                .await
                .expect("address");
        let others = app::accounts::addresses::save(
            &app.state.db,
            &user("other@example.com").await,
            None,
            &address("Elsewhere", true),
        )
        .await
        .expect("address");

        let client = app.browser();
        app.login_with(
            &client,
            "ren@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        assert!(app.add(&client, &ids[0], "1").await.ok());
        let view = app.checkout(&client).await;
        assert_eq!(view["email"], "ren@example.com", "pre-filled");
        assert_eq!(
            view["address"]["city"], "Austin",
            "the default shipping address"
        );
        assert_eq!(view["saved_addresses"].as_array().map(Vec::len), Some(2));

        let other = app
            .step(
                &client,
                SaveCheckoutContact::PATH,
                &[("email", "ren@example.com"), ("saved_address", &others)],
            )
            .await;
        assert_eq!(
            (other.status, other.body["field"].as_str()),
            (400, Some("saved_address")),
            "another customer's address"
        );
        let chosen = app
            .step(
                &client,
                SaveCheckoutContact::PATH,
                &[("email", "ren@example.com"), ("saved_address", &second)],
            )
            .await;
        assert!(chosen.ok(), "{}", chosen.body);
        assert_eq!(app.checkout(&client).await["address"]["city"], "Dallas");
        let rate = app.checkout(&client).await["rates"][0]["id"]
            .as_str()
            .expect("rate")
            .to_owned();
        assert!(app
            .step(
                &client,
                app::checkout::api::ChooseShipping::PATH,
                &[("rate_id", &rate)]
            )
            .await
            .ok());
        assert!(app.start_payment(&client).await.ok());
        assert!(app.pay(&client, "4242424242424242").await.ok());

        let history = app
            .step(&client, app::orders::api::MyOrders::PATH, &[("page", "1")])
            .await;
        assert_eq!(
            history.body["orders"].as_array().map(Vec::len),
            Some(1),
            "{}",
            history.body
        );
        let order_id = history.body["orders"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let mine = app
            .step(&client, GetOrder::PATH, &[("id", &order_id)])
            .await;
        assert!(mine.ok(), "the customer opens it without a token");
        assert_eq!(mine.body["address"]["city"], "Dallas");
        let stranger = app.browser();
        app.login_with(
            &stranger,
            "other@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        assert_eq!(
            app.step(&stranger, GetOrder::PATH, &[("id", &order_id)])
                .await
                .status,
            404
        );
        assert_eq!(
            app.step(
                &stranger,
                app::orders::api::MyOrders::PATH,
                &[("page", "1")]
            )
            .await
            .body["orders"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
    }
);
