//! What the end of a payment attempt does to the checkout: a failed or expired attempt
//! gives back the stock and the discount use it held (the shopper may pay again), a
//! successful one completes the checkout and empties its cart.

use crate::payments::attempts::{self, Ended, Ending, Key};
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

/// Gives back what an attempt that just ended held: its stock and its discount use.
async fn release_holds(conn: &mut AnyConnection, ended: &Ended) -> Result<(), AppError> {
    for line in attempts::lines(conn, &ended.id).await? {
        crate::inventory::service::release(conn, &line.variant_id, line.quantity).await?;
    }
    if let Some(discount_id) = &ended.discount_id {
        super::discounts::release_use(conn, discount_id, ended.discount_customer.as_deref())
            .await?;
    }
    Ok(())
}

/// Ends a pending attempt as failed (declined at the provider, or given up here) and gives
/// back its holds, in the caller's transaction. `None`: it was not pending, nothing changed.
pub async fn fail(
    conn: &mut AnyConnection,
    key: Key<'_>,
    message: &str,
) -> Result<Option<Ended>, AppError> {
    // Only a pending attempt holds anything (expiry and failure end both), so the row
    // changing here means its holds are still in place.
    let ended = attempts::end(conn, key, Ending::Failed(message)).await?;
    if let Some(ended) = &ended {
        release_holds(conn, ended).await?;
    }
    Ok(ended)
}

/// The expiry job: an attempt still pending when its hold runs out gives the stock and
/// the discount use back, and is cancelled at the provider. An attempt that succeeds
/// anyway (it was confirmed just before) still makes its order, under the late rules.
pub async fn expire(state: &AppState, payment_id: &str) -> Result<bool, AppError> {
    let mut tx = state.db.begin_write().await?;
    let ended = attempts::end(&mut tx, Key::Id(payment_id), Ending::Expired).await?;
    if let Some(ended) = &ended {
        release_holds(&mut tx, ended).await?;
    }
    tx.commit().await?;
    let expired = ended.is_some();
    if let Some(ended) = ended {
        state.cache.invalidate().await;
        if let Some(reference) = ended.reference {
            state
                .payments
                .cancel_abandoned(&ended.provider, &reference)
                .await;
        }
    }
    Ok(expired)
}

/// The attempt succeeded: its checkout is completed and its cart emptied.
pub async fn complete(conn: &mut AnyConnection, checkout_id: &str) -> Result<(), AppError> {
    sqlx::query("update checkouts set status = 'completed', updated_at = $2 where id = $1")
        .bind(checkout_id)
        .bind(crate::platform::db::now_ms())
        .execute(&mut *conn)
        .await?;
    let (cart_id,): (String,) = sqlx::query_as("select cart_id from checkouts where id = $1")
        .bind(checkout_id)
        .fetch_one(&mut *conn)
        .await?;
    crate::cart::service::clear(conn, &cart_id).await
}
