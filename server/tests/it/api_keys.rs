//! API keys: made by an admin with scopes no wider than their own, shown once and stored
//! hashed, working until revoked, with their use recorded; and the rate-limit groups of
//! the API (public per address or account, admin per key or account).

use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use app::integrations::api::{AdminApiKeys, CreateApiKey, RevokeApiKey};
use leptos::server_fn::ServerFn as _;
use reqwest::Method;

impl TestApp {
    /// An API key with `scopes`, made by the store's owner (`owner@example.com`).
    pub(crate) async fn api_key(&self, name: &str, scopes: &[&str]) -> String {
        let email = "owner@example.com";
        let owner = match app::accounts::db::by_email(&self.state.db, email)
            .await
            .expect("db")
        {
            Some(user) => user,
            None => {
                self.role_client_without_two_factor(email, "owner").await;
                app::accounts::db::by_email(&self.state.db, email)
                    .await
                    .expect("db")
                    .expect("owner")
            }
        };
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let maker = app::integrations::keys::Maker::Person(&owner);
        app::integrations::keys::create(&self.state.db, maker, name, &scopes)
            .await
            .expect("key")
            .secret
    }
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

both_backends!(
    an_admin_makes_a_scoped_key_that_works_until_revoked,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        let make = |fields: Vec<(&'static str, &'static str)>| {
            let (app, owner) = (&app, owner.clone());
            async move { app.step(&owner, CreateApiKey::PATH, &fields).await }
        };

        // Bad input is refused by field, and nothing is written.
        let none = make(vec![("name", "ERP")]).await;
        assert_eq!(
            (none.status, none.body["field"].as_str()),
            (400, Some("scopes"))
        );
        let unnamed = make(vec![("name", " "), ("scopes[0]", "orders.read")]).await;
        assert_eq!(
            (unnamed.status, unnamed.body["field"].as_str()),
            (400, Some("name"))
        );
        let unknown = make(vec![("name", "ERP"), ("scopes[0]", "orders.everything")]).await;
        assert_eq!(
            (unknown.status, unknown.body["field"].as_str()),
            (400, Some("scopes"))
        );
        assert_eq!(app.count("select count(*) from api_keys").await, 0);

        // Made: the secret is in the answer once; the database keeps a hash and a prefix.
        let made = make(vec![
            ("name", "ERP"),
            ("scopes[0]", "orders.read"),
            ("scopes[1]", "inventory.adjust"),
        ])
        .await;
        assert_eq!(made.status, 200, "{:?}", made.body);
        let secret = made.body["secret"].as_str().expect("secret").to_owned();
        assert!(secret.starts_with("oxk_") && secret.len() == 47, "{secret}");
        let id = made.body["key"]["id"].as_str().expect("id").to_owned();
        assert_eq!(
            made.body["key"]["scopes"],
            serde_json::json!(["orders.read", "inventory.adjust"])
        );
        let (prefix, hash): (String, String) =
            sqlx::query_as("select prefix, secret_hash from api_keys where id = $1")
                .bind(&id)
                .fetch_one(app.state.db.pool())
                .await
                .expect("row");
        assert_eq!(prefix, secret[..12]);
        assert!(!hash.contains(&secret[4..]) && hash.len() == 64);

        // The list never carries a secret.
        let list = app.step(&owner, AdminApiKeys::PATH, &[]).await;
        assert_eq!(list.status, 200);
        assert!(!list.body.to_string().contains(&secret[4..]));
        assert_eq!(
            list.body["keys"][0]["last_used_at"],
            serde_json::Value::Null
        );

        // Used within its scopes; refused outside them; a key has no profile.
        let orders = app
            .api(Method::GET, "/api/v1/orders", Some(&secret), None)
            .await;
        assert_eq!(orders.status(), 200);
        assert_eq!(
            header(&orders, "x-ratelimit-limit"),
            "1000",
            "the admin group"
        );
        let me = app
            .api(Method::GET, "/api/v1/users/me", Some(&secret), None)
            .await;
        assert_eq!(me.status(), 403);
        let fulfil = app
            .api(
                Method::POST,
                "/api/v1/orders/x/fulfil",
                Some(&secret),
                Some(serde_json::json!({ "carrier": "UPS", "tracking_number": "1Z" })),
            )
            .await;
        assert_eq!(fulfil.status(), 403, "orders.fulfil was not given");
        let list = app.step(&owner, AdminApiKeys::PATH, &[]).await;
        assert!(
            list.body["keys"][0]["last_used_at"].is_i64(),
            "last use shown"
        );

        // A key made with a scope its maker lacks is refused (a manager cannot grant
        // staff.manage), whatever the form says.
        app.role_client_without_two_factor("manager@example.com", "manager")
            .await;
        let manager = app::accounts::db::by_email(&app.state.db, "manager@example.com")
            .await
            .expect("db")
            .expect("manager");
        let wider = app::integrations::keys::create(
            &app.state.db,
            app::integrations::keys::Maker::Person(&manager),
            "Sneaky",
            &["orders.read".to_owned(), "staff.manage".to_owned()],
        )
        .await;
        assert!(matches!(
            wider,
            Err(app::platform::error::AppError::Validation { .. })
        ));
        // And staff without staff.manage cannot make keys at all.
        let staff = app.role_client("fulfil@example.com", "fulfilment").await;
        let refused = app
            .step(
                &staff,
                CreateApiKey::PATH,
                &[("name", "X"), ("scopes[0]", "orders.read")],
            )
            .await;
        assert_eq!(refused.status, 403);

        // Revoked: refused at once; revoking again is a conflict, an unknown key not found.
        let revoke = |id: String| {
            let (app, owner) = (&app, owner.clone());
            async move {
                app.step(&owner, RevokeApiKey::PATH, &[("id", id.as_str())])
                    .await
            }
        };
        assert!(revoke(id.clone()).await.ok());
        let after = app
            .api(Method::GET, "/api/v1/orders", Some(&secret), None)
            .await;
        assert_eq!(after.status(), 401);
        assert_eq!(json(after).await["error"]["code"], "UNAUTHORIZED");
        assert_eq!(revoke(id.clone()).await.status, 409);
        assert_eq!(revoke("nope".to_owned()).await.status, 404);
        assert_eq!(
            app.count("select count(*) from audit_log where action in ('api_key.create', 'api_key.revoke')")
                .await,
            2
        );
    }
);

both_backends!(
    the_rate_limit_groups_count_anonymous_callers_per_address_and_keys_apart,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let key = app.api_key("Feed", &["orders.read"]).await;
        let mut last = None;
        for _ in 0..100 {
            let response = app.api(Method::GET, "/api/v1/categories", None, None).await;
            assert_eq!(response.status(), 200);
            last = Some(response);
        }
        let last = last.expect("answers");
        assert_eq!(header(&last, "x-ratelimit-limit"), "100");
        assert_eq!(header(&last, "x-ratelimit-remaining"), "0");
        let reset: u64 = header(&last, "x-ratelimit-reset").parse().expect("epoch");
        assert!(reset > 1_700_000_000, "a Unix time, not seconds from now");

        let refused = app.api(Method::GET, "/api/v1/categories", None, None).await;
        assert_eq!(refused.status(), 429);
        assert!(!header(&refused, "retry-after").is_empty());
        let body = json(refused).await;
        assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
        assert!(body["error"]["retry_after"].as_u64().is_some());

        // The key has its own counter, in the admin group, from the same address.
        let keyed = app
            .api(Method::GET, "/api/v1/categories", Some(&key), None)
            .await;
        assert_eq!(keyed.status(), 200);
        assert_eq!(header(&keyed, "x-ratelimit-limit"), "1000");
        assert_eq!(header(&keyed, "x-ratelimit-remaining"), "999");
        // A wrong key is 401, counted against the address (already spent: 429 first).
        let wrong = app
            .api(
                Method::GET,
                "/api/v1/categories",
                Some("oxk_not-a-key"),
                None,
            )
            .await;
        assert_eq!(wrong.status(), 429);
    }
);

both_backends!(
    keys_and_webhook_endpoints_are_managed_over_the_api_within_the_callers_scopes,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let admin = app
            .api_key(
                "Admin bot",
                &["staff.manage", "settings.manage", "orders.read"],
            )
            .await;
        let call = |method: Method, path: String, body: Option<serde_json::Value>| {
            let (app, admin) = (&app, admin.clone());
            async move {
                let response = app.api(method, &path, Some(&admin), body).await;
                let status = response.status().as_u16();
                (status, json(response).await)
            }
        };
        let child = serde_json::json!({ "name": "Child", "scopes": ["orders.read"] });
        let (status, made) = call(Method::POST, "/api/v1/api-keys".to_owned(), Some(child)).await;
        assert_eq!(status, 201, "{made}");
        assert!(made["data"]["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("oxk_")));
        let wider = serde_json::json!({ "name": "Wider", "scopes": ["orders.refund"] });
        let (status, body) = call(Method::POST, "/api/v1/api-keys".to_owned(), Some(wider)).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("scopes"))
        );
        let (status, list) = call(Method::GET, "/api/v1/api-keys".to_owned(), None).await;
        assert_eq!(status, 200);
        let child_row = list["data"]
            .as_array()
            .and_then(|keys| keys.iter().find(|k| k["name"] == "Child").cloned())
            .expect("listed");
        assert_eq!(child_row["created_by"], "API key Admin bot");
        let path = format!("/api/v1/api-keys/{}", child_row["id"].as_str().expect("id"));
        assert_eq!(call(Method::DELETE, path.clone(), None).await.0, 200);
        assert_eq!(call(Method::DELETE, path, None).await.0, 409);
        let own = list["data"]
            .as_array()
            .and_then(|keys| keys.iter().find(|k| k["name"] == "Admin bot"))
            .and_then(|k| k["id"].as_str())
            .expect("the calling key is listed");
        let path = format!("/api/v1/api-keys/{own}");
        assert_eq!(
            call(Method::DELETE, path, None).await.0,
            409,
            "a key cannot revoke itself"
        );

        let private = serde_json::json!({ "url": "https://127.0.0.1/x", "events": ["order.paid"] });
        let (status, body) = call(Method::POST, "/api/v1/webhooks".to_owned(), Some(private)).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("url"))
        );
        let public = serde_json::json!({ "url": "https://93.184.215.14/hooks", "events": ["order.paid", "inventory.low"] });
        let (status, made) = call(Method::POST, "/api/v1/webhooks".to_owned(), Some(public)).await;
        assert_eq!(status, 201, "{made}");
        assert!(made["data"]["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_")));
        let (_, list) = call(Method::GET, "/api/v1/webhooks".to_owned(), None).await;
        assert_eq!(
            list["data"][0]["events"],
            serde_json::json!(["order.paid", "inventory.low"])
        );
        assert!(list["data"][0].get("secret").is_none(), "never listed");
        assert_eq!(
            call(Method::GET, "/api/v1/webhooks/deliveries".to_owned(), None)
                .await
                .0,
            200
        );
        assert_eq!(
            call(
                Method::POST,
                "/api/v1/webhooks/deliveries/nope/retry".to_owned(),
                None
            )
            .await
            .0,
            404
        );
        let path = format!(
            "/api/v1/webhooks/{}",
            made["data"]["endpoint"]["id"].as_str().expect("id")
        );
        assert_eq!(call(Method::DELETE, path.clone(), None).await.0, 200);
        assert_eq!(call(Method::DELETE, path, None).await.0, 404);

        let reader = app.api_key("Reader", &["orders.read"]).await;
        let refused = app
            .api(Method::GET, "/api/v1/webhooks", Some(&reader), None)
            .await;
        assert_eq!(refused.status(), 403);
    }
);
