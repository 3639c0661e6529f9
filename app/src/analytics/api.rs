//! Server functions of the dashboard and the reports. `query` is the page's query string.

use super::model::{Dashboard, Report};
use crate::platform::error::PublicError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn parse(query: &str) -> super::model::Query {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    super::model::Query::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The dashboard home for the staff member: the headline numbers and chart for those
/// who may read analytics, the widgets for everyone.
#[server]
pub async fn admin_dashboard(query: String) -> Result<Dashboard, PublicError> {
    use crate::accounts::edge::*;
    let (state, user) = staff().await?;
    Ok(super::dashboard::build(&state, &user, &parse(&query)).await?)
}

/// One report (`key` from `model::REPORTS`).
#[server]
pub async fn admin_report(key: String, query: String) -> Result<Report, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::AnalyticsRead).await?;
    Ok(super::reports::build(&state.db, &key, &parse(&query)).await?)
}

/// The reports' settings: the store's time zone (days are counted in it; changing it
/// recounts the rollups) and how long raw funnel rows are kept.
#[server]
pub async fn set_analytics_settings(
    time_zone: String,
    funnel_days: String,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::SettingsManage).await?;
        super::settings::save(&state, &user.id, &time_zone, &funnel_days).await
    }
    .await;
    done(
        "analytics-settings",
        result,
        &[("time_zone", &time_zone), ("funnel_days", &funnel_days)],
        "/admin/analytics/settings",
    )
    .await
}

/// The current settings: (time zone, funnel retention days).
#[server]
pub async fn analytics_settings() -> Result<(String, i64), PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::AnalyticsRead).await?;
    let mut conn = state
        .db
        .pool()
        .acquire()
        .await
        .map_err(crate::platform::error::AppError::from)?;
    let (zone, _) = super::zone::read(&mut conn).await?;
    drop(conn);
    Ok((zone, super::funnel::retention_days(&state.db).await?))
}
