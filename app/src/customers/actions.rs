//! What staff do to a customer: deactivate or reactivate, send a password reset, keep a
//! note, set tags. Each is audited in its transaction (entity `customer`), which also
//! puts it on the customer's timeline.

use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::jobs::{Jobs, ResetRequest, Task};
use crate::platform::state::AppState;

/// The customer's email, for an active or deactivated customer account (not staff, not
/// erased): `NotFound` otherwise.
pub(super) async fn customer_email(conn: &mut AnyConnection, id: &str) -> Result<String, AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "select email from users where id = $1 and role = 'customer' and status <> 'deleted'",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|(email,)| email)
        .ok_or_else(|| AppError::NotFound("customer".into()))
}

/// Deactivates (sign-in refused, every session and refresh token ended) or reactivates.
pub async fn set_active(
    state: &AppState,
    actor: &str,
    id: &str,
    active: bool,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    customer_email(&mut tx, id).await?;
    let status = if active { "active" } else { "deactivated" };
    sqlx::query("update users set status = $2, session_epoch = session_epoch + 1, updated_at = $3 where id = $1")
        .bind(id)
        .bind(status)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from refresh_tokens where user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let (action, summary) = if active {
        ("customer.reactivate", "Reactivated")
    } else {
        ("customer.deactivate", "Deactivated: signed out everywhere")
    };
    // No email or other personal data in audit rows: they outlive an erasure.
    let change = Change::new(action, "customer", id)
        .summary(summary)
        .after(&serde_json::json!({ "status": status }));
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Mails the customer a password-reset link (the same link as "Forgot your password?").
pub async fn send_reset(state: &AppState, actor: &str, id: &str) -> Result<String, AppError> {
    let mut tx = state.db.begin_write().await?;
    let email = customer_email(&mut tx, id).await?;
    let normalized = crate::accounts::email::Email::parse(&email)
        .map(|e| e.normalized())
        .unwrap_or_else(|_| email.to_lowercase());
    Jobs::enqueue_in(
        &mut tx,
        &Task::ResetRequest(ResetRequest { email: normalized }),
    )
    .await?;
    let change =
        Change::new("customer.password_reset", "customer", id).summary("Password reset link sent");
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    state.jobs.notify();
    Ok(email)
}

/// Keeps a staff note on the customer (1 to 2,000 characters).
pub async fn add_note(state: &AppState, actor: &str, id: &str, body: &str) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 2_000 {
        return Err(AppError::validation(
            "body",
            "write a note of 1 to 2,000 characters",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    customer_email(&mut tx, id).await?;
    sqlx::query(
        "insert into customer_notes (id, user_id, author_id, author_email, body, created_at) \
         values ($1, $2, $3, coalesce((select email from users where id = $3), \
         (select 'API key ' || name from api_keys where id = $3), ''), $4, $5)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(id)
    .bind(actor)
    .bind(body)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    // The note itself stays in `customer_notes` (erased with the customer), not here.
    let change = Change::new("customer.note", "customer", id).summary("Note added");
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Tags as typed ("vip, wholesale") → lower-case words of letters, digits, - and _.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, AppError> {
    let mut tags: Vec<String> = raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect();
    tags.sort();
    tags.dedup();
    let bad = tags.iter().find(|t| {
        t.chars().count() > 30
            || !t
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    if let Some(bad) = bad {
        return Err(AppError::validation(
            "tags",
            format!("“{bad}” is not a tag: use letters, digits, - or _ (up to 30)"),
        ));
    }
    if tags.len() > 20 {
        return Err(AppError::validation("tags", "at most 20 tags"));
    }
    Ok(tags)
}

/// Replaces the tags; `version` is the customer's `updated_at` when the page was opened,
/// so two staff editing at once do not silently overwrite each other.
pub async fn set_tags(
    state: &AppState,
    actor: &str,
    id: &str,
    raw: &str,
    version: i64,
) -> Result<(), AppError> {
    let tags = parse_tags(raw)?.join(" ");
    let mut tx = state.db.begin_write().await?;
    customer_email(&mut tx, id).await?;
    let (before,): (String,) = sqlx::query_as("select tags from users where id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let now = now_ms().max(version.saturating_add(1));
    let done = sqlx::query(
        "update users set tags = $2, updated_at = $3 where id = $1 and updated_at = $4",
    )
    .bind(id)
    .bind(&tags)
    .bind(now)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "this customer changed since you opened the page; reload to see the change".into(),
        ));
    }
    let change = Change::new("customer.tags", "customer", id)
        .summary(format!(
            "Tags: {}",
            if tags.is_empty() { "none" } else { &tags }
        ))
        .before(&serde_json::json!({ "tags": before }))
        .after(&serde_json::json!({ "tags": tags }));
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_tags;

    #[test]
    fn tags_are_tidied_and_odd_ones_refused() {
        assert_eq!(
            parse_tags("VIP, wholesale  vip").expect("tags"),
            vec!["vip", "wholesale"]
        );
        assert!(parse_tags("<script>").is_err());
        assert!(parse_tags("").expect("none").is_empty());
    }
}
