//! The REST API's authentication: JWT access tokens, rotated refresh tokens, /users/me.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

impl TestApp {
    pub(crate) async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("api call")
    }

    pub(crate) async fn api_login(&self, email: &str, password: &str) -> Value {
        let response = self
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": email, "password": password })),
            )
            .await;
        assert_eq!(response.status(), 200);
        json(response).await["data"].clone()
    }

    fn forge(&self, header: Header, claims: &Value) -> String {
        encode(
            &header,
            claims,
            &EncodingKey::from_secret(&self.state.config.jwt_secret),
        )
        .expect("encode")
    }
}

fn now() -> i64 {
    app::platform::db::now_ms() / 1000
}

both_backends!(
    access_tokens_open_users_me_and_bad_tokens_are_all_refused,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let data = app.api_login("ada@example.com", PASSWORD).await;
        let access = data["access_token"]
            .as_str()
            .expect("access token")
            .to_owned();
        // The specification's shape (§3.3): the tokens directly under `data`.
        assert_eq!(data["expires_in"], 3600);
        assert_eq!(data["token_type"], "Bearer");
        assert!(data["refresh_token"].is_string(), "{data}");
        assert!(data.get("tokens").is_none(), "{data}");
        assert_eq!(data["user"]["email"], "ada@example.com");

        let response = app
            .api(
                reqwest::Method::GET,
                "/api/v1/users/me",
                Some(&access),
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(json(response).await["data"]["email"], "ada@example.com");

        let user_id = data["user"]["id"].as_str().expect("id").to_owned();
        let iss = app.state.config.public_url.origin().ascii_serialization();
        let good = json!({ "sub": user_id, "iss": iss, "aud": "oxcart-api", "iat": now(), "exp": now() + 600, "epoch": 0 });
        assert_eq!(
            app.api(
                reqwest::Method::GET,
                "/api/v1/users/me",
                Some(&app.forge(Header::new(Algorithm::HS256), &good)),
                None
            )
            .await
            .status(),
            200,
            "a correctly made token is accepted, so the refusals below are about what they change"
        );

        let with = |key: &str, value: Value| {
            let mut claims = good.clone();
            claims[key] = value;
            claims
        };
        let without = |key: &str| {
            let mut claims = good.clone();
            claims.as_object_mut().expect("object").remove(key);
            claims
        };
        let b64 = |v: &Value| data_encoding::BASE64URL_NOPAD.encode(v.to_string().as_bytes());
        let alg_none = format!(
            "{}.{}.",
            b64(&json!({ "alg": "none", "typ": "JWT" })),
            b64(&good)
        );
        let mut tampered = app.forge(Header::new(Algorithm::HS256), &good);
        let payload = b64(&with("sub", json!("someone-else")));
        let parts: Vec<&str> = tampered.split('.').collect();
        tampered = format!("{}.{}.{}", parts[0], payload, parts[2]);

        let bad: Vec<(&str, String)> = vec![
            ("alg none", alg_none),
            ("HS512", app.forge(Header::new(Algorithm::HS512), &good)),
            (
                "expired",
                app.forge(
                    Header::new(Algorithm::HS256),
                    &with("exp", json!(now() - 120)),
                ),
            ),
            (
                "wrong audience",
                app.forge(
                    Header::new(Algorithm::HS256),
                    &with("aud", json!("another-api")),
                ),
            ),
            (
                "wrong issuer",
                app.forge(
                    Header::new(Algorithm::HS256),
                    &with("iss", json!("https://evil.example")),
                ),
            ),
            (
                "no iat",
                app.forge(Header::new(Algorithm::HS256), &without("iat")),
            ),
            (
                "no exp",
                app.forge(Header::new(Algorithm::HS256), &without("exp")),
            ),
            ("tampered", tampered),
            (
                "other key",
                encode(
                    &Header::new(Algorithm::HS256),
                    &good,
                    &EncodingKey::from_secret(b"not-the-secret-of-this-store-at-all"),
                )
                .expect("encode"),
            ),
            ("garbage", "not.a.token".to_owned()),
        ];
        for (what, token) in bad {
            let response = app
                .api(reqwest::Method::GET, "/api/v1/users/me", Some(&token), None)
                .await;
            assert_eq!(response.status(), 401, "{what}");
            assert_eq!(
                json(response).await["error"]["code"],
                "UNAUTHORIZED",
                "{what}"
            );
        }
        let response = app
            .api(reqwest::Method::GET, "/api/v1/users/me", None, None)
            .await;
        assert_eq!(response.status(), 401);
    }
);

both_backends!(
    refresh_tokens_rotate_and_reuse_revokes_the_family,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let data = app.api_login("ada@example.com", PASSWORD).await;
        let first = data["refresh_token"].as_str().expect("refresh").to_owned();

        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": first })),
            )
            .await;
        assert_eq!(response.status(), 200);
        let second = json(response).await["data"]["refresh_token"]
            .as_str()
            .expect("rotated")
            .to_owned();
        assert_ne!(first, second);

        // The first token again: a thief or a replay. Both it and its successor die.
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": first })),
            )
            .await;
        assert_eq!(response.status(), 401);
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": second })),
            )
            .await;
        assert_eq!(response.status(), 401, "the whole family is revoked");

        // Logout ends a family too; other logins are untouched.
        let a = app.api_login("ada@example.com", PASSWORD).await["refresh_token"]
            .as_str()
            .expect("a")
            .to_owned();
        let b = app.api_login("ada@example.com", PASSWORD).await["refresh_token"]
            .as_str()
            .expect("b")
            .to_owned();
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/logout",
                None,
                Some(json!({ "refresh_token": a })),
            )
            .await;
        assert_eq!(response.status(), 200);
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": a })),
            )
            .await;
        assert_eq!(response.status(), 401);
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": b })),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
);

both_backends!(
    users_me_is_updated_and_deleted_with_clear_errors,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let data = app.api_login("ada@example.com", PASSWORD).await;
        let access = data["access_token"].as_str().expect("access").to_owned();

        let response = app
            .api(
                reqwest::Method::PUT,
                "/api/v1/users/me",
                Some(&access),
                Some(json!({ "full_name": "Ada King" })),
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(json(response).await["data"]["full_name"], "Ada King");

        // avatar_url (§3.3): the current one or null; a link elsewhere is refused whole.
        sqlx::query("update users set avatar = 'abc.jpg' where email = 'ada@example.com'")
            .execute(app.state.db.pool())
            .await
            .expect("avatar");
        let put = |body: Value| {
            app.api(
                reqwest::Method::PUT,
                "/api/v1/users/me",
                Some(&access),
                Some(body),
            )
        };
        let response =
            put(json!({ "full_name": "Ada L", "avatar_url": "https://tracker.example/p.gif" }))
                .await;
        assert_eq!(response.status(), 400);
        assert_eq!(json(response).await["error"]["field"], "avatar_url");
        let me = app.api(
            reqwest::Method::GET,
            "/api/v1/users/me",
            Some(&access),
            None,
        );
        assert_eq!(
            json(me.await).await["data"]["full_name"],
            "Ada King",
            "nothing half-written"
        );
        let response =
            put(json!({ "full_name": "Ada L", "avatar_url": "/media/avatars/abc.jpg" })).await;
        assert_eq!(response.status(), 200);
        let data = json(response).await["data"].clone();
        assert_eq!(
            (data["full_name"].as_str(), data["avatar_url"].as_str()),
            (Some("Ada L"), Some("/media/avatars/abc.jpg"))
        );
        let response = put(json!({ "full_name": "Ada L", "avatar_url": null })).await;
        assert_eq!(response.status(), 200);
        assert_eq!(json(response).await["data"]["avatar_url"], Value::Null);

        let response = app
            .api(
                reqwest::Method::PUT,
                "/api/v1/users/me",
                Some(&access),
                Some(json!({ "full_name": 42 })),
            )
            .await;
        assert_eq!(response.status(), 400);
        assert_eq!(json(response).await["error"]["code"], "VALIDATION_ERROR");
        let response = app
            .client
            .put(app.url("/api/v1/users/me"))
            .bearer_auth(&access)
            .body("{not json")
            .header("content-type", "application/json")
            .send()
            .await
            .expect("put");
        assert_eq!(response.status(), 400);

        let response = app
            .api(
                reqwest::Method::DELETE,
                "/api/v1/users/me",
                Some(&access),
                Some(json!({ "password": "wrong one here" })),
            )
            .await;
        assert_eq!(response.status(), 400);
        let response = app
            .api(
                reqwest::Method::DELETE,
                "/api/v1/users/me",
                Some(&access),
                Some(json!({ "password": PASSWORD })),
            )
            .await;
        assert_eq!(response.status(), 200);

        // The token dies with the account, the email is free, the row is kept but scrubbed.
        let response = app
            .api(
                reqwest::Method::GET,
                "/api/v1/users/me",
                Some(&access),
                None,
            )
            .await;
        assert_eq!(response.status(), 401);
        let (email, status, name): (String, String, String) =
            sqlx::query_as("select email, status, full_name from users")
                .fetch_one(app.state.db.pool())
                .await
                .expect("row kept");
        assert_eq!(
            (email.as_str(), status.as_str(), name.as_str()),
            ("", "deleted", "")
        );
        let response = app
            .api(
                reqwest::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({ "email": "ada@example.com", "password": "a whole new account" })),
            )
            .await;
        assert_eq!(response.status(), 202);
        app.wait_for_mail("ada@example.com", "Confirm your email")
            .await;
    }
);
