//! Server functions of the settings domain, as the storefront shell calls them.

use super::model::Storefront;
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// The session key under which a shopper's dismissed announcement text is kept: a new
/// announcement shows again even to shoppers who dismissed the previous one.
#[cfg(feature = "ssr")]
const DISMISSED_ANNOUNCEMENT: &str = "dismissed_announcement";

/// The store's name, currency and (unless this shopper dismissed it) announcement.
#[server]
pub async fn get_storefront() -> Result<Storefront, PublicError> {
    use crate::platform::error::AppError;
    let state = crate::platform::state::AppState::from_context()?;
    let session = crate::platform::sessions::current().await?;
    let mut store = super::db::storefront(&state.db).await?;
    let dismissed: Option<String> = session
        .get(DISMISSED_ANNOUNCEMENT)
        .await
        .map_err(AppError::from)?;
    if dismissed.is_some() && dismissed == store.announcement {
        store.announcement = None;
    }
    Ok(store)
}

/// Hides the current announcement bar for this shopper's session.
#[server]
pub async fn dismiss_announcement() -> Result<(), PublicError> {
    use crate::platform::error::AppError;
    let state = crate::platform::state::AppState::from_context()?;
    let session = crate::platform::sessions::current().await?;
    let store = super::db::storefront(&state.db).await?;
    if let Some(text) = store.announcement {
        session
            .insert(DISMISSED_ANNOUNCEMENT, text)
            .await
            .map_err(AppError::from)?;
    }
    Ok(())
}
