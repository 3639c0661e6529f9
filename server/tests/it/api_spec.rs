//! The REST API's answers where the specification (§3.3) fixes their shape or status.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use serde_json::json;

both_backends!(
    an_unconfirmed_account_is_refused_with_403_and_sent_a_fresh_link,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({ "email": "new@example.com", "password": PASSWORD })),
            )
            .await;
        assert_eq!(response.status(), 202);
        // The right password, but the address is not confirmed: 403 (§3.3), not 400.
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": "new@example.com", "password": PASSWORD })),
            )
            .await;
        assert_eq!(response.status(), 403);
        let body = json(response).await;
        assert_eq!(body["status"], "error");
        assert_eq!(body["error"]["code"], "FORBIDDEN");
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .contains("onfirm your email"),
            "{body}"
        );
        // A wrong password is still the same 401 as an unknown email: nothing is revealed.
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": "new@example.com", "password": "not the password" })),
            )
            .await;
        assert_eq!(response.status(), 401);
    }
);

both_backends!(
    an_avatar_link_to_another_site_is_refused_even_without_a_picture,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let data = app.api_login("ada@example.com", PASSWORD).await;
        let access = data["access_token"].as_str().expect("access").to_owned();
        let put = |avatar_url: serde_json::Value| {
            let body = json!({ "full_name": "Ada", "avatar_url": avatar_url });
            app.api(
                reqwest::Method::PUT,
                "/api/v1/users/me",
                Some(&access),
                Some(body),
            )
        };
        let response = put(json!("https://tracker.example/p.gif")).await;
        assert_eq!(response.status(), 400);
        assert_eq!(json(response).await["error"]["field"], "avatar_url");
        let response = put(serde_json::Value::Null).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            json(response).await["data"]["avatar_url"],
            serde_json::Value::Null
        );
    }
);
