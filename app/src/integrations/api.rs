//! Server functions of Admin → Settings → API keys. Making and revoking keys needs
//! `staff.manage` (a key is a member of staff without a face); a key never gets a scope
//! its maker does not hold.

use super::model::{ApiKeyView, NewKey};
use crate::platform::error::PublicError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The session key under which a key made by a plain form post waits to be shown once
/// (there is no script to show the answer).
#[cfg(feature = "ssr")]
const JUST_MADE: &str = "api_key_just_made";

/// The page: every key, and the one just made by a plain form post, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyView>,
    pub just_made: Option<NewKey>,
}

#[server]
pub async fn admin_api_keys() -> Result<ApiKeysPage, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::StaffManage).await?;
    let just_made = crate::web::forms::take_kept::<NewKey>(JUST_MADE).await?;
    let keys = super::keys::list(&state.db).await?;
    Ok(ApiKeysPage { keys, just_made })
}

/// Makes a key; `scopes` lists the ticked boxes.
#[server]
pub async fn create_api_key(
    name: String,
    scopes: Option<Vec<String>>,
) -> Result<Option<NewKey>, PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::StaffManage).await?;
        let maker = super::keys::Maker::Person(&user);
        super::keys::create(&state.db, maker, &name, &scopes.unwrap_or_default()).await
    }
    .await;
    let made = finish("api-key", result, &[("name", &name)]).await?;
    crate::web::forms::show_once(JUST_MADE, made, "/admin/settings/api-keys").await
}

#[server]
pub async fn revoke_api_key(id: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::StaffManage).await?;
        super::keys::revoke(&state.db, &user.id, &id).await
    }
    .await;
    done("api-key", result, &[], "/admin/settings/api-keys").await
}
