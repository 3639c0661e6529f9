//! Browser security and abuse limits: cross-site posts, security headers, rate limits.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{json, new_client, service_url, TestApp, TestDb};
use app::accounts::api::Login;
use leptos::server_fn::ServerFn as _;
use sha2::Digest as _;

both_backends!(
    state_changing_requests_from_another_site_are_refused,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let post = |headers: &'static [(&'static str, &'static str)]| {
            let mut request = app
                .client
                .post(app.url(Login::PATH))
                .header("accept", "application/json")
                .form(&[("email", "a@example.com"), ("password", "whatever it is")]);
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            request.send()
        };
        for headers in [
            &[("origin", "https://evil.example")][..],
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ][..],
            &[("sec-fetch-site", "same-site")][..],
            &[("origin", "null")][..],
        ] {
            let response = post(headers).await.expect("post");
            assert_eq!(response.status(), 403, "{headers:?}");
            let body = json(response).await;
            assert_eq!(body["error"]["code"], "FORBIDDEN");
        }
        // The same request from the store's own pages goes through (and fails on its merits).
        let own_origin = format!("http://{}", app.addr);
        let response = app
            .client
            .post(app.url(Login::PATH))
            .header("accept", "application/json")
            .header("origin", own_origin)
            .form(&[("email", "a@example.com"), ("password", "whatever it is")])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 401);
        let response = post(&[("sec-fetch-site", "same-origin")])
            .await
            .expect("post");
        assert_eq!(response.status(), 401);
    }
);

both_backends!(
    pages_carry_the_security_headers_and_allow_only_their_own_scripts,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        for path in ["/account/login", "/products"] {
            let response = app.get_page(path).await;
            assert_eq!(response.status(), 200);
            let headers = response.headers().clone();
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["x-frame-options"], "DENY");
            assert_eq!(
                headers["referrer-policy"],
                "strict-origin-when-cross-origin"
            );
            assert!(headers.contains_key("permissions-policy"));
            assert!(
                !headers.contains_key("strict-transport-security"),
                "plain http"
            );
            let csp = headers["content-security-policy"]
                .to_str()
                .expect("ascii")
                .to_owned();
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
            // Inline scripts run by hash: the boot script and the page's data, no other.
            let html = response.text().await.expect("html");
            let scripts: Vec<&str> = html
                .split("<script")
                .skip(1)
                .filter(|s| !s.starts_with(" type=\"application/ld+json\""))
                .filter_map(|s| {
                    s.split_once('>')
                        .filter(|(attrs, _)| !attrs.contains("src="))
                })
                .filter_map(|(_, rest)| rest.split_once("</script>").map(|(body, _)| body))
                .collect();
            assert!(scripts.len() >= 2, "{path}: boot script and data");
            for script in &scripts {
                let hash = data_encoding::BASE64.encode(&sha2::Sha256::digest(script.as_bytes()));
                assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
            }
            assert_eq!(
                csp.matches("'sha256-").count(),
                scripts.len(),
                "{path}: {csp}"
            );
            assert!(
                !csp.contains("'unsafe-inline'") && !csp.contains("'nonce-"),
                "{csp}"
            );
            assert!(
                !html.contains("nonce"),
                "{path}: no nonce is left in the page"
            );
        }

        let https = TestApp::spawn(&db, &[("OXCART_PUBLIC_URL", "https://shop.example.com")]).await;
        let response = https.get("/health").await;
        assert!(response.headers()["strict-transport-security"]
            .to_str()
            .expect("ascii")
            .contains("max-age="));
    }
);

/// An address no other test (nor an earlier run: Redis keeps counters) has used.
fn fresh_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::new_v4().simple())
}

async fn ip_limit_holds(app: &TestApp) {
    let client = new_client();
    for i in 1..=10u32 {
        let email = fresh_email("user");
        let response = app.login_with(&client, &email, "not the password").await;
        assert_eq!(response.status(), 401, "attempt {i}");
        assert_eq!(response.headers()["x-ratelimit-limit"], "10");
        assert_eq!(
            response.headers()["x-ratelimit-remaining"],
            (10 - i).to_string().as_str()
        );
        assert!(response.headers().contains_key("x-ratelimit-reset"));
    }
    let response = app
        .login_with(&client, &fresh_email("a"), "not the password")
        .await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(json(response).await["code"], "RATE_LIMIT_EXCEEDED");

    // The REST API shares the counter and answers in the envelope.
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": &fresh_email("a"), "password": PASSWORD }))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 429);
    let body = json(response).await;
    assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
    assert!(body["error"]["retry_after"].as_u64().expect("retry_after") >= 1);

    // Another address is not affected.
    let other = new_client();
    let response = app
        .login_with(&other, &fresh_email("b"), "not the password")
        .await;
    assert_eq!(response.status(), 401);
}

both_backends!(
    sign_in_attempts_are_limited_per_address,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        ip_limit_holds(&app).await;
    }
);

both_backends!(
    the_limit_is_shared_through_redis_by_every_instance,
    |backend| async move {
        let Some(redis) = service_url("TEST_REDIS_URL") else {
            return;
        };
        let db = TestDb::fresh(backend).await;
        let one = TestApp::spawn(&db, &[("REDIS_URL", &redis)]).await;
        let two = TestApp::spawn(&db, &[("REDIS_URL", &redis)]).await;
        ip_limit_holds(&one).await;
        let client = new_client();
        for _ in 0..5 {
            one.login_with(&client, &fresh_email("one"), "wrong").await;
            two.login_with(&client, &fresh_email("two"), "wrong").await;
        }
        let response = two
            .login_with(&client, &fresh_email("three"), "wrong")
            .await;
        assert_eq!(
            response.status(),
            429,
            "ten hits across two instances use up the limit"
        );
    }
);

both_backends!(
    repeated_failures_slow_down_one_account_whether_or_not_it_exists,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        for email in ["ada@example.com", "ghost@example.com"] {
            for _ in 0..5 {
                let response = app
                    .login_with(&new_client(), email, "wrong password!")
                    .await;
                assert_eq!(response.status(), 401);
            }
            let response = app
                .login_with(&new_client(), email, "wrong password!")
                .await;
            assert_eq!(response.status(), 429, "{email}");
        }
        // Even the right password waits now: the attacker learns nothing from trying it.
        let response = app
            .login_with(&new_client(), "ada@example.com", PASSWORD)
            .await;
        assert_eq!(response.status(), 429);
    }
);
