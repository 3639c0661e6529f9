//! Mail through the durable job queue: to a real SMTP server on loopback (Python's
//! aiosmtpd writing to a Maildir), to the file outbox, retried after a failure and
//! delivered after a restart; a checkout made while the SMTP server is down succeeds and
//! its confirmation follows when the server returns.

use crate::accounts_helpers::{wait_for_mail_in, PASSWORD};
use crate::both_backends;
use crate::helpers::{free_port, TestApp, TestDb};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An aiosmtpd process on `port` that stores every message in `maildir`.
struct SmtpSink(Child);

impl SmtpSink {
    async fn start(port: u16, maildir: &Path) -> Self {
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 -m aiosmtpd runs (scripts/bootstrap.sh --test installs it)");
        crate::helpers::wait_for_port(port, "aiosmtpd").await;
        Self(child)
    }
}

/// An SMTP server that is not running yet: where Oxcart is told to send (`url`), and,
/// once it [`starts`](LateSmtp::arrives), the mail that reaches it.
struct LateSmtp {
    port: u16,
    maildir: tempfile::TempDir,
}

impl LateSmtp {
    fn new() -> Self {
        Self {
            port: free_port(),
            maildir: tempfile::tempdir().expect("maildir"),
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the server and waits for the mail to `to` holding `needle`; the server runs
    /// as long as the returned sink lives.
    async fn arrives(&self, to: &str, needle: &str) -> (SmtpSink, String) {
        let sink = SmtpSink::start(self.port, &self.maildir.path().join("box")).await;
        let mail = wait_for_mail_in(&self.maildir.path().join("box/new"), to, needle).await;
        (sink, mail)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

both_backends!(mail_goes_to_the_outbox_without_smtp, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[("MAIL_FROM", "Test Shop <hello@shop.example>")]).await;
    app.register("ada@example.com", PASSWORD).await;
    let mail = app
        .wait_for_mail("ada@example.com", "/account/verify?token=")
        .await;
    assert!(
        mail.contains("From: \"Test Shop\" <hello@shop.example>")
            || mail.contains("From: Test Shop <hello@shop.example>"),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: text/plain"), "a text part");
    assert!(mail.contains("Content-Type: text/html"), "an HTML part");
});

both_backends!(
    mail_is_delivered_to_a_real_smtp_server_and_retried_after_a_failure,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let smtp = LateSmtp::new();
        // Nothing listens yet: the first attempt fails.
        let app = TestApp::spawn(&db, &[("SMTP_URL", &smtp.url())]).await;
        app.register("ada@example.com", PASSWORD).await;
        failed_once(&app).await;

        let (_sink, mail) = smtp
            .arrives("ada@example.com", "/account/verify?token=")
            .await;
        assert!(mail.contains("Subject: Confirm your email"), "{mail}");
        let (attempts, status) = settled_mail_job(&app).await;
        assert_eq!(
            (attempts, status.as_str()),
            (2, "done"),
            "sent on the retry"
        );
        assert!(
            std::fs::read_dir(app.outbox()).map_or(true, |mut d| d.next().is_none()),
            "SMTP replaces the outbox"
        );
    }
);

both_backends!(queued_mail_survives_a_restart, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let smtp = LateSmtp::new();
    let app = TestApp::spawn(&db, &[("SMTP_URL", &smtp.url())]).await;
    app.register("ada@example.com", PASSWORD).await;
    let app = app.restart().await;
    let (_sink, _) = smtp
        .arrives("ada@example.com", "/account/verify?token=")
        .await;
    let (_, status) = settled_mail_job(&app).await;
    assert_eq!(status, "done");
});

/// Waits until a mail job has failed once for want of the SMTP server, with the error kept.
async fn failed_once(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let failed: Option<(i64, Option<String>)> = sqlx::query_as("select attempts, last_error from jobs where kind = 'mail.send' and attempts >= 1 and status = 'queued'")
        .fetch_optional(app.state.db.pool())
        .await
        .expect("query");
        if let Some((attempts, error)) = failed {
            assert_eq!(attempts, 1);
            assert!(
                error.is_some_and(|e| e.contains("SMTP")),
                "the error is recorded"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the first attempt did not fail as expected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The attempts and status of the one mail job, once the worker has finished with it: the
/// message lands in the mailbox a moment before the worker records the job as done, so the
/// row is read until it leaves `running` (bounded).
async fn settled_mail_job(app: &TestApp) -> (i64, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (attempts, status): (i64, String) =
            sqlx::query_as("select attempts, status from jobs where kind = 'mail.send'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("job row");
        if status != "running" || Instant::now() >= deadline {
            return (attempts, status);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

both_backends!(
    mail_still_queued_or_being_sent_to_an_erased_customer_is_cancelled_and_never_logged,
    |backend| async move {
        use app::platform::jobs::{Jobs, Task};
        use app::platform::mail::OutgoingMail;
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let ada_id = app.user_id("ada@example.com").await;
        let mail = |to: &str, subject: &str| OutgoingMail {
            to: to.into(),
            subject: subject.into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
        };
        // Two mails to her, due in an hour (the worker leaves them): one stays queued, the
        // other is taken as if a worker were sending it right now; one to someone else.
        let later = app::platform::db::now_ms() + 3_600_000;
        let mut queued = Vec::new();
        for (to, subject) in [
            ("Ada@Example.com", "Queued"),
            ("Ada@Example.com", "Sending"),
            ("bob@example.com", "Other"),
        ] {
            let mut conn = app.state.db.pool().acquire().await.expect("conn");
            let task = Task::SendMail(mail(to, subject));
            let id = Jobs::enqueue_at_in(&mut conn, &task, later)
                .await
                .expect("queued");
            queued.push(id);
        }
        sqlx::query("update jobs set status = 'running' where id = $1")
            .bind(&queued[1])
            .execute(app.state.db.pool())
            .await
            .expect("taken");

        app::customers::erase::erase(&app.state, "system", &ada_id)
            .await
            .expect("erased");

        let jobs = |condition: &str| {
            format!(
                "select count(*) from jobs where id in ('{}', '{}') and {condition}",
                queued[0], queued[1]
            )
        };
        assert_eq!(
            app.count(&jobs("status = 'done' and payload = '{}'")).await,
            2
        );
        let bob = format!(
            "select count(*) from jobs where id = '{}' and status = 'queued'",
            queued[2]
        );
        assert_eq!(app.count(&bob).await, 1, "bob's mail stays");
        // The one that was being sent finishes now: it logs nothing about her.
        Jobs::mail_sent(
            &app.state.db,
            &queued[1],
            &mail("Ada@Example.com", "Sending"),
        )
        .await
        .expect("log");
        assert_eq!(
            app.count("select count(*) from mail_log where to_address like '%ada%'")
                .await,
            0
        );
    }
);

both_backends!(
    a_checkout_succeeds_while_smtp_is_down_and_its_mail_follows,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let smtp = LateSmtp::new();
        // The mail server is down when the shopper pays.
        let app = TestApp::spawn(&db, &[("SMTP_URL", &smtp.url())]).await;
        app.rates().await;
        let ids = app.stocked("Brass lamp", &[("LAMP", "40.00", 5)]).await;
        let order = app.bought(&ids[0], "1", "buyer@example.com").await;
        let paid = app
            .count("select count(*) from orders where payment_status = 'paid'")
            .await;
        assert_eq!(paid, 1, "the order {order} is made and paid without mail");
        failed_once(&app).await;

        // It comes back: the confirmation goes out on a retry, nothing else is needed.
        let (_sink, mail) = smtp.arrives("buyer@example.com", "confirmed").await;
        assert!(mail.contains("Subject: Order "), "{mail}");
    }
);
