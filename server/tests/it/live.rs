//! The live feed (`/ws/notifications`) on both engines: no
//! socket without a valid session or token, a cross-site page refused, channels a
//! customer may not read refused, a new order reaching staff, a shipped order reaching
//! its customer, catch-up after a reconnect, rate and size bounds, and two instances
//! (through Redis, else PostgreSQL's NOTIFY) delivering one event to both.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{service_url, session_cookie, TestApp, TestDb};
use app::orders::api::OrderAction;
use futures_util::{SinkExt as _, StreamExt as _};
use leptos::server_fn::ServerFn as _;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest as _, Message};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    /// An access token for the account `email` (as the REST login would give).
    async fn token_for(&self, email: &str) -> String {
        let user = app::accounts::db::by_email(&self.state.db, email)
            .await
            .expect("db")
            .expect("user");
        app::accounts::jwt::issue_access(&self.state, &user).expect("token")
    }

    async fn socket(&self, token: &str) -> Socket {
        let url = format!("ws://{}/ws/notifications?token={token}", self.addr);
        tokio_tungstenite::connect_async(url)
            .await
            .expect("socket")
            .0
    }

    /// The HTTP status a refused upgrade answered.
    async fn refused(&self, query: &str, headers: &[(&'static str, &str)]) -> u16 {
        let mut request = format!("ws://{}/ws/notifications{query}", self.addr)
            .into_client_request()
            .expect("request");
        for (k, v) in headers {
            request.headers_mut().insert(*k, v.parse().expect("header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok(_) => 101,
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                response.status().as_u16()
            }
            Err(other) => panic!("{other}"),
        }
    }
}

async fn say(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .expect("send");
}

/// The next JSON message (pings skipped), or None after `wait`.
async fn next(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??
            .ok()?;
        match message {
            Message::Text(text) => return serde_json::from_str(&text).ok(),
            Message::Close(frame) => {
                return Some(json!({"type": "closed", "code": frame.map(|f| u16::from(f.code))}))
            }
            _ => continue,
        }
    }
}

/// The next notification on `channel` within 10 s.
async fn notification(socket: &mut Socket, channel: &str) -> Value {
    loop {
        let message = next(socket, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("nothing on {channel}"));
        if message["type"] == "notification" && message["channel"] == channel {
            return message;
        }
    }
}

async fn subscribe(socket: &mut Socket, channels: &[&str], since: Option<i64>) -> Vec<Value> {
    say(
        socket,
        json!({"type": "subscribe", "channels": channels, "since": since}),
    )
    .await;
    let mut said = Vec::new();
    loop {
        let message = next(socket, Duration::from_secs(5))
            .await
            .expect("an answer");
        let done = message["type"] == "subscribed";
        said.push(message);
        if done {
            return said;
        }
    }
}

both_backends!(
    the_feed_reaches_staff_and_each_customer_only_their_own,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let lamp = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
        let manager = app.staff_client("manager@example.com").await;
        app.verified_user("ada@example.com").await;
        app.verified_user("eve@example.com").await;
        let (ada, eve) = (
            app.token_for("ada@example.com").await,
            app.token_for("eve@example.com").await,
        );
        let ada_id = app::accounts::db::by_email(&app.state.db, "ada@example.com")
            .await
            .expect("db")
            .expect("ada")
            .id;

        // No session or token, a bad token, a page of another site: no socket.
        assert_eq!(app.refused("", &[]).await, 401);
        assert_eq!(app.refused("?token=not-a-token", &[]).await, 401);
        let shopper = app.browser();
        let login = app.login_with(&shopper, "eve@example.com", PASSWORD).await;
        let (cookie, _) = session_cookie(&login).expect("session cookie");
        assert_eq!(
            app.refused(
                "",
                &[("cookie", &cookie), ("origin", "https://evil.example")]
            )
            .await,
            403
        );
        let own = format!("http://{}", app.addr);
        assert_eq!(
            app.refused("", &[("cookie", &cookie), ("origin", &own)])
                .await,
            101,
            "the site's own page"
        );

        // A customer may read their own channel only.
        let mut eve_socket = app.socket(&eve).await;
        let said = subscribe(
            &mut eve_socket,
            &[&format!("user.{ada_id}"), "orders", "nonsense"],
            None,
        )
        .await;
        assert_eq!(
            said.iter().filter(|m| m["type"] == "error").count(),
            3,
            "{said:?}"
        );
        assert_eq!(said.last().expect("subscribed")["channels"], json!([]));
        let mut ada_socket = app.socket(&ada).await;
        let said = subscribe(&mut ada_socket, &[&format!("user.{ada_id}")], None).await;
        assert_eq!(
            said,
            vec![json!({"type": "subscribed", "channels": [format!("user.{ada_id}")]})]
        );
        say(&mut ada_socket, json!({"type": "ping"})).await;
        assert_eq!(
            next(&mut ada_socket, Duration::from_secs(5)).await,
            Some(json!({"type": "pong"}))
        );

        let staff_token = app.token_for("manager@example.com").await;
        let mut staff_socket = app.socket(&staff_token).await;
        subscribe(&mut staff_socket, &["orders", "payments", "stock"], None).await;

        // Ada orders: staff hear of it at once, Eve hears nothing.
        let ada_browser = app.browser();
        app.login_with(&ada_browser, "ada@example.com", PASSWORD)
            .await;
        assert!(app.add(&ada_browser, &lamp[0], "1").await.ok());
        app.ready_to_pay(&ada_browser, "ada@example.com").await;
        assert!(app.start_payment(&ada_browser).await.ok());
        assert!(app.pay(&ada_browser, "4242424242424242").await.ok());
        let placed = notification(&mut staff_socket, "orders").await;
        let order_id = placed["data"]["order_id"]
            .as_str()
            .expect("order id")
            .to_owned();
        assert_eq!(placed["data"]["kind"], "placed");
        assert_eq!(placed["data"]["total"], "$45.00");
        assert!(placed["data"]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("New order #")));
        assert_eq!(
            notification(&mut staff_socket, "payments").await["data"]["kind"],
            "paid"
        );

        // Staff ship it: Ada's page hears "Shipped".
        let shipped = app
            .step(
                &manager,
                OrderAction::PATH,
                &[
                    ("id", &order_id),
                    ("action", "fulfil"),
                    ("carrier", "UPS"),
                    ("tracking_number", "1Z"),
                ],
            )
            .await;
        assert!(shipped.ok(), "{}", shipped.body);
        let status = notification(&mut ada_socket, &format!("user.{ada_id}")).await;
        assert_eq!(
            (
                status["data"]["status"].as_str(),
                status["data"]["status_label"].as_str()
            ),
            (Some("fulfilled"), Some("Shipped"))
        );
        assert_eq!(
            next(&mut eve_socket, Duration::from_millis(500)).await,
            None,
            "Eve heard nothing"
        );

        // A socket that reconnects asks for what it missed.
        drop(ada_socket);
        let mut again = app.socket(&ada).await;
        let said = subscribe(&mut again, &[&format!("user.{ada_id}")], Some(0)).await;
        assert!(said.last().is_some_and(|m| m["type"] == "subscribed"));
        let missed = notification(&mut again, &format!("user.{ada_id}")).await;
        assert_eq!(missed["data"]["status"], "fulfilled");

        // Bounds: an oversized message, and a flood, close the socket.
        say(
            &mut again,
            json!({"type": "ping", "pad": "x".repeat(8 * 1024)}),
        )
        .await;
        let closed = next(&mut again, Duration::from_secs(5)).await;
        assert!(
            closed.is_none() || closed.as_ref().is_some_and(|m| m["type"] == "closed"),
            "{closed:?}"
        );
        let mut flood = app.socket(&ada).await;
        for _ in 0..40 {
            if flood
                .send(Message::Text(r#"{"type":"ping"}"#.into()))
                .await
                .is_err()
            {
                break;
            }
        }
        let mut code = None;
        while let Some(message) = next(&mut flood, Duration::from_secs(5)).await {
            if message["type"] == "closed" {
                code = message["code"].as_u64();
                break;
            }
        }
        assert_eq!(code, Some(1008), "closed for too many messages");
    }
);

both_backends!(
    two_instances_deliver_one_event_to_subscribers_of_both,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let redis = service_url("TEST_REDIS_URL");
        let extra: Vec<(&str, &str)> = redis.iter().map(|u| ("REDIS_URL", u.as_str())).collect();
        let one = TestApp::spawn(&db, &extra).await;
        let elsewhere = tempfile::tempdir().expect("another data dir");
        let dir = elsewhere.path().display().to_string();
        let mut extra_two = extra.clone();
        extra_two.push(("OXCART_DATA_DIR", &dir));
        let two = TestApp::spawn(&db, &extra_two).await;
        one.rates().await;
        let lamp = one.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
        one.staff_client("manager@example.com").await;
        let token = one.token_for("manager@example.com").await;
        let (mut a, mut b) = (one.socket(&token).await, two.socket(&token).await);
        subscribe(&mut a, &["orders"], None).await;
        subscribe(&mut b, &["orders"], None).await;

        one.bought(&lamp[0], "1", "guest@example.com").await;
        let (on_one, on_two) = (
            notification(&mut a, "orders").await,
            notification(&mut b, "orders").await,
        );
        assert_eq!(on_one, on_two, "the same event, numbered once");
        assert_eq!(
            next(&mut b, Duration::from_millis(800))
                .await
                .filter(|m| m["channel"] == "orders"),
            None,
            "once only"
        );
    }
);
