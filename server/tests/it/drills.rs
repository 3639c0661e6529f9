//! Failure drills: Redis of its own (a `redis-server` this test starts on a free port)
//! stops while the shop serves, and comes back. Catalog pages keep answering, a sign-in
//! answers 503 with the envelope (never 500), `/ready` says which dependency is down, and
//! everything recovers when Redis returns — without restarting Oxcart.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{eventually, free_port, json, service_url, TestApp, TestDb};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `redis-server` on `port`, keeping nothing on disk.
fn redis_on(port: u16) -> Child {
    Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server (Debian's redis-server package) starts")
}

/// Redis' reconnection backs off: allow it time.
const WITHIN: Duration = Duration::from_secs(20);

both_backends!(
    the_shop_survives_redis_stopping_and_recovers_when_it_returns,
    |backend| async move {
        // The shared Redis is other tests' too: this drill brings its own (CI has the binary).
        if service_url("TEST_REDIS_URL").is_none() {
            return;
        }
        let port = free_port();
        let mut redis = redis_on(port);
        crate::helpers::wait_for_port(port, "redis-server").await;
        let url = format!("redis://127.0.0.1:{port}");
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[("REDIS_URL", &url)]).await;
        app.stocked("Brass lamp", &[("LAMP", "40.00", 5)]).await;
        app.verified_user("ada@example.com").await;
        assert_eq!(app.get_page("/products/brass-lamp").await.status(), 200);

        redis.kill().expect("stop redis");
        redis.wait().expect("redis stopped");
        let sign_in = async || {
            app.login_with(&app.browser(), "ada@example.com", PASSWORD)
                .await
        };
        eventually("/ready reports Redis down", WITHIN, async || {
            let ready = app.get("/ready").await;
            ready.status() == 503 && json(ready).await["error"]["details"]["redis"] == "unavailable"
        })
        .await;
        // The catalog is read from the database; the pages do not need Redis.
        assert_eq!(app.get_page("/products/brass-lamp").await.status(), 200);
        assert_eq!(app.get_page("/products").await.status(), 200);
        // The REST API counts every call against its group's limit, which lives in Redis:
        // it refuses (503, the envelope) rather than serve uncounted.
        let api = app.get("/api/v1/products/brass-lamp").await;
        assert_eq!(api.status(), 503);
        assert_eq!(json(api).await["error"]["code"], "SERVICE_UNAVAILABLE");
        // A sign-in needs its session store and its limiter: 503 with the envelope.
        let refused = sign_in().await;
        assert_eq!(refused.status(), 503, "{:?}", refused.text().await);
        let api = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": "ada@example.com", "password": PASSWORD }))
            .send()
            .await
            .expect("POST");
        assert_eq!(api.status(), 503);
        let body = json(api).await;
        assert_eq!(body["status"], "error");
        assert_eq!(body["error"]["code"], "SERVICE_UNAVAILABLE");

        // Redis returns on the same address: Oxcart reconnects by itself.
        let mut redis = redis_on(port);
        eventually("sign-in works again", WITHIN, async || {
            sign_in().await.status().is_success()
        })
        .await;
        assert_eq!(app.get("/ready").await.status(), 200);
        redis.kill().expect("stop redis");
        let _ = redis.wait();
    }
);
