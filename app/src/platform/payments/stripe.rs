//! Stripe through async-stripe: a PaymentIntent per payment attempt (confirmed in the
//! browser by the Payment Element, so card data never reaches this server), refunds, and
//! the PaymentIntent's status for the shopper's return, and cancelling a PaymentIntent
//! given up here (changed checkout, replaced attempt, expired hold). Every create and refund carries
//! an idempotency key (the payment's or the refund's id), so a retried call is answered
//! with the first result instead of charging or refunding twice.

use super::{Created, Provider, RemoteStatus};
use crate::platform::error::AppError;
use std::collections::HashMap;
use std::time::Duration;
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest as _};
use stripe_core::payment_intent::{
    CancelPaymentIntent, CancelPaymentIntentCancellationReason, CreatePaymentIntent,
    CreatePaymentIntentAutomaticPaymentMethods, RetrievePaymentIntent,
};
use stripe_core::refund::CreateRefund;

pub const NAME: &str = "stripe";

pub struct StripeProvider {
    client: Result<stripe::Client, String>,
}

impl std::fmt::Debug for StripeProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StripeProvider")
    }
}

impl StripeProvider {
    /// `api_base`: another address for the API (`STRIPE_API_BASE`, a local fake in tests).
    pub fn new(secret_key: &str, api_base: Option<&str>) -> Self {
        let mut builder = stripe::ClientBuilder::new(secret_key).timeout(Duration::from_secs(20));
        if let Some(base) = api_base {
            builder = builder.url(base.trim_end_matches('/'));
        }
        Self {
            client: builder.build().map_err(|e| e.to_string()),
        }
    }

    fn client(&self) -> Result<&stripe::Client, AppError> {
        self.client.as_ref().map_err(|e| {
            AppError::Internal(anyhow::anyhow!("the Stripe client could not be built: {e}"))
        })
    }
}

fn key(raw: &str) -> Result<RequestStrategy, AppError> {
    IdempotencyKey::new(raw)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("idempotency key: {e}")))
}

/// A Stripe failure, as the shopper or staff should read it.
fn failed(err: stripe::StripeError) -> AppError {
    match err {
        stripe::StripeError::Stripe(api, status) if status < 500 => {
            tracing::warn!(status, error = ?api, "Stripe refused a request");
            AppError::Conflict(
                api.message
                    .unwrap_or_else(|| "The payment provider refused the request.".to_owned()),
            )
        }
        other => {
            tracing::error!(error = %other, "Stripe unavailable");
            AppError::Unavailable("the payment provider".into())
        }
    }
}

#[async_trait::async_trait]
impl Provider for StripeProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn create(
        &self,
        amount: i64,
        currency: &str,
        idempotency_key: &str,
        payment_id: &str,
    ) -> Result<Created, AppError> {
        let currency: stripe_types::Currency =
            currency.to_ascii_lowercase().parse().map_err(|_| {
                AppError::Internal(anyhow::anyhow!("currency {currency} unknown to Stripe"))
            })?;
        let intent = CreatePaymentIntent::new(amount, currency)
            .automatic_payment_methods(CreatePaymentIntentAutomaticPaymentMethods::new(true))
            .metadata(HashMap::from([(
                "oxcart_payment".to_owned(),
                payment_id.to_owned(),
            )]))
            .customize()
            .request_strategy(key(idempotency_key)?)
            .send(self.client()?)
            .await
            .map_err(failed)?;
        Ok(Created {
            reference: intent.id.as_str().to_owned(),
            client_secret: intent.client_secret,
        })
    }

    async fn refund(
        &self,
        reference: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<String, AppError> {
        let refund = CreateRefund::new()
            .payment_intent(reference)
            .amount(amount)
            .customize()
            .request_strategy(key(idempotency_key)?)
            .send(self.client()?)
            .await
            .map_err(failed)?;
        Ok(refund.id.as_str().to_owned())
    }

    async fn status(&self, reference: &str) -> Result<RemoteStatus, AppError> {
        let intent = RetrievePaymentIntent::new(reference)
            .send(self.client()?)
            .await
            .map_err(failed)?;
        use stripe_shared::PaymentIntentStatus as S;
        Ok(match intent.status {
            S::Succeeded => RemoteStatus::Succeeded {
                amount: intent.amount_received,
                currency: intent.currency.to_string(),
            },
            S::Canceled => RemoteStatus::Failed {
                message: "The payment was cancelled.".into(),
            },
            S::RequiresPaymentMethod if intent.last_payment_error.is_some() => {
                RemoteStatus::Failed {
                    message: intent
                        .last_payment_error
                        .and_then(|e| e.message)
                        .unwrap_or_else(|| "The payment failed. Try another card.".into()),
                }
            }
            _ => RemoteStatus::Pending,
        })
    }

    async fn cancel(&self, reference: &str) -> Result<(), AppError> {
        CancelPaymentIntent::new(reference)
            .cancellation_reason(CancelPaymentIntentCancellationReason::Abandoned)
            .send(self.client()?)
            .await
            .map_err(failed)?;
        Ok(())
    }
}
