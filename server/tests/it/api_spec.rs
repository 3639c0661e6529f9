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
