//! The dashboard home: the headline numbers and the sales chart for a range against its
//! comparison (for those who may read analytics), and the widgets every staff member
//! needs: orders to ship, low stock, the newest orders.

use super::model::{Dashboard, Query, RecentOrder};
use crate::accounts::db::UserRow;
use crate::accounts::permissions::Permission;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

pub async fn build(state: &AppState, user: &UserRow, q: &Query) -> Result<Dashboard, AppError> {
    let cx = super::read::context(&state.db).await?;
    let period = super::range::resolve(q, cx.today)?;
    let (kpis, chart_svg) = if user.can(Permission::AnalyticsRead) {
        let buckets = super::reports::over_time(&state.db, &period).await?;
        (
            super::read::kpis(&state.db, &period, &cx.zone).await?,
            super::reports::sales_chart(&state.db, &period, &buckets, &cx.currency).await?,
        )
    } else {
        (Vec::new(), String::new())
    };
    let recent = if user.can(Permission::OrdersRead) {
        let filter = crate::orders::filter::OrderFilter {
            page: 1,
            ..Default::default()
        };
        crate::orders::filter::list(state, &filter, None)
            .await?
            .orders
            .into_iter()
            .take(8)
            .map(|o| RecentOrder {
                id: o.id,
                number: o.number,
                email: o.email,
                total: o.total.to_string(),
                status: o.status.label().to_owned(),
                placed: super::zone::date_of(o.created_at, &cx.zone)
                    .strftime("%-d %b")
                    .to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        period: period.label(),
        currency: cx.currency,
        kpis,
        chart_svg,
        to_ship: crate::orders::read::to_ship(state).await?,
        low_stock: crate::inventory::read::low_count(state).await?,
        recent,
        live_seq: state.live.last(),
    })
}
