//! Stripe webhooks: `Stripe-Signature` checked the way Stripe signs (HMAC-SHA256 of
//! `"{t}.{body}"` with the endpoint secret, `t` within 300 s), a signed request sent
//! twice refused as a replay (400), each event handled once (its id is recorded in the
//! same transaction as its effect; Stripe's redeliveries, newly signed, answer 200
//! "duplicate"), and the three events that
//! matter routed to the order transitions
//! (`orders::transition::apply_event`). A delivery that cannot be applied yet (a
//! refund of an order that does not exist yet) fails without recording the event, so
//! Stripe delivers it again.

use super::attempts::Paid;
use super::deliveries::{Effect, Outcome, TOLERANCE_S};
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use hmac::{Hmac, Mac as _};
use serde::Deserialize;
use sha2::Sha256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature is older than {TOLERANCE_S} s")]
    TooOld,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header Stripe would send for `body` at `timestamp` (tests and the fake Stripe).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let sig = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", data_encoding::HEXLOWER.encode(&sig))
}

/// Checks `header` against `body` at `now` (unix seconds).
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.push(sig),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_S {
        return Err(SignatureError::TooOld);
    }
    let matches = signatures.iter().any(|sig| {
        data_encoding::HEXLOWER
            .decode(sig.as_bytes())
            .is_ok_and(|bytes| mac(secret, timestamp, body).verify_slice(&bytes).is_ok())
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: serde_json::Value,
}

/// Verifies and applies one delivery.
pub async fn receive(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Outcome, AppError> {
    let secret = state
        .payments
        .webhook_secret
        .as_deref()
        .ok_or_else(|| AppError::Validation {
            field: None,
            message: "webhooks are not configured (STRIPE_WEBHOOK_SECRET)".into(),
        })?;
    let now = crate::platform::db::now_ms() / 1000;
    verify(secret, signature, body, now).map_err(|e| AppError::Validation {
        field: Some("Stripe-Signature".into()),
        message: e.to_string(),
    })?;
    let event: Event = serde_json::from_slice(body)
        .map_err(|_| AppError::validation("body", "not a Stripe event"))?;
    let object = &event.data.object;
    let text = |key: &str| object.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let number = |key: &str| object.get(key).and_then(serde_json::Value::as_i64);
    let effect = match event.kind.as_str() {
        "payment_intent.succeeded" => Effect::Succeeded {
            reference: text("id").ok_or_else(|| AppError::validation("body", "no payment id"))?,
            paid: Paid {
                amount: number("amount_received")
                    .or_else(|| number("amount"))
                    .unwrap_or(0),
                currency: text("currency"),
            },
        },
        "payment_intent.payment_failed" => Effect::Failed {
            reference: text("id").ok_or_else(|| AppError::validation("body", "no payment id"))?,
            message: object
                .pointer("/last_payment_error/message")
                .and_then(|v| v.as_str())
                .unwrap_or("The payment failed.")
                .to_owned(),
        },
        "charge.refunded" => Effect::Refunded {
            reference: text("payment_intent")
                .ok_or_else(|| AppError::validation("body", "no payment intent"))?,
            amount_refunded: number("amount_refunded").unwrap_or(0),
        },
        _ => return Ok(Outcome::Ignored),
    };
    let signature = signature.unwrap_or_default();
    crate::orders::transition::apply_event(
        state,
        crate::platform::payments::stripe::NAME,
        signature,
        &event.id,
        &event.kind,
        effect,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn a_stripe_style_signature_verifies_within_tolerance() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(SECRET, 1_000, body);
        assert_eq!(verify(SECRET, Some(&header), body, 1_000), Ok(()));
        assert_eq!(verify(SECRET, Some(&header), body, 1_300), Ok(()));
        assert_eq!(
            verify(SECRET, Some(&header), body, 1_301),
            Err(SignatureError::TooOld)
        );
        assert_eq!(
            verify(b"other", Some(&header), body, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some(&header), b"{}", 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, None, body, 1_000),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(SECRET, Some("v1=abc"), body, 1_000),
            Err(SignatureError::Malformed)
        );
        // Stripe may send several v1 signatures (secret rotation): one match is enough.
        let rotated = format!("{header},v1=00ff");
        let rotated = rotated.replacen("v1=", "v1=deadbeef,v1=", 1);
        assert_eq!(verify(SECRET, Some(&rotated), body, 1_000), Ok(()));
    }
}
