//! Server functions of the audit log.

use super::model::AuditPage;
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// One page of the log; `query` is the page's query string (actor, action, entity,
/// entity_id, from, to, page).
#[server]
pub async fn admin_audit(query: String) -> Result<AuditPage, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::AuditRead).await?;
    let filter = crate::audit::read::AuditFilter::from_query(&query)?;
    Ok(crate::audit::read::list(&state.db, &filter).await?)
}

/// How many days audit rows are kept (30 or more); audited itself.
#[server]
pub async fn set_audit_retention(days: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        crate::audit::read::set_retention(&state.db, &user.id, &days).await
    }
    .await;
    done(
        "audit-retention",
        result,
        &[("days", &days)],
        "/admin/audit",
    )
    .await
}
