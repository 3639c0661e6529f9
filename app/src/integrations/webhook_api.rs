//! Server functions of Admin → Settings → Webhooks (`settings.manage`): endpoints, the
//! delivery log and "send again".

use super::model::{DeliveryView, NewEndpoint, WebhookEndpointView};
use crate::platform::error::PublicError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The session key under which an endpoint added by a plain form post waits to be shown.
#[cfg(feature = "ssr")]
const JUST_MADE: &str = "webhook_just_made";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksPage {
    pub endpoints: Vec<WebhookEndpointView>,
    /// The 50 newest deliveries.
    pub deliveries: Vec<DeliveryView>,
    pub just_made: Option<NewEndpoint>,
}

#[server]
pub async fn admin_webhooks() -> Result<WebhooksPage, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::SettingsManage).await?;
    let just_made = crate::web::forms::take_kept::<NewEndpoint>(JUST_MADE).await?;
    Ok(WebhooksPage {
        endpoints: super::webhooks::list(&state.db).await?,
        deliveries: super::delivery::log(&state.db, 50).await?,
        just_made,
    })
}

/// Adds an endpoint; `events` lists the ticked boxes.
#[server]
pub async fn add_webhook(
    url: String,
    description: String,
    events: Option<Vec<String>>,
) -> Result<Option<NewEndpoint>, PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        let allow = state.config.webhooks.allow_private;
        let events = events.unwrap_or_default();
        super::webhooks::create(&state.db, &user.id, &url, &description, &events, allow).await
    }
    .await;
    let keep = [("url", url.as_str()), ("description", description.as_str())];
    let (endpoint, secret) = finish("webhook", result, &keep).await?;
    let made = NewEndpoint { endpoint, secret };
    crate::web::forms::show_once(JUST_MADE, made, "/admin/settings/webhooks").await
}

/// `action`: `enable`, `disable`, `delete` (an endpoint) or `resend` (a delivery).
#[server]
pub async fn webhook_action(id: String, action: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        match action.as_str() {
            "enable" | "disable" => {
                super::webhooks::set_enabled(&state.db, &user.id, &id, action == "enable").await
            }
            "delete" => super::webhooks::delete(&state.db, &user.id, &id).await,
            "resend" => super::delivery::send_again(&state, &user.id, &id).await,
            _ => Err(AppError::validation("action", "unknown action")),
        }
    }
    .await;
    done("webhook", result, &[], "/admin/settings/webhooks").await
}
