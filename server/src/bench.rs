//! `oxcart bench-reports`: times the dashboard's numbers and every report for the last
//! 12 months on the configured database, as the server computes them (service level:
//! the HTTP round trip and sign-in check add well under a millisecond, measured in
//! docs/performance.md). Prints the median and the slowest of `runs` runs each.

use app::analytics::model::{Query, REPORTS};
use app::platform::db::Db;
use std::time::Instant;

pub async fn reports(db: &Db, runs: usize) -> anyhow::Result<()> {
    let (orders,): (i64,) = sqlx::query_as("select count(*) from orders")
        .fetch_one(db.pool())
        .await?;
    let (events,): (i64,) = sqlx::query_as("select count(*) from funnel_events")
        .fetch_one(db.pool())
        .await?;
    println!(
        "{} database: {orders} orders, {events} funnel rows; 12-month range, {runs} runs",
        db.backend()
    );
    println!("{:<12} {:>10} {:>10}", "report", "median ms", "max ms");
    let q = Query {
        range: "12m".into(),
        ..Query::default()
    };
    let fail = |e: app::platform::error::AppError| anyhow::anyhow!(e.to_public().message);
    let mut keys: Vec<&str> = vec!["dashboard"];
    keys.extend(REPORTS.iter().map(|(k, _)| *k));
    for key in keys {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            if key == "dashboard" {
                let cx = app::analytics::read::context(db).await.map_err(fail)?;
                let period = app::analytics::range::resolve(&q, cx.today).map_err(fail)?;
                let buckets = app::analytics::reports::over_time(db, &period)
                    .await
                    .map_err(fail)?;
                app::analytics::read::kpis(db, &period, &cx.zone)
                    .await
                    .map_err(fail)?;
                app::analytics::reports::sales_chart(db, &period, &buckets, &cx.currency)
                    .await
                    .map_err(fail)?;
            } else {
                app::analytics::reports::build(db, key, &q)
                    .await
                    .map_err(fail)?;
            }
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{key:<12} {:>10.1} {:>10.1}",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    Ok(())
}
