//! Payments behind one interface. [`Provider`] creates a payment for an amount and
//! refunds it; the outcome arrives as a provider event (Stripe's webhook, or the test
//! provider's card step) and goes through `orders::transition`, the one place an order
//! is made. Stripe when `STRIPE_SECRET_KEY` is set, else the offline [`test`] provider.

pub mod model;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod test;

pub use model::*;

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::platform::error::AppError;
    use std::sync::Arc;

    /// What a provider returns for a new payment.
    #[derive(Debug, Clone)]
    pub struct Created {
        /// The provider's id (a PaymentIntent id): the key of every later event.
        pub reference: String,
        /// Handed to the browser to confirm the payment (Stripe's Payment Element).
        pub client_secret: Option<String>,
    }

    /// A payment provider. Every call carries an idempotency key, so a retried request
    /// (a timeout, a crash between call and commit) cannot charge or refund twice.
    #[async_trait::async_trait]
    pub trait Provider: Send + Sync + std::fmt::Debug {
        /// "stripe" or "test": stored with each payment.
        fn name(&self) -> &'static str;
        async fn create(
            &self,
            amount: i64,
            currency: &str,
            idempotency_key: &str,
            payment_id: &str,
        ) -> Result<Created, AppError>;
        /// Refunds `amount` of the payment `reference`; returns the refund's id.
        async fn refund(
            &self,
            reference: &str,
            amount: i64,
            idempotency_key: &str,
        ) -> Result<String, AppError>;
        /// Asks the provider for the state of a payment (the shopper's return).
        async fn status(&self, reference: &str) -> Result<RemoteStatus, AppError>;
        /// Cancels a payment given up here (changed, replaced or expired), so it can no
        /// longer be confirmed from a pay page still open somewhere.
        async fn cancel(&self, reference: &str) -> Result<(), AppError>;
    }

    /// A payment's state at the provider.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum RemoteStatus {
        /// Captured: how much, in which currency (ISO code, any case).
        Succeeded {
            amount: i64,
            currency: String,
        },
        Failed {
            message: String,
        },
        Pending,
    }

    /// The configured provider and what the browser needs to talk to it.
    #[derive(Clone, Debug)]
    pub struct Payments {
        pub provider: Arc<dyn Provider>,
        /// `STRIPE_PUBLISHABLE_KEY`, for Stripe.js.
        pub publishable_key: Option<String>,
        /// `STRIPE_WEBHOOK_SECRET`: verifies `Stripe-Signature`.
        pub webhook_secret: Option<Vec<u8>>,
    }

    impl Payments {
        pub fn test() -> Self {
            Self {
                provider: Arc::new(super::test::TestProvider),
                publishable_key: None,
                webhook_secret: None,
            }
        }

        /// Cancels a payment given up here at the provider that made it, if that is the
        /// configured one. Best effort: a failure is logged, and a payment that still
        /// succeeds is handled as a late success (`orders::transition`).
        pub async fn cancel_abandoned(&self, provider: &str, reference: &str) {
            if provider != self.provider.name() || reference.starts_with("free_") {
                return;
            }
            match self.provider.cancel(reference).await {
                Ok(()) => tracing::info!(reference, "payment cancelled at the provider"),
                Err(err) => {
                    tracing::warn!(reference, error = %err, "could not cancel a payment at the provider")
                }
            }
        }

        pub fn info(&self) -> super::ProviderInfo {
            super::ProviderInfo {
                test_mode: self.provider.name() == super::test::NAME,
                publishable_key: self.publishable_key.clone(),
            }
        }
    }
}
