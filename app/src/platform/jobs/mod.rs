//! The durable job queue: a `jobs` table in the application database, so queued work
//! (mail today) survives a crash or restart with zero extra services. A job is claimed by
//! one conditional update (a lost race is 0 rows), runs under a lease, and is retried with
//! exponential backoff up to `max_attempts`; a lease that runs out (the process died) makes
//! the job claimable again. See docs/adr/0002-job-queue.md for why not a library. What a
//! job can be is the one [`Task`] enum.

mod task;

use crate::platform::db::AnyConnection;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;
use crate::platform::mail::OutgoingMail;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
pub use task::{DeliverWebhook, ExpirePayment, ResetRequest, Task};
use tokio::sync::Notify;

/// How long a claimed job may run before another worker may take it over.
const LEASE_MS: i64 = 5 * 60 * 1000;
/// Attempts per job before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// The queue handle: enqueue from anywhere, wake the worker at once.
#[derive(Clone, Debug)]
pub struct Jobs {
    db: Db,
    wake: Arc<Notify>,
    /// The first retry waits this long; each further one twice as long.
    backoff: Duration,
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

impl Job {
    /// What to do, from the stored kind and payload.
    pub fn task(&self) -> Result<Task, task::UnknownTask> {
        Task::parse(&self.kind, &self.payload)
    }
}

impl Jobs {
    pub fn new(db: Db, backoff: Duration) -> Self {
        Self {
            db,
            wake: Arc::new(Notify::new()),
            backoff,
        }
    }

    /// Queues a job on its own.
    pub async fn enqueue(&self, task: &Task) -> Result<String, AppError> {
        let mut conn = self.db.pool().acquire().await?;
        let id = Self::enqueue_in(&mut conn, task).await?;
        self.notify();
        Ok(id)
    }

    /// Queues a job inside the caller's transaction: it exists exactly when the rest of the
    /// transaction commits. Call [`Jobs::notify`] after the commit.
    pub async fn enqueue_in(conn: &mut AnyConnection, task: &Task) -> Result<String, AppError> {
        Self::enqueue_at_in(conn, task, now_ms()).await
    }

    /// Queues a job to run at `run_at` (unix ms), inside the caller's transaction.
    pub async fn enqueue_at_in(
        conn: &mut AnyConnection,
        task: &Task,
        run_at: i64,
    ) -> Result<String, AppError> {
        let id = new_id();
        let kind = task.kind();
        let payload = task
            .payload()
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("encoding a job")))?;
        let now = now_ms();
        sqlx::query(
            "insert into jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at) \
             values ($1, $2, $3, 'queued', 0, $4, $5, $6, $6)",
        )
        .bind(&id)
        .bind(kind)
        .bind(payload)
        .bind(MAX_ATTEMPTS)
        .bind(run_at)
        .bind(now)
        .execute(conn)
        .await?;
        tracing::info!(job_id = %id, kind, "job queued");
        Ok(id)
    }

    /// Wakes the worker (after a transaction that queued jobs has committed).
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Cancels the mail still to be sent to `address` (a customer being erased), in the
    /// caller's transaction: queued or running mail jobs addressed to it are marked done
    /// and lose their payload. A message already handed to the mail server still goes,
    /// but is not logged ([`Jobs::mail_sent`] checks the payload).
    pub async fn cancel_mail_to(conn: &mut AnyConnection, address: &str) -> Result<u64, AppError> {
        let pending: Vec<(String, String)> = sqlx::query_as(
            "select id, payload from jobs where kind = $1 and status in ('queued', 'running')",
        )
        .bind(Task::SEND_MAIL)
        .fetch_all(&mut *conn)
        .await?;
        let mut cancelled = 0;
        for (id, payload) in pending {
            let to_them = matches!(
                Task::parse(Task::SEND_MAIL, &payload),
                Ok(Task::SendMail(mail)) if mail.to.trim().eq_ignore_ascii_case(address.trim())
            );
            if to_them {
                sqlx::query(
                    "update jobs set status = 'done', payload = '{}', locked_until = null, \
                     last_error = 'cancelled: the customer was erased', updated_at = $2 where id = $1",
                )
                .bind(&id)
                .bind(now_ms())
                .execute(&mut *conn)
                .await?;
                cancelled += 1;
            }
        }
        Ok(cancelled)
    }

    /// Logs that a mail job's message went out, unless the job was cancelled while it ran
    /// (its payload is gone: the customer was erased). The job row is updated first, in
    /// the log's transaction, so an erasure in progress is waited for.
    pub async fn mail_sent(db: &Db, job_id: &str, mail: &OutgoingMail) -> Result<(), sqlx::Error> {
        let mut tx = db.begin_write().await?;
        let live = sqlx::query("update jobs set updated_at = $2 where id = $1 and payload <> '{}'")
            .bind(job_id)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        if live.rows_affected() == 1 {
            crate::platform::mail::log_sent_in(&mut tx, job_id, mail).await?;
        }
        tx.commit().await
    }

    /// Takes the next due job, if any.
    pub async fn claim(&self) -> Result<Option<Job>, sqlx::Error> {
        let now = now_ms();
        let row: Option<(String, String, String, i64, i64)> = sqlx::query_as(
            "update jobs set status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2 \
             where id = (select id from jobs \
                         where (status = 'queued' and run_at <= $2) or (status = 'running' and locked_until < $2) \
                         order by run_at limit 1) \
               and ((status = 'queued' and run_at <= $2) or (status = 'running' and locked_until < $2)) \
             returning id, kind, payload, attempts, max_attempts",
        )
        .bind(now + LEASE_MS)
        .bind(now)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(|(id, kind, payload, attempts, max_attempts)| Job {
            id,
            kind,
            payload,
            attempts,
            max_attempts,
        }))
    }

    async fn finish(
        &self,
        job: &Job,
        outcome: Result<(), anyhow::Error>,
    ) -> Result<(), sqlx::Error> {
        let now = now_ms();
        match outcome {
            Ok(()) => {
                // The payload goes once the job is done: a mail's carries single-use links
                // (reset, verify, invitations, guest order links) that must not outlive it.
                sqlx::query("update jobs set status = 'done', payload = '{}', locked_until = null, last_error = null, updated_at = $1 where id = $2")
                    .bind(now)
                    .bind(&job.id)
                    .execute(self.db.pool())
                    .await?;
                tracing::info!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, "job done");
            }
            Err(err) => {
                let error = format!("{err:#}");
                if job.attempts >= job.max_attempts {
                    sqlx::query("update jobs set status = 'failed', payload = '{}', locked_until = null, last_error = $1, updated_at = $2 where id = $3")
                        .bind(&error)
                        .bind(now)
                        .bind(&job.id)
                        .execute(self.db.pool())
                        .await?;
                    tracing::error!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, error, "job failed for good");
                } else {
                    let delay = retry_delay(self.backoff, job.attempts);
                    let run_at = now + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
                    // Not a job cancelled while it ran (its payload is gone): that one stays done.
                    sqlx::query("update jobs set status = 'queued', locked_until = null, last_error = $1, run_at = $2, updated_at = $3 where id = $4 and payload <> '{}'")
                        .bind(&error)
                        .bind(run_at)
                        .bind(now)
                        .bind(&job.id)
                        .execute(self.db.pool())
                        .await?;
                    tracing::warn!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, retry_in_ms = delay.as_millis() as u64, error, "job failed; will retry");
                }
            }
        }
        Ok(())
    }

    /// Runs jobs until `shutdown` completes: everything due, then waits for a wake-up or
    /// the next poll (one second; a job retried later is found by polling). A shutdown lets
    /// the job in progress finish and claims no other: the rest stay queued for the next
    /// instance (a deploy stops a worker within one job, however long the queue).
    pub async fn run_worker<H, F>(self, handler: H, shutdown: impl Future<Output = ()>)
    where
        H: Fn(Job) -> F,
        F: Future<Output = anyhow::Result<()>>,
    {
        use futures_util::FutureExt as _;
        tokio::pin!(shutdown);
        loop {
            loop {
                match self.claim().await {
                    Ok(Some(job)) => {
                        let outcome = handler(job.clone()).await;
                        if let Err(err) = self.finish(&job, outcome).await {
                            tracing::error!(job_id = %job.id, error = %err, "could not record a job's outcome");
                        }
                        if (&mut shutdown).now_or_never().is_some() {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "could not claim a job");
                        break;
                    }
                }
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// backoff × 2^(attempts − 1): 1×, 2×, 4× …
fn retry_delay(backoff: Duration, attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    backoff.saturating_mul(1 << exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially() {
        let base = Duration::from_secs(2);
        assert_eq!(retry_delay(base, 1), Duration::from_secs(2));
        assert_eq!(retry_delay(base, 2), Duration::from_secs(4));
        assert_eq!(retry_delay(base, 3), Duration::from_secs(8));
    }
}
