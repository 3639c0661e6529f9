//! The customer's data rights: everything held about them as one JSON file, and erasure.
//! Erasure scrubs the account (`accounts::db::scrub`: email, name, password, addresses,
//! tokens), the staff notes and tags, the mail log, and the name, email and street of
//! their orders, checkouts and payments. The orders stay for the books: numbers, lines,
//! amounts, and the country and region that their tax was charged for.

use super::actions::customer_email;
use crate::accounts::model::AddressInput;
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use crate::platform::state::AppState;
use serde_json::{json, Value};

/// What an erased customer's orders say instead of their name.
pub const ERASED_NAME: &str = "Erased customer";

async fn rows_as_json(
    conn: &mut AnyConnection,
    sql: &str,
    id: &str,
    columns: &[&str],
) -> Result<Vec<Value>, AppError> {
    use sqlx::Row as _;
    let rows = sqlx::query(sql).bind(id).fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut object = serde_json::Map::new();
            for (i, name) in columns.iter().enumerate() {
                let value = row
                    .try_get::<Option<String>, _>(i)
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .or_else(|_| {
                        row.try_get::<Option<i64>, _>(i)
                            .map(|v| v.map_or(Value::Null, Value::from))
                    })
                    .unwrap_or(Value::Null);
                object.insert((*name).to_owned(), value);
            }
            Value::Object(object)
        })
        .collect())
}

/// Everything held about the customer, as one JSON document (audited).
pub async fn export(state: &AppState, actor: &str, id: &str) -> Result<String, AppError> {
    let mut tx = state.db.begin_write().await?;
    let email = customer_email(&mut tx, id).await?;
    let profile = rows_as_json(
        &mut tx,
        "select id, email, full_name, status, email_verified_at, tags, created_at, updated_at from users where id = $1",
        id,
        &["id", "email", "full_name", "status", "email_verified_at", "tags", "created_at", "updated_at"],
    )
    .await?;
    let addresses = rows_as_json(
        &mut tx,
        "select full_name, company, line1, line2, city, region, postal_code, country, phone from addresses where user_id = $1",
        id,
        &["full_name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone"],
    )
    .await?;
    let mut orders = rows_as_json(
        &mut tx,
        "select id, number, email, status, payment_status, currency, subtotal, discount, shipping, tax, total, \
         refunded, shipping_name, address, created_at from orders where user_id = $1 order by created_at",
        id,
        &["id", "number", "email", "status", "payment_status", "currency", "subtotal", "discount", "shipping", "tax", "total", "refunded", "shipping_name", "address", "created_at"],
    )
    .await?;
    for order in &mut orders {
        let order_id = order["id"].as_str().unwrap_or_default().to_owned();
        order["lines"] = Value::from(
            rows_as_json(
                &mut tx,
                "select sku, product_name, variant_title, unit_price, quantity from order_lines where order_id = $1 order by position",
                &order_id,
                &["sku", "product_name", "variant_title", "unit_price", "quantity"],
            )
            .await?,
        );
    }
    let notes = rows_as_json(
        &mut tx,
        "select author_email, body, created_at from customer_notes where user_id = $1 order by created_at",
        id,
        &["author", "body", "created_at"],
    )
    .await?;
    let mails = rows_as_json(
        &mut tx,
        "select subject, sent_at from mail_log where to_address = $1 order by sent_at",
        &email.to_lowercase(),
        &["subject", "sent_at"],
    )
    .await?;
    let document = json!({
        "exported_at": now_ms(),
        "profile": profile.into_iter().next(),
        "addresses": addresses,
        "orders": orders,
        "staff_notes": notes,
        "mails_sent": mails,
    });
    record(
        &mut tx,
        Some(actor),
        Change::new("customer.export", "customer", id).summary("Personal data exported"),
    )
    .await?;
    tx.commit().await?;
    serde_json::to_string_pretty(&document).map_err(|e| AppError::Internal(e.into()))
}

/// The address kept on an erased customer's order: only what the books need.
fn scrubbed_address(stored: &str) -> String {
    let kept = serde_json::from_str::<AddressInput>(stored).unwrap_or_default();
    let address = AddressInput {
        full_name: ERASED_NAME.to_owned(),
        country: kept.country,
        region: kept.region,
        ..AddressInput::default()
    };
    serde_json::to_string(&address).unwrap_or_default()
}

/// Erases the customer. Refused while an order of theirs is paid but not yet shipped
/// (ship or cancel it first: the parcel needs the address).
pub async fn erase(state: &AppState, actor: &str, id: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let email = customer_email(&mut tx, id).await?;
    let (open,): (i64,) =
        sqlx::query_as("select count(*) from orders where user_id = $1 and status = 'paid'")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if open > 0 {
        return Err(AppError::Conflict(format!(
            "{open} order(s) of this customer are not shipped yet; ship or cancel them first"
        )));
    }
    let (avatar,): (Option<String>,) = sqlx::query_as("select avatar from users where id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    crate::accounts::db::scrub(&mut tx, id).await?;
    let now = now_ms();
    sqlx::query("update users set tags = '', erased_at = $2 where id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let placeholder = format!("erased-{}@erased.invalid", id.to_lowercase());
    let lower = email.to_lowercase();
    for table in ["orders", "payments"] {
        let rows: Vec<(String, String)> = sqlx::query_as(&format!(
            "select id, address from {table} where user_id = $1 or lower(email) = $2"
        ))
        .bind(id)
        .bind(&lower)
        .fetch_all(&mut *tx)
        .await?;
        for (row_id, address) in rows {
            sqlx::query(&format!(
                "update {table} set email = $2, shipping_name = $3, address = $4 where id = $1"
            ))
            .bind(&row_id)
            .bind(&placeholder)
            .bind(ERASED_NAME)
            .bind(scrubbed_address(&address))
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query(
        "update checkouts set email = $2, address = '' where user_id = $1 or lower(email) = $3",
    )
    .bind(id)
    .bind(&placeholder)
    .bind(&lower)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from customer_notes where user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Before the log is cleared: a mail being sent right now either logged already (and
    // goes below) or finds its job cancelled and logs nothing.
    crate::platform::jobs::Jobs::cancel_mail_to(&mut tx, &lower).await?;
    sqlx::query("delete from mail_log where to_address = $1")
        .bind(&lower)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        Some(actor),
        Change::new("customer.erase", "customer", id)
            .summary("Personal data erased; orders kept for the books"),
    )
    .await?;
    tx.commit().await?;
    crate::accounts::avatar::remove_file(state, avatar).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erased_address_keeps_only_the_country_and_region() {
        let stored = serde_json::to_string(&AddressInput {
            full_name: "Ada Lovelace".into(),
            line1: "12 St James's Square".into(),
            city: "London".into(),
            region: "LND".into(),
            postal_code: "SW1Y 4JH".into(),
            country: "GB".into(),
            phone: "+44 20 7946 0000".into(),
            ..AddressInput::default()
        })
        .expect("json");
        let scrubbed = scrubbed_address(&stored);
        for personal in ["Ada", "James", "London", "SW1Y", "7946"] {
            assert!(!scrubbed.contains(personal), "{scrubbed}");
        }
        assert!(scrubbed.contains("GB") && scrubbed.contains(ERASED_NAME));
    }
}
