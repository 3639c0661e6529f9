//! Sending webhooks: one attempt per job ([`attempt`]), signed as Standard Webhooks has it
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "id.timestamp.body">` with the endpoint's `whsec_` key). A 2xx answer delivers; anything
//! else (a redirect included: none is followed) schedules the next attempt — after 1, 5,
//! 15, 30 minutes, 1, 2, 4, 8, 8 hours, about a day in all — and the last failure turns
//! the endpoint off and mails the store's owners. The connection goes to the address
//! `webhooks::resolve_target` checked, never to a second lookup.

use super::model::DeliveryView;
use super::webhooks::resolve_target;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use crate::platform::jobs::{DeliverWebhook, Jobs, Task};
use crate::platform::state::AppState;
use hmac::{Hmac, Mac as _};
use std::time::Duration;

/// Minutes (in units of `OXCART_WEBHOOK_RETRY_UNIT_MS`) to wait after each failed attempt.
const SCHEDULE: [u64; 9] = [1, 5, 15, 30, 60, 120, 240, 480, 480];
/// How much of a receiver's answer the log keeps.
const EXCERPT: usize = 500;

/// `v1,<signature>` of `body` sent as message `id` at `timestamp` (Unix seconds).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, AppError> {
    let key = data_encoding::BASE64
        .decode(secret.trim_start_matches("whsec_").as_bytes())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("a webhook secret is not base64: {e}")))?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("webhook key: {e}")))?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        data_encoding::BASE64.encode(&mac.finalize().into_bytes())
    ))
}

/// What one attempt got: the answer's status and the start of its body, or why there was
/// no answer.
type Outcome = Result<(u16, String), String>;

async fn send(state: &AppState, url: &str, secret: &str, id: &str, body: &str) -> Outcome {
    let url = url::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
    let allow_private = state.config.webhooks.allow_private;
    let target = resolve_target(&url, allow_private)
        .await
        .map_err(|e| e.to_string())?;
    let mut client = reqwest_tls::Client::builder()
        .redirect(reqwest_tls::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .user_agent("Oxcart-Webhooks/1");
    if let Some(url::Host::Domain(name)) = url.host() {
        client = client.resolve(name, target);
    }
    let client = client.build().map_err(|e| format!("client: {e}"))?;
    let timestamp = now_ms() / 1000;
    let signature = sign(secret, id, timestamp, body).map_err(|e| e.to_string())?;
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let mut excerpt = Vec::new();
    while excerpt.len() < EXCERPT {
        match response.chunk().await {
            Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
            _ => break,
        }
    }
    excerpt.truncate(EXCERPT);
    Ok((status, String::from_utf8_lossy(&excerpt).into_owned()))
}

#[derive(sqlx::FromRow)]
struct Due {
    attempts: i64,
    endpoint_id: String,
    url: String,
    secret: String,
    enabled: i64,
    body: String,
}

/// One attempt at delivery `id`, recorded; the next one scheduled if it failed. Errors
/// are the database's only (the job is then retried).
pub async fn attempt(state: &AppState, id: &str) -> Result<(), AppError> {
    // Claimed by counting the attempt: a second worker holding the same delivery (a send
    // again racing a scheduled retry) finds nothing pending at this count.
    let due: Option<Due> = sqlx::query_as(
        "update webhook_outbox set attempts = attempts + 1, next_attempt_at = null, updated_at = $2 \
         where id = $1 and status = 'pending' and next_attempt_at <= $2 \
         returning attempts, endpoint_id, \
           coalesce((select url from webhook_endpoints e where e.id = endpoint_id), '') as url, \
           coalesce((select secret from webhook_endpoints e where e.id = endpoint_id), '') as secret, \
           coalesce((select enabled from webhook_endpoints e where e.id = endpoint_id), 0) as enabled, body",
    )
    .bind(id)
    .bind(now_ms())
    .fetch_optional(state.db.pool())
    .await?;
    let Some(due) = due else {
        return Ok(());
    };
    let outcome = if due.enabled == 1 {
        send(state, &due.url, &due.secret, id, &due.body).await
    } else {
        Err("the endpoint is turned off".to_owned())
    };
    record(state, id, &due, outcome).await
}

async fn record(state: &AppState, id: &str, due: &Due, outcome: Outcome) -> Result<(), AppError> {
    let now = now_ms();
    let (status, excerpt, error) = match &outcome {
        Ok((status, excerpt)) => (Some(i64::from(*status)), excerpt.clone(), None),
        Err(error) => (None, String::new(), Some(error.clone())),
    };
    let delivered = matches!(outcome, Ok((200..=299, _)));
    let error = error.or_else(|| (!delivered).then(|| format!("answered {}", status.unwrap_or(0))));
    let step = usize::try_from(due.attempts - 1).unwrap_or(usize::MAX);
    let retry_at = SCHEDULE
        .get(step)
        .filter(|_| !delivered && due.enabled == 1)
        .map(|minutes| {
            let wait = minutes.saturating_mul(state.config.webhooks.retry_unit_ms);
            now + i64::try_from(wait).unwrap_or(i64::MAX / 2)
        });
    let new_status = match (delivered, retry_at) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "update webhook_outbox set status = $2, response_status = $3, response_excerpt = $4, \
         last_error = $5, next_attempt_at = $6, updated_at = $7, \
         delivered_at = case when $2 = 'delivered' then $7 else delivered_at end where id = $1",
    )
    .bind(id)
    .bind(new_status)
    .bind(status)
    .bind(&excerpt)
    .bind(&error)
    .bind(retry_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some(at) = retry_at {
        let task = Task::DeliverWebhook(DeliverWebhook {
            delivery_id: id.to_owned(),
        });
        Jobs::enqueue_at_in(&mut tx, &task, at).await?;
    } else if new_status == "failed" && due.enabled == 1 {
        give_up(state, &mut tx, due, error.as_deref().unwrap_or_default()).await?;
    }
    tx.commit().await?;
    tracing::info!(
        delivery = id,
        status = new_status,
        attempt = due.attempts,
        "webhook attempt"
    );
    Ok(())
}

/// A delivery failed for a day: the endpoint is turned off (its later events are not
/// queued) and the owners are told.
async fn give_up(
    state: &AppState,
    conn: &mut crate::platform::db::AnyConnection,
    due: &Due,
    error: &str,
) -> Result<(), AppError> {
    let reason: String = format!("deliveries failed for a day; last: {error}")
        .chars()
        .take(300)
        .collect();
    sqlx::query("update webhook_endpoints set enabled = 0, disabled_reason = $2, updated_at = $3 where id = $1")
        .bind(&due.endpoint_id)
        .bind(&reason)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    let owners: Vec<(String,)> =
        sqlx::query_as("select email from users where role = 'admin' and status = 'active'")
            .fetch_all(&mut *conn)
            .await?;
    let store = crate::settings::db::store_name_in(conn).await?;
    let link = crate::accounts::service::link(state, "/admin/settings/webhooks");
    for (email,) in owners {
        let mail = super::mail::endpoint_disabled(&store, &email, &due.url, &reason, &link);
        Jobs::enqueue_in(conn, &Task::SendMail(mail)).await?;
    }
    tracing::warn!(endpoint = %due.endpoint_id, "webhook endpoint turned off after a day of failures");
    Ok(())
}

/// Sends a delivery again now (staff's "send again"), with a fresh schedule; the same
/// `webhook-id`, so a receiver that had it already can tell.
pub async fn send_again(state: &AppState, actor: &str, id: &str) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "update webhook_outbox set status = 'pending', attempts = 0, next_attempt_at = $2, updated_at = $2 \
         where id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("webhook delivery".into()));
    }
    let task = Task::DeliverWebhook(DeliverWebhook {
        delivery_id: id.to_owned(),
    });
    Jobs::enqueue_in(&mut tx, &task).await?;
    let change = crate::audit::log::Change::new("webhook.resend", "webhook_delivery", id)
        .summary("Sent a webhook again");
    crate::audit::log::record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    state.jobs.notify();
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LogRow {
    id: String,
    endpoint_url: Option<String>,
    event: String,
    status: String,
    attempts: i64,
    next_attempt_at: Option<i64>,
    response_status: Option<i64>,
    response_excerpt: String,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// The newest deliveries (all endpoints), newest first.
pub async fn log(db: &Db, limit: u32) -> Result<Vec<DeliveryView>, AppError> {
    let rows: Vec<LogRow> = sqlx::query_as(&format!(
        "select d.id, e.url as endpoint_url, d.event, d.status, d.attempts, d.next_attempt_at, \
           d.response_status, d.response_excerpt, d.last_error, d.created_at, d.updated_at \
         from webhook_outbox d left join webhook_endpoints e on e.id = d.endpoint_id \
         order by d.created_at desc, d.id desc limit {limit}"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DeliveryView {
            id: r.id,
            endpoint_url: r.endpoint_url.unwrap_or_default(),
            event: r.event,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            response_status: r.response_status,
            response_excerpt: r.response_excerpt,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signed =
            super::sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).expect("sign");
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
