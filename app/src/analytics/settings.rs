//! Saving the reports' settings (audited); a new time zone recounts the rollups.

use crate::platform::error::AppError;
use crate::platform::state::AppState;

pub async fn save(
    state: &AppState,
    actor: &str,
    time_zone: &str,
    funnel_days: &str,
) -> Result<(), AppError> {
    let zone = time_zone.trim();
    super::zone::parse(zone)?;
    let days: i64 = funnel_days
        .trim()
        .parse()
        .ok()
        .filter(|d| (7..=3650).contains(d))
        .ok_or_else(|| {
            AppError::validation("funnel_days", "enter a number of days from 7 to 3650")
        })?;
    let zone = if zone.is_empty() { "UTC" } else { zone };
    let mut conn = state.db.pool().acquire().await?;
    let (before, _) = super::zone::read(&mut conn).await?;
    drop(conn);
    if before != zone {
        crate::settings::db::put_audited(
            &state.db,
            actor,
            super::zone::KEY,
            zone,
            "settings.time_zone",
            format!("Time zone set to {zone}"),
        )
        .await?;
        super::rebuild::rebuild(&state.db).await?;
        state.cache.invalidate().await;
    }
    if super::funnel::retention_days(&state.db).await? != days {
        crate::settings::db::put_audited(
            &state.db,
            actor,
            super::funnel::RETENTION_KEY,
            &days.to_string(),
            "settings.funnel_retention",
            format!("Funnel rows kept {days} days"),
        )
        .await?;
    }
    Ok(())
}
