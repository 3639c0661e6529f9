//! A local server shaped like Stripe's API (PaymentIntents — created, read, cancelled —
//! and refunds; idempotency keys honoured), an app wired to it, and webhooks signed the
//! way Stripe signs them.

use crate::helpers::{TestApp, TestDb};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const SECRET: &str = "whsec_oxcart_test";

#[derive(Default)]
pub struct Fake {
    /// PaymentIntents by id: (amount, currency, status).
    pub intents: HashMap<String, (i64, String, String)>,
    /// Idempotency key → the object first made with it.
    pub by_key: HashMap<String, Value>,
    /// Every create request: (path, idempotency key, authorization).
    pub requests: Vec<(String, Option<String>, Option<String>)>,
    pub refunds: Vec<(String, i64)>,
    /// PaymentIntents cancelled, in order.
    pub cancelled: Vec<String>,
}

pub type Shared = Arc<Mutex<Fake>>;

pub fn intent(id: &str, amount: i64, currency: &str, status: &str) -> Value {
    json!({
        "id": id, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
        "amount_received": if status == "succeeded" { amount } else { 0 },
        "automatic_payment_methods": { "enabled": true }, "capture_method": "automatic",
        "client_secret": format!("{id}_secret_x"), "confirmation_method": "automatic",
        "created": 1_700_000_000, "currency": currency, "livemode": false, "metadata": {},
        "payment_method_types": ["card"], "status": status,
    })
}

fn key_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn create_intent(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Json<Value> {
    let mut fake = fake.lock().expect("fake");
    let key = key_of(&headers);
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    fake.requests
        .push(("/v1/payment_intents".into(), key.clone(), auth));
    if let Some(seen) = key.as_ref().and_then(|k| fake.by_key.get(k)) {
        return Json(seen.clone());
    }
    let id = format!("pi_{}", fake.intents.len() + 1);
    let amount: i64 = form
        .get("amount")
        .and_then(|a| a.parse().ok())
        .unwrap_or(-1);
    let currency = form.get("currency").cloned().unwrap_or_default();
    fake.intents.insert(
        id.clone(),
        (amount, currency.clone(), "requires_payment_method".into()),
    );
    let body = intent(&id, amount, &currency, "requires_payment_method");
    if let Some(key) = key {
        fake.by_key.insert(key, body.clone());
    }
    Json(body)
}

async fn get_intent(State(fake): State<Shared>, Path(id): Path<String>) -> Json<Value> {
    let fake = fake.lock().expect("fake");
    let (amount, currency, status) =
        fake.intents
            .get(&id)
            .cloned()
            .unwrap_or((0, "usd".into(), "canceled".into()));
    Json(intent(&id, amount, &currency, &status))
}

async fn create_refund(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Json<Value> {
    let mut fake = fake.lock().expect("fake");
    let key = key_of(&headers);
    fake.requests
        .push(("/v1/refunds".into(), key.clone(), None));
    if let Some(seen) = key.as_ref().and_then(|k| fake.by_key.get(k)) {
        return Json(seen.clone());
    }
    let pi = form.get("payment_intent").cloned().unwrap_or_default();
    let amount: i64 = form.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    fake.refunds.push((pi.clone(), amount));
    let body = json!({
        "id": format!("re_{}", fake.refunds.len()), "object": "refund", "amount": amount,
        "created": 1_700_000_000, "currency": "usd", "payment_intent": pi, "status": "succeeded", "metadata": {},
    });
    if let Some(key) = key {
        fake.by_key.insert(key, body.clone());
    }
    Json(body)
}

async fn cancel_intent(State(fake): State<Shared>, Path(id): Path<String>) -> Json<Value> {
    let mut fake = fake.lock().expect("fake");
    fake.cancelled.push(id.clone());
    let entry = fake
        .intents
        .entry(id.clone())
        .or_insert((0, "usd".into(), "canceled".into()));
    entry.2 = "canceled".into();
    let (amount, currency, status) = entry.clone();
    Json(intent(&id, amount, &currency, &status))
}

/// Starts the fake Stripe; returns its base URL and state.
pub async fn fake_stripe() -> (String, Shared) {
    let fake: Shared = Arc::default();
    let router = Router::new()
        .route("/v1/payment_intents", post(create_intent))
        .route("/v1/payment_intents/{id}", get(get_intent))
        .route("/v1/payment_intents/{id}/cancel", post(cancel_intent))
        .route("/v1/refunds", post(create_refund))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), fake)
}

pub async fn stripe_app(backend: crate::helpers::Backend) -> (TestDb, TestApp, Shared) {
    let db = TestDb::fresh(backend).await;
    let (base, fake) = fake_stripe().await;
    let app = TestApp::spawn(
        &db,
        &[
            ("STRIPE_SECRET_KEY", "sk_test_oxcart"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_test_oxcart"),
            ("STRIPE_WEBHOOK_SECRET", SECRET),
            ("STRIPE_API_BASE", &base),
        ],
    )
    .await;
    app.rates().await;
    (db, app, fake)
}

pub fn event(id: &str, kind: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(
        &json!({ "id": id, "object": "event", "type": kind, "data": { "object": object } }),
    )
    .expect("json")
}

pub fn now() -> i64 {
    app::platform::db::now_ms() / 1000
}

impl TestApp {
    pub async fn webhook(&self, body: &[u8], signature: Option<String>) -> (u16, Value) {
        let mut request = self
            .browser()
            .post(self.url("/webhooks/stripe"))
            .body(body.to_vec());
        if let Some(sig) = signature {
            request = request.header("stripe-signature", sig);
        }
        let response = request.send().await.expect("webhook");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Delivers `body` signed as Stripe would, each delivery with a timestamp of its own
    /// (Stripe signs every redelivery anew): one second after the last delivery's, never
    /// earlier than 200 s ago, so all stay within the 300 s tolerance and none repeats.
    pub async fn signed(&self, body: &[u8]) -> (u16, Value) {
        static LAST: Mutex<i64> = Mutex::new(0);
        let t = {
            let mut last = LAST.lock().expect("clock");
            *last = (*last + 1).max(now() - 200);
            *last
        };
        let header = app::payments::webhook::sign(SECRET.as_bytes(), t, body);
        self.webhook(body, Some(header)).await
    }

    /// A shopper with `variant` in the cart who pressed "Pay": the PaymentIntent's id.
    pub async fn stripe_checkout(&self, variant: &str, email: &str) -> (reqwest::Client, String) {
        let shopper = self.browser();
        assert!(self.add(&shopper, variant, "1").await.ok());
        self.ready_to_pay(&shopper, email).await;
        let started = self.start_payment(&shopper).await;
        assert!(started.ok(), "start: {}", started.body);
        let (reference,): (String,) = sqlx::query_as(
            "select reference from payments where email = $1 and status = 'pending'",
        )
        .bind(email)
        .fetch_one(self.state.db.pool())
        .await
        .expect("a payment with a PaymentIntent");
        (shopper, reference)
    }

    pub async fn confirmation_mails(&self) -> usize {
        self.delivered_mails("confirmed").await
    }
}
