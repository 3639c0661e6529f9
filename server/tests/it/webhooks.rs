//! Outgoing webhooks against a real receiver that checks every signature with the
//! official `standardwebhooks` package: events in order, retries with the same id, a
//! redirect not followed, an endpoint turned off after its schedule ran out (owners
//! mailed), "send again"; and the SSRF refusals when private targets are not allowed.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::integrations::webhook_api::{AddWebhook, WebhookAction};
use leptos::server_fn::ServerFn as _;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python receiver (`webhook_receiver.py`) on a free port, logging to a folder.
struct Receiver {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Receiver {
    async fn start(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/webhook_receiver.py");
        let child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "python3 runs the receiver (scripts/bootstrap.sh --test installs standardwebhooks)",
            );
        crate::helpers::wait_for_port(port, "the webhook receiver").await;
        Self {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    fn set(&self, file: &str, value: &str) {
        std::fs::write(self.dir.join(file), value).expect("write");
    }

    fn log(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    /// Waits until the log has `n` entries.
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let log = self.log();
            if log.len() >= n {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} deliveries arrived: {log:?}",
                log.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn add(
    app: &TestApp,
    owner: &reqwest::Client,
    url: &str,
    events: &[&str],
) -> crate::buying_helpers::Answer {
    let names: Vec<String> = (0..events.len()).map(|i| format!("events[{i}]")).collect();
    let mut fields = vec![("url", url), ("description", "ERP")];
    fields.extend(names.iter().map(String::as_str).zip(events.iter().copied()));
    app.step(owner, AddWebhook::PATH, &fields).await
}

/// The newest delivery of `event` once its status is `status` (the receiver logs a request
/// before the app has recorded the answer), or as it is after 20 s.
async fn delivery(app: &TestApp, event: &str, status: &str) -> (String, String, i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found: (String, String, i64) = sqlx::query_as(
            "select id, status, attempts from webhook_outbox where event = $1 order by created_at desc limit 1",
        )
        .bind(event)
        .fetch_one(app.state.db.pool())
        .await
        .expect("delivery");
        if found.1 == status || Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

both_backends!(
    signed_deliveries_arrive_in_order_are_retried_and_an_endpoint_gives_up,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let vars = [
            ("OXCART_WEBHOOKS_ALLOW_PRIVATE", "true"),
            ("OXCART_WEBHOOK_RETRY_UNIT_MS", "5"),
        ];
        let app = TestApp::spawn(&db, &vars).await;
        let folder = tempfile::tempdir().expect("tempdir");
        let receiver = Receiver::start(folder.path()).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        let url = format!("http://127.0.0.1:{}/hooks", receiver.port);
        let made = add(
            &app,
            &owner,
            &url,
            &[
                "order.created",
                "order.paid",
                "order.fulfilled",
                "order.cancelled",
            ],
        )
        .await;
        assert_eq!(made.status, 200, "{:?}", made.body);
        let secret = made.body["secret"].as_str().expect("secret");
        assert!(secret.starts_with("whsec_"));
        receiver.set("secret", secret);

        // A purchase and its fulfilment: three events, in order, each verified.
        app.rates().await;
        let ids = app.stocked("Cup", &[("CUP-1", "10.00", 20)]).await;
        let order = app.bought(&ids[0], "1", "ann@example.com").await;
        let key = app
            .api_key("Warehouse", &["orders.fulfil", "orders.refund"])
            .await;
        let ship = json!({ "carrier": "UPS", "tracking_number": "1Z" });
        let shipped = app
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/orders/{order}/fulfil"),
                Some(&key),
                Some(ship),
            )
            .await;
        assert_eq!(shipped.status(), 200);
        let log = receiver.wait_for(3).await;
        let events: Vec<&str> = log
            .iter()
            .map(|e| e["event"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(events, ["order.created", "order.paid", "order.fulfilled"]);
        assert!(log.iter().all(|e| e["verified"] == true), "{log:?}");
        assert!(log
            .iter()
            .all(|e| e["data"]["id"] == order.as_str() && e["data"]["token"].is_null()));
        assert_eq!(log[2]["data"]["status"], "fulfilled");
        let mut ids_seen: Vec<&str> = log.iter().filter_map(|e| e["id"].as_str()).collect();
        ids_seen.dedup();
        assert_eq!(ids_seen.len(), 3, "one webhook-id per message");

        // Two failures, then delivered: three attempts, one webhook-id.
        let second = app.bought(&ids[0], "1", "bob@example.com").await;
        receiver.wait_for(5).await;
        receiver.set("fail", "2");
        let path = format!("/api/v1/orders/{second}/fulfil");
        let ship = json!({ "carrier": "UPS", "tracking_number": "1Z2" });
        let shipped = app
            .api(reqwest::Method::POST, &path, Some(&key), Some(ship))
            .await;
        assert_eq!(shipped.status(), 200);
        let log = receiver.wait_for(8).await;
        let tries: Vec<&Value> = log[5..8].iter().collect();
        assert!(
            tries
                .iter()
                .all(|e| e["id"] == log[5]["id"] && e["event"] == "order.fulfilled"),
            "{log:?}"
        );
        let answers: Vec<i64> = tries
            .iter()
            .filter_map(|e| e["answered"].as_i64())
            .collect();
        assert_eq!(answers, [500, 500, 200]);
        let (_, status, attempts) = delivery(&app, "order.fulfilled", "delivered").await;
        assert_eq!((status.as_str(), attempts), ("delivered", 3));

        // Failing for the whole schedule: the endpoint is turned off and the owner mailed.
        let third = app.bought(&ids[0], "1", "cy@example.com").await;
        receiver.wait_for(10).await;
        receiver.set("fail", "1000");
        let cancelled = app
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/orders/{third}/cancel"),
                Some(&key),
                Some(json!({})),
            )
            .await;
        assert_eq!(cancelled.status(), 200);
        receiver.wait_for(10 + 10).await;
        let (id, status, attempts) = delivery(&app, "order.cancelled", "failed").await;
        assert_eq!((status.as_str(), attempts), ("failed", 10));
        let (enabled, reason): (i64, Option<String>) =
            sqlx::query_as("select enabled, disabled_reason from webhook_endpoints")
                .fetch_one(app.state.db.pool())
                .await
                .expect("endpoint");
        assert_eq!(enabled, 0);
        assert!(reason.unwrap_or_default().contains("answered 500"));
        app.wait_for_mail("owner@example.com", "Webhook deliveries stopped")
            .await;

        // Turned back on, the failed delivery is sent again with its id.
        receiver.set("fail", "0");
        let endpoint: (String,) = sqlx::query_as("select id from webhook_endpoints")
            .fetch_one(app.state.db.pool())
            .await
            .expect("id");
        let act = |id: String, action: &'static str| {
            let (app, owner) = (&app, owner.clone());
            async move {
                app.step(
                    &owner,
                    WebhookAction::PATH,
                    &[("id", id.as_str()), ("action", action)],
                )
                .await
            }
        };
        assert!(act(endpoint.0.clone(), "enable").await.ok());
        assert!(act(id.clone(), "resend").await.ok());
        let log = receiver.wait_for(21).await;
        assert_eq!(
            (log[20]["id"].as_str(), log[20]["answered"].as_i64()),
            (Some(id.as_str()), Some(200))
        );
        assert!(log.iter().all(|e| e["verified"] == true));
        assert_eq!(act("nope".to_owned(), "resend").await.status, 404);
        assert_eq!(act(endpoint.0, "explode").await.status, 400);
    }
);

both_backends!(
    redirects_are_not_followed_and_private_targets_are_refused,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        for url in [
            "http://93.184.215.14/hooks",
            "https://127.0.0.1/hooks",
            "https://localhost/hooks",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.8/hooks",
            "https://[::1]/hooks",
            "https://[::ffff:192.168.1.1]/hooks",
            "https://user:pass@93.184.215.14/hooks",
            "not a url",
        ] {
            let refused = add(&app, &owner, url, &["order.paid"]).await;
            assert_eq!(
                (refused.status, refused.body["field"].as_str()),
                (400, Some("url")),
                "{url}"
            );
        }
        let none = add(&app, &owner, "https://93.184.215.14/hooks", &[]).await;
        assert_eq!(
            (none.status, none.body["field"].as_str()),
            (400, Some("events"))
        );
        let unknown = add(
            &app,
            &owner,
            "https://93.184.215.14/hooks",
            &["order.exploded"],
        )
        .await;
        assert_eq!(
            (unknown.status, unknown.body["field"].as_str()),
            (400, Some("events"))
        );
        assert_eq!(app.count("select count(*) from webhook_endpoints").await, 0);
        let public = add(&app, &owner, "https://93.184.215.14/hooks", &["order.paid"]).await;
        assert_eq!(
            public.status, 200,
            "a public address is accepted: {:?}",
            public.body
        );

        // With private targets allowed (a receiver here), a redirect is a failure, never followed.
        let local = TestApp::spawn(
            &db,
            &[
                ("OXCART_WEBHOOKS_ALLOW_PRIVATE", "true"),
                ("OXCART_WEBHOOK_RETRY_UNIT_MS", "60000"),
            ],
        )
        .await;
        let folder = tempfile::tempdir().expect("tempdir");
        let receiver = Receiver::start(folder.path()).await;
        let owner = local.role_client("owner2@example.com", "owner").await;
        let made = add(
            &local,
            &owner,
            &format!("http://127.0.0.1:{}/redirect", receiver.port),
            &["product.updated"],
        )
        .await;
        receiver.set("secret", made.body["secret"].as_str().expect("secret"));
        local.stocked("Jug", &[("JUG-1", "12.00", 3)]).await;
        let log = receiver.wait_for(1).await;
        assert_eq!(
            (log[0]["path"].as_str(), log[0]["answered"].as_i64()),
            (Some("/redirect"), Some(302))
        );
        assert_eq!(log[0]["event"], "product.updated");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(receiver.log().len(), 1, "the redirect was not followed");
        let (_, status, attempts) = delivery(&local, "product.updated", "pending").await;
        assert_eq!((status.as_str(), attempts), ("pending", 1), "retried later");
    }
);
