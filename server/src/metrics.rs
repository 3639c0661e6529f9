//! `/metrics` in the Prometheus text format (the `prometheus` crate). Requests are timed
//! by [`track`], labelled with the matched route template (`/products/{slug}`), never the
//! raw path, so the label set stays small; what lives in the database — the pool, the job
//! queue, webhook deliveries, mail, orders and revenue — is read at scrape time, so every
//! instance reports the same shared figures and nothing drifts across restarts.
//!
//! Not public: served only when `OXCART_METRICS_TOKEN` is set, to a scrape carrying it as
//! a bearer token (401 otherwise; 404 when unset).

use app::platform::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, StatusCode};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The specification's buckets (0.1 … 5 s) with finer ones below 100 ms, where a shop's
/// pages live.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0,
];

/// The process's collectors.
struct Metrics {
    registry: Registry,
    http: HistogramVec,
    in_flight: IntGauge,
    pool: IntGaugeVec,
    pool_max: IntGauge,
    db_away: IntCounterVec,
    cache: IntCounterVec,
    disk_size: IntGauge,
    disk_available: IntGauge,
    jobs: IntGaugeVec,
    oldest_job: IntGauge,
    failed_jobs: IntGaugeVec,
    webhooks: IntGaugeVec,
    mails: IntGauge,
    orders: IntCounterVec,
    revenue: IntGaugeVec,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| build().expect("the metrics' names and labels are valid"))
}

fn build() -> prometheus::Result<Metrics> {
    let registry = Registry::new();
    let http = HistogramVec::new(
        HistogramOpts::new("http_request_duration_seconds", "Time to the response head")
            .buckets(BUCKETS.to_vec()),
        &["method", "route", "status_code"],
    )?;
    let gauges =
        |name: &str, help: &str, labels: &[&str]| IntGaugeVec::new(Opts::new(name, help), labels);
    let counters =
        |name: &str, help: &str, labels: &[&str]| IntCounterVec::new(Opts::new(name, help), labels);
    let m = Metrics {
        in_flight: IntGauge::new("http_requests_in_flight", "Requests being answered")?,
        pool: gauges(
            "oxcart_db_pool_connections",
            "Database connections by state",
            &["state"],
        )?,
        pool_max: IntGauge::new(
            "oxcart_db_pool_max_connections",
            "The most connections this instance's pool opens",
        )?,
        db_away: counters(
            "oxcart_db_unavailable_total",
            "Requests answered 503 for want of the database, by reason (pool_timeout: \
             waited 5 s for a connection; connection: none to be had or one lost; busy: \
             SQLite's write lock held elsewhere)",
            &["reason"],
        )?,
        cache: counters(
            "oxcart_cache_requests_total",
            "Read-cache lookups by cache (pages, catalog.*) and outcome (hit, miss)",
            &["cache", "outcome"],
        )?,
        disk_size: IntGauge::new(
            "oxcart_data_dir_size_bytes",
            "Size of the file system holding the data directory",
        )?,
        disk_available: IntGauge::new(
            "oxcart_data_dir_available_bytes",
            "Space left for Oxcart on the data directory's file system",
        )?,
        jobs: gauges("oxcart_jobs", "Jobs in the queue by status", &["status"])?,
        oldest_job: IntGauge::new(
            "oxcart_job_oldest_due_age_seconds",
            "How long the oldest due, queued job has waited",
        )?,
        failed_jobs: gauges(
            "oxcart_jobs_failed",
            "Jobs that failed for good, by kind",
            &["kind"],
        )?,
        webhooks: gauges(
            "oxcart_webhook_deliveries",
            "Outgoing webhook deliveries by status",
            &["status"],
        )?,
        mails: IntGauge::new("oxcart_mails_sent", "Mails sent (the mail log)")?,
        orders: counters(
            "oxcart_orders_total",
            "Orders placed, by currency",
            &["currency"],
        )?,
        revenue: gauges(
            "oxcart_revenue_minor",
            "Captured less refunded, in minor units, by currency",
            &["currency"],
        )?,
        http,
        registry,
    };
    m.registry.register(Box::new(m.http.clone()))?;
    m.registry.register(Box::new(m.in_flight.clone()))?;
    m.registry.register(Box::new(m.pool.clone()))?;
    m.registry.register(Box::new(m.pool_max.clone()))?;
    m.registry.register(Box::new(m.db_away.clone()))?;
    m.registry.register(Box::new(m.cache.clone()))?;
    m.registry.register(Box::new(m.disk_size.clone()))?;
    m.registry.register(Box::new(m.disk_available.clone()))?;
    m.registry.register(Box::new(m.jobs.clone()))?;
    m.registry.register(Box::new(m.oldest_job.clone()))?;
    m.registry.register(Box::new(m.failed_jobs.clone()))?;
    m.registry.register(Box::new(m.webhooks.clone()))?;
    m.registry.register(Box::new(m.mails.clone()))?;
    m.registry.register(Box::new(m.orders.clone()))?;
    m.registry.register(Box::new(m.revenue.clone()))?;
    Ok(m)
}

/// Times every request and counts those in flight (a `Router::layer`, so the matched
/// route is known; a request no route matched is `unmatched`).
pub async fn track(req: Request, next: Next) -> Response {
    let m = metrics();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    m.in_flight.inc();
    let started = Instant::now();
    let response = next.run(req).await;
    m.in_flight.dec();
    m.http
        .with_label_values(&[
            method.as_str(),
            route.as_ref().map_or("unmatched", MatchedPath::as_str),
            response.status().as_str(),
        ])
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`, for a scrape holding `token`; `data_dir` is the folder whose disk
/// space is reported.
pub fn router(state: AppState, token: Option<String>, data_dir: PathBuf) -> Router {
    let scrape_with = Arc::new((token, data_dir));
    crate::routes::add(
        Router::new(),
        "GET",
        "/metrics",
        get(move |state: State<AppState>, req: Request| scrape(state, scrape_with.clone(), req)),
    )
    .with_state(state)
}

async fn scrape(
    State(state): State<AppState>,
    with: Arc<(Option<String>, PathBuf)>,
    req: Request,
) -> Response {
    let (token, data_dir) = &*with;
    let Some(token) = token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        given.as_bytes(),
        token.as_bytes(),
    )) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    read_process(&state, data_dir);
    if let Err(err) = read_store(&state).await {
        tracing::warn!(error = %err, "metrics: could not read the database's figures");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let mut body = Vec::new();
    if let Err(err) = TextEncoder::new().encode(&metrics().registry.gather(), &mut body) {
        tracing::error!(error = %err, "metrics: could not encode");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], body).into_response()
}

/// This instance's own figures: the pool's ceiling, requests the database failed, cache
/// lookups, disk space.
fn read_process(state: &AppState, data_dir: &Path) {
    let m = metrics();
    m.pool_max.set(i64::from(state.db.max_connections()));
    for away in app::platform::error::Away::ALL {
        raise_to(&m.db_away.with_label_values(&[away.as_str()]), away.count());
    }
    for (cache, hits, misses) in state.cache.lookups() {
        for (outcome, total) in [("hit", hits), ("miss", misses)] {
            raise_to(&m.cache.with_label_values(&[cache, outcome]), total);
        }
    }
    match rustix::fs::statvfs(data_dir) {
        Ok(fs) => {
            let bytes =
                |blocks: u64| i64::try_from(blocks.saturating_mul(fs.f_frsize)).unwrap_or(i64::MAX);
            m.disk_size.set(bytes(fs.f_blocks));
            m.disk_available.set(bytes(fs.f_bavail));
        }
        Err(err) => {
            tracing::warn!(error = %err, dir = %data_dir.display(), "metrics: no disk figures")
        }
    }
}

/// The figures kept in the database, read now.
async fn read_store(state: &AppState) -> Result<(), sqlx::Error> {
    let m = metrics();
    let db = &state.db;
    let pool = db.pool();
    let (size, idle) = (i64::from(pool.size()), pool.num_idle() as i64);
    m.pool.with_label_values(&["open"]).set(size);
    m.pool.with_label_values(&["idle"]).set(idle);
    m.pool.with_label_values(&["busy"]).set(size - idle);
    let now = app::platform::db::now_ms();
    let queue = "select status, count(*) from jobs group by status";
    counts(db, &m.jobs, queue).await?;
    let (oldest,): (Option<i64>,) =
        sqlx::query_as("select min(run_at) from jobs where status = 'queued' and run_at <= $1")
            .bind(now)
            .fetch_one(db.pool())
            .await?;
    m.oldest_job
        .set(oldest.map_or(0, |at| (now - at).max(0) / 1000));
    let failed = "select kind, count(*) from jobs where status = 'failed' group by kind";
    counts(db, &m.failed_jobs, failed).await?;
    let hooks = "select status, count(*) from webhook_outbox group by status";
    counts(db, &m.webhooks, hooks).await?;
    let (mails,): (i64,) = sqlx::query_as("select count(*) from mail_log")
        .fetch_one(db.pool())
        .await?;
    m.mails.set(mails);
    let sales: Vec<(String, i64, i64)> = sqlx::query_as(
        "select currency, count(*), cast(coalesce(sum(captured - refunded), 0) as bigint) \
         from orders group by currency",
    )
    .fetch_all(db.pool())
    .await?;
    for (currency, orders, revenue) in sales {
        // Orders are never deleted, so the stored count only grows: the counter is raised
        // to it. Revenue falls with a refund, so it is a gauge.
        raise_to(
            &m.orders.with_label_values(&[currency.as_str()]),
            u64::try_from(orders).unwrap_or(0),
        );
        m.revenue
            .with_label_values(&[currency.as_str()])
            .set(revenue);
    }
    Ok(())
}

/// Raises a counter to a total kept elsewhere (it never goes down).
fn raise_to(counter: &prometheus::IntCounter, total: u64) {
    counter.inc_by(total.saturating_sub(counter.get()));
}

/// Sets `gauges` to the `(label, count)` rows `sql` answers; a label no longer in the
/// answer is dropped.
async fn counts(
    db: &app::platform::db::Db,
    gauges: &IntGaugeVec,
    sql: &str,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(db.pool()).await?;
    gauges.reset();
    for (label, n) in rows {
        gauges.with_label_values(&[label.as_str()]).set(n);
    }
    Ok(())
}
