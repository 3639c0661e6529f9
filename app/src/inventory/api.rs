//! Server functions of the staff inventory page.

use super::model::*;
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// `query`: `q` (SKU or product), `low=1`, `page`.
#[server]
pub async fn admin_inventory(query: String) -> Result<InventoryPage, PublicError> {
    use crate::accounts::edge::*;
    let (state, _) = allowed(Permission::InventoryAdjust).await?;
    let mut q = String::new();
    let mut low = false;
    let mut page = 1;
    for (k, v) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        match k.as_ref() {
            "q" => q = v.chars().take(100).collect(),
            "low" => low = v == "1",
            "page" => {
                page = v
                    .parse()
                    .ok()
                    .filter(|p| (1..=100_000).contains(p))
                    .unwrap_or(1)
            }
            _ => {}
        }
    }
    let list = crate::web::pagination::ListParams {
        page,
        ..Default::default()
    };
    Ok(crate::inventory::read::page(&state, &q, low, list).await?)
}

#[server]
pub async fn adjust_stock(
    variant_id: String,
    delta: String,
    reason: String,
    note: String,
) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::InventoryAdjust).await?;
        let delta: i64 = delta.trim().trim_start_matches('+').parse().map_err(|_| {
            AppError::validation(
                "delta",
                "enter a whole number of units to add (5) or remove (-2)",
            )
        })?;
        let reason = Reason::parse(&reason).ok_or_else(|| {
            AppError::validation("reason", "choose received, damaged or correction")
        })?;
        crate::inventory::service::adjust(&state, &user.id, &variant_id, delta, reason, &note).await
    }
    .await;
    done(
        "inventory",
        result,
        &[
            ("variant_id", &variant_id),
            ("delta", &delta),
            ("note", &note),
        ],
        "/admin/inventory",
    )
    .await
}

#[server]
pub async fn set_low_stock(variant_id: String, threshold: String) -> Result<(), PublicError> {
    use crate::accounts::edge::*;
    let result = async {
        let (state, user) = allowed(Permission::InventoryAdjust).await?;
        let threshold: i64 = threshold.trim().parse().map_err(|_| {
            AppError::validation("threshold", "enter a whole number (0 for no alert)")
        })?;
        crate::inventory::service::set_threshold(&state, &user.id, &variant_id, threshold).await
    }
    .await;
    done(
        "inventory",
        result,
        &[("variant_id", &variant_id), ("threshold", &threshold)],
        "/admin/inventory",
    )
    .await
}
