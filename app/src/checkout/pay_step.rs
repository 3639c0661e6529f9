//! The pay step: the offline provider's card step and the shopper's return from Stripe,
//! both ending in `orders::transition`. A payment is paid here only while the checkout still
//! has its fingerprint; a changed checkout cancels it instead.

use super::pending::{abandon, CHANGED};
use super::service::{price, CHECKOUT};
use crate::orders::transition;
use crate::payments::attempts::{self, Attempt, Paid};
use crate::payments::AttemptStatus;
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use tower_sessions::Session;

/// The session's payment in progress, and its provider reference.
async fn pending_payment(
    state: &AppState,
    session: &Session,
) -> Result<(Attempt, String), AppError> {
    let Some(checkout) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(AppError::from)?
    else {
        return Err(AppError::Conflict(
            "There is no payment in progress.".into(),
        ));
    };
    let row =
        attempts::latest_of_checkout(&state.db, &checkout, Some(AttemptStatus::Pending)).await?;
    match row {
        Some(attempt) if attempt.reference.is_some() => {
            let reference = attempt.reference.clone().unwrap_or_default();
            Ok((attempt, reference))
        }
        _ => Err(AppError::Conflict(
            "There is no payment in progress; review your order and pay again.".into(),
        )),
    }
}

/// The offline provider's card step. Returns the new order's id.
pub async fn pay_test(state: &AppState, session: &Session, card: &str) -> Result<String, AppError> {
    use crate::platform::payments::{card_digits, TEST_CARD_DECLINED, TEST_CARD_OK};
    if state.payments.provider.name() != crate::platform::payments::test::NAME {
        return Err(AppError::Forbidden);
    }
    let digits = card_digits(card);
    if digits != TEST_CARD_OK && digits != TEST_CARD_DECLINED {
        return Err(AppError::validation(
            "card",
            "this is the test payment step: use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined)",
        ));
    }
    let (attempt, reference) = pending_payment(state, session).await?;
    // What the pay page showed is what is paid: a draft changed since (another tab, a
    // price changed by staff) cancels the payment instead.
    if price(state, session).await?.fingerprint() != attempt.fingerprint {
        abandon(state, &attempt.id, CHANGED).await?;
        return Err(AppError::Conflict(CHANGED.into()));
    }
    let provider = crate::platform::payments::test::NAME;
    if digits == TEST_CARD_OK {
        let paid = Paid {
            amount: attempt.total,
            currency: Some(attempt.currency),
        };
        transition::payment_succeeded(state, provider, &reference, paid).await
    } else {
        let message = "Your card was declined. Try another card.";
        transition::payment_failed(state, provider, &reference, message).await?;
        Err(AppError::validation("card", message))
    }
}

/// The shopper is back from the provider (Stripe's return URL): asks the provider and, if
/// the payment succeeded, goes through the same transition as the webhook. Returns the
/// order's id, or `None` if the payment is still processing.
pub async fn complete_return(
    state: &AppState,
    session: &Session,
    reference: &str,
) -> Result<Option<String>, AppError> {
    let Some(checkout) = session
        .get::<String>(CHECKOUT)
        .await
        .map_err(AppError::from)?
    else {
        return Err(AppError::NotFound("payment".into()));
    };
    if attempts::of_checkout_by_reference(&state.db, &checkout, reference)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("payment".into()));
    }
    let provider = state.payments.provider.name();
    match state.payments.provider.status(reference).await? {
        crate::platform::payments::RemoteStatus::Succeeded { amount, currency } => {
            let paid = Paid {
                amount,
                currency: Some(currency),
            };
            Ok(Some(
                transition::payment_succeeded(state, provider, reference, paid).await?,
            ))
        }
        crate::platform::payments::RemoteStatus::Failed { message } => {
            transition::payment_failed(state, provider, reference, &message).await?;
            Err(AppError::validation("card", message))
        }
        crate::platform::payments::RemoteStatus::Pending => Ok(None),
    }
}
