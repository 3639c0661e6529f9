//! Provider events, each applied once: the signed requests seen (a second arrival of the
//! same signed request is a replay) and the event ids applied (Stripe's redeliveries,
//! newly signed, are duplicates). Both are recorded in the transaction that applies the
//! event's effect, so an effect that cannot be applied yet leaves no trace and the
//! provider delivers it again.

use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;

/// How old a signature may be.
pub const TOLERANCE_S: i64 = 300;

/// What a provider event does to a payment attempt.
#[derive(Debug, Clone)]
pub enum Effect {
    Succeeded {
        reference: String,
        paid: super::attempts::Paid,
    },
    Failed {
        reference: String,
        message: String,
    },
    /// The provider's total refunded so far for the payment.
    Refunded {
        reference: String,
        amount_refunded: i64,
    },
}

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    Duplicate,
    Ignored,
}

/// Whether a delivery's event is new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Apply its effect in this transaction.
    Fresh,
    /// Applied before: commit (the signature stays recorded) and change nothing.
    Duplicate,
}

/// Records one delivery of event `event_id` signed `signature`. A signature seen before is
/// refused as a replay (and the caller's transaction should end without a commit).
pub async fn record(
    conn: &mut AnyConnection,
    provider: &str,
    signature: &str,
    event_id: &str,
    kind: &str,
) -> Result<Delivery, AppError> {
    // A signature is only valid for TOLERANCE_S, so older ones need not be kept.
    let now = now_ms();
    sqlx::query("delete from webhook_deliveries where received_at < $1")
        .bind(now - 2 * TOLERANCE_S * 1000)
        .execute(&mut *conn)
        .await?;
    let first = sqlx::query(
        "insert into webhook_deliveries (signature, received_at) values ($1, $2) \
         on conflict (signature) do nothing",
    )
    .bind(signature)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !first {
        return Err(AppError::Validation {
            field: Some("Stripe-Signature".into()),
            message: "this signed request was received before (a replay)".into(),
        });
    }
    let fresh = sqlx::query(
        "insert into webhook_events (id, kind, received_at) values ($1, $2, $3) \
         on conflict (id) do nothing",
    )
    .bind(format!("{provider}:{event_id}"))
    .bind(kind)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    Ok(if fresh {
        Delivery::Fresh
    } else {
        Delivery::Duplicate
    })
}
