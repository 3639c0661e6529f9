//! The offline test provider, used when `STRIPE_SECRET_KEY` is unset: no network, no
//! money. A payment is confirmed on the labelled test card step (4242 4242 4242 4242
//! succeeds, 4000 0000 0000 0002 declines), which feeds the same order transition as a
//! Stripe webhook.

use super::{Created, Provider, RemoteStatus};
use crate::platform::error::AppError;

pub const NAME: &str = "test";

#[derive(Debug, Clone, Copy)]
pub struct TestProvider;

#[async_trait::async_trait]
impl Provider for TestProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn create(
        &self,
        _amount: i64,
        _currency: &str,
        _idempotency_key: &str,
        payment_id: &str,
    ) -> Result<Created, AppError> {
        // One reference per payment: a retried create gives the same answer.
        Ok(Created {
            reference: format!("test_{payment_id}"),
            client_secret: None,
        })
    }

    async fn refund(
        &self,
        reference: &str,
        _amount: i64,
        idempotency_key: &str,
    ) -> Result<String, AppError> {
        Ok(format!("test_refund_{reference}_{idempotency_key}"))
    }

    async fn status(&self, _reference: &str) -> Result<RemoteStatus, AppError> {
        // The test card step reports its outcome itself.
        Ok(RemoteStatus::Pending)
    }

    async fn cancel(&self, _reference: &str) -> Result<(), AppError> {
        // Nothing to cancel: a test payment is only ever paid on this server's card step,
        // which pays pending payments only.
        Ok(())
    }
}
