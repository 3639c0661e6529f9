//! Two instances of one shop — one database, two data directories, no secret set in the
//! environment — behave as one: what one signs (sessions, REST tokens, guest order
//! links), the other accepts.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use app::orders::api::GetOrder;
use leptos::server_fn::ServerFn as _;
use serde_json::json;

both_backends!(
    what_one_instance_signs_the_other_accepts,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let one = TestApp::spawn(&db, &[]).await;
        let elsewhere = tempfile::tempdir().expect("another data dir");
        let dir = elsewhere.path().display().to_string();
        let two = TestApp::spawn(&db, &[("OXCART_DATA_DIR", &dir)]).await;
        assert_ne!(one.data_dir(), two.data_dir());
        assert_eq!(
            one.state.config.jwt_secret, two.state.config.jwt_secret,
            "one key, from the database"
        );

        // A guest order made through one, opened through two with the mailed link.
        one.rates().await;
        let ids = one.stocked("Lamp", &[("LAMP", "40.00", 5)]).await;
        let order = one.bought(&ids[0], "1", "guest@example.com").await;
        let token = app::orders::access::token(&one.state, &order);
        let opened = two
            .step(
                &two.browser(),
                GetOrder::PATH,
                &[("id", &order), ("token", &token)],
            )
            .await;
        assert!(
            opened.ok(),
            "the link works on the other instance: {}",
            opened.body
        );

        // A REST login on one; the tokens work on two.
        one.verified_user("ada@example.com").await;
        let login = one
            .client
            .post(one.url("/api/v1/auth/login"))
            .json(&json!({ "email": "ada@example.com", "password": PASSWORD }))
            .send()
            .await
            .expect("login");
        let tokens = json(login).await["data"].clone();
        let me = two
            .client
            .get(two.url("/api/v1/users/me"))
            .bearer_auth(tokens["access_token"].as_str().expect("access"))
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), 200);
        let refreshed = two
            .client
            .post(two.url("/api/v1/auth/refresh"))
            .json(&json!({ "refresh_token": tokens["refresh_token"] }))
            .send()
            .await
            .expect("refresh");
        assert_eq!(refreshed.status(), 200);

        // A browser signed in on one is signed in on two (the same cookie, one key).
        let browser = one.browser();
        one.login_with(&browser, "ada@example.com", PASSWORD).await;
        assert_eq!(
            two.whoami(&browser).await.as_deref(),
            Some("ada@example.com")
        );
    }
);
