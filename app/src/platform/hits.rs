//! First-party funnel hits, written off the request path: a page view must not wait for
//! (or, on SQLite, queue behind) a database write. [`Hits::record`] puts a hit on a
//! bounded channel; one task per instance writes what arrived in one transaction every
//! [`FLUSH_EVERY`] (or sooner when [`BATCH`] hits wait). A hit is one row of
//! `funnel_events` per (day, step, visitor): the first of a day counts in `funnel_daily`,
//! later ones change nothing. When the channel is full (a flood) hits are dropped and
//! counted in the log, never blocking a page. What a hit means is the analytics domain's.

use crate::platform::db::{now_ms, Db};
use std::time::Duration;
use tokio::sync::mpsc;

pub const FLUSH_EVERY: Duration = Duration::from_millis(500);
pub const BATCH: usize = 500;
const QUEUE: usize = 20_000;

/// One hit: the store-local day, the step, the visitor's daily key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub day: String,
    pub step: &'static str,
    pub visitor: String,
}

#[derive(Clone, Debug)]
pub struct Hits {
    tx: mpsc::Sender<Hit>,
}

impl Hits {
    /// Starts the writer on `db` (call inside the Tokio runtime).
    pub fn start(db: Db) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_loop(db, rx));
        Self { tx }
    }

    /// Queues a hit; never waits.
    pub fn record(&self, hit: Hit) {
        if self.tx.try_send(hit).is_err() {
            tracing::debug!("funnel hit dropped: the writer is behind");
        }
    }
}

async fn write_loop(db: Db, mut rx: mpsc::Receiver<Hit>) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let Some(first) = rx.recv().await else { return };
        batch.push(first);
        let deadline = tokio::time::sleep(FLUSH_EVERY);
        tokio::pin!(deadline);
        while batch.len() < BATCH {
            tokio::select! {
                hit = rx.recv() => match hit {
                    Some(hit) => batch.push(hit),
                    None => break,
                },
                _ = &mut deadline => break,
            }
        }
        if let Err(err) = write(&db, &batch).await {
            tracing::warn!(error = %err, hits = batch.len(), "could not write funnel hits");
        }
        batch.clear();
    }
}

/// Writes hits in one transaction; returns how many were new (first of their day).
pub async fn write(db: &Db, hits: &[Hit]) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut new = std::collections::BTreeMap::<(&str, &str), i64>::new();
    let now = now_ms();
    for hit in hits {
        let done = sqlx::query(
            "insert into funnel_events (day, step, visitor, created_at) values ($1, $2, $3, $4) \
             on conflict (day, step, visitor) do nothing",
        )
        .bind(&hit.day)
        .bind(hit.step)
        .bind(&hit.visitor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            *new.entry((hit.day.as_str(), hit.step)).or_default() += 1;
        }
    }
    for ((day, step), count) in &new {
        count_daily(&mut tx, day, step, *count).await?;
    }
    tx.commit().await?;
    Ok(new.values().sum::<i64>() as usize)
}

/// Adds `count` visitors to a day's step.
pub async fn count_daily(
    conn: &mut crate::platform::db::AnyConnection,
    day: &str,
    step: &str,
    count: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into funnel_daily (day, step, visitors) values ($1, $2, $3) \
         on conflict (day, step) do update set visitors = funnel_daily.visitors + excluded.visitors",
    )
    .bind(day)
    .bind(step)
    .bind(count)
    .execute(conn)
    .await?;
    Ok(())
}
