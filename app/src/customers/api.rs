//! Server functions of the customer pages.

use super::model::{CustomerDetail, CustomerList};
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// One page of the list; `query` is the page's query string (see `filter`).
#[server]
pub async fn admin_customers(query: String) -> Result<CustomerList, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::CustomersRead).await?;
    let filter = crate::customers::filter::CustomerFilter::from_query(&query)?;
    Ok(crate::customers::read::list(&state.db, &filter).await?)
}

#[server]
pub async fn admin_customer(id: String) -> Result<CustomerDetail, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::CustomersRead).await?;
    Ok(crate::customers::read::detail(&state, &id).await?)
}

/// `deactivate`, `reactivate` or `reset` (mail a password-reset link); back to the page.
#[server]
pub async fn customer_action(id: String, action: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    use crate::customers::actions;
    let result = async {
        let (state, user) = allowed(Permission::CustomersWrite).await?;
        match action.as_str() {
            "deactivate" => actions::set_active(&state, &user.id, &id, false).await,
            "reactivate" => actions::set_active(&state, &user.id, &id, true).await,
            "reset" => actions::send_reset(&state, &user.id, &id).await.map(drop),
            _ => Err(AppError::validation("action", "unknown action")),
        }
    }
    .await;
    done(
        "customer",
        result,
        &[],
        &format!("/admin/customers/{id}?done={action}"),
    )
    .await
}

#[server]
pub async fn add_customer_note(id: String, body: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::CustomersWrite).await?;
        crate::customers::actions::add_note(&state, &user.id, &id, &body).await
    }
    .await;
    done(
        "customer-note",
        result,
        &[("body", &body)],
        &format!("/admin/customers/{id}"),
    )
    .await
}

/// Replaces the tags; `version` is the one the page was opened at.
#[server]
pub async fn set_customer_tags(id: String, tags: String, version: i64) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::CustomersWrite).await?;
        crate::customers::actions::set_tags(&state, &user.id, &id, &tags, version).await
    }
    .await;
    done(
        "customer-tags",
        result,
        &[("tags", &tags)],
        &format!("/admin/customers/{id}"),
    )
    .await
}

/// Erases the customer's personal data; `confirm` must be the word ERASE.
#[server]
pub async fn erase_customer(id: String, confirm: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::CustomersErase).await?;
        if confirm.trim() != "ERASE" {
            return Err(AppError::validation(
                "confirm",
                "type ERASE to confirm: this cannot be undone",
            ));
        }
        crate::customers::erase::erase(&state, &user.id, &id).await
    }
    .await;
    done("customer", result, &[], "/admin/customers?erased=1").await
}
