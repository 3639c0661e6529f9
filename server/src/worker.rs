//! The background job worker: one task per process that runs queued jobs (mail, reset
//! look-ups) until shutdown. Several instances may run it against one database.

use app::accounts::passwords;
use app::platform::jobs::{Job, Jobs, Task};
use app::platform::mail::Mailer;
use app::platform::state::AppState;
use tokio::sync::watch;

pub struct Handle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Handle {
    /// Lets the job in progress finish, then stops.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(err) = self.task.await {
            tracing::warn!(error = %err, "job worker ended badly");
        }
    }
}

pub fn start(state: AppState, mailer: Mailer) -> Handle {
    let (stop, mut stopped) = watch::channel(false);
    let jobs = state.jobs.clone();
    let task = tokio::spawn(async move {
        let handler = move |job: Job| {
            let state = state.clone();
            let mailer = mailer.clone();
            async move { run(&state, &mailer, &job).await }
        };
        let shutdown = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        jobs.run_worker(handler, shutdown).await;
    });
    Handle { stop, task }
}

async fn run(state: &AppState, mailer: &Mailer, job: &Job) -> anyhow::Result<()> {
    match job.task()? {
        Task::SendMail(mail) => {
            mailer.send(&job.id, &mail).await?;
            if let Err(err) = Jobs::mail_sent(&state.db, &job.id, &mail).await {
                tracing::warn!(error = %err, "could not log a sent mail");
            }
            tracing::info!(job_id = %job.id, subject = %mail.subject, "mail sent");
            Ok(())
        }
        Task::ResetRequest(request) => passwords::send_reset_link(state, &request)
            .await
            .map_err(anyhow::Error::new),
        Task::DeliverWebhook(deliver) => {
            app::integrations::delivery::attempt(state, &deliver.delivery_id).await?;
            Ok(())
        }
        Task::ExpirePayment(expire) => {
            let released = app::checkout::settle::expire(state, &expire.payment_id).await?;
            tracing::info!(payment_id = %expire.payment_id, released, "payment hold expired");
            Ok(())
        }
    }
}
