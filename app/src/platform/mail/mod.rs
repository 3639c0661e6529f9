//! Outgoing mail. Messages are rendered when they are queued (in the [`layout`] every
//! domain's mails share), stored as a job ([`crate::platform::jobs`]) and handed to the [`Mailer`] by the job worker: SMTP when
//! `SMTP_URL` is set, else `.eml` files in `<data dir>/outbox`.

pub mod layout;

use anyhow::Context as _;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// A rendered message, as stored in the job queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Remembers that `mail` went out (for a customer's timeline), on the caller's
/// connection; a job run twice logs once. The worker calls it through
/// `Jobs::mail_sent`, which skips a job cancelled while it ran.
#[cfg(feature = "ssr")]
pub async fn log_sent_in(
    conn: &mut crate::platform::db::AnyConnection,
    job_id: &str,
    mail: &OutgoingMail,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into mail_log (id, to_address, subject, sent_at) values ($1, $2, $3, $4) \
         on conflict (id) do nothing",
    )
    .bind(job_id)
    .bind(mail.to.to_lowercase())
    .bind(&mail.subject)
    .bind(crate::platform::db::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `raw` can be the `From` of a message (`Shop <shop@example.com>`).
pub fn is_valid_sender(raw: &str) -> bool {
    raw.parse::<Mailbox>().is_ok()
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.transport {
            Transport::Smtp(_) => write!(f, "Mailer(smtp, from {})", self.from),
            Transport::File(dir) => {
                write!(f, "Mailer(outbox {}, from {})", dir.display(), self.from)
            }
        }
    }
}

impl Mailer {
    /// SMTP on `smtp_url`, or files in `outbox` when it is `None`.
    pub fn new(smtp_url: Option<&str>, outbox: PathBuf, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from.parse().context("MAIL_FROM is not an address")?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL cannot be used")?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&outbox)
                    .with_context(|| format!("cannot create the outbox {}", outbox.display()))?;
                Transport::File(outbox)
            }
        };
        Ok(Self { transport, from })
    }

    /// Sends one message; an error is worth retrying (the job queue does). `id` (the
    /// job's) becomes the Message-ID and, in the outbox, the file name: a job run again
    /// after a crash rewrites the same file instead of adding a second mail. (Over SMTP
    /// a crash between hand-over and bookkeeping can still send twice; the shared
    /// Message-ID lets mail clients fold the copies.)
    pub async fn send(&self, id: &str, mail: &OutgoingMail) -> anyhow::Result<()> {
        let to: Mailbox = mail
            .to
            .parse()
            .with_context(|| format!("bad recipient {:?}", mail.to))?;
        let message = Message::builder()
            .message_id(Some(format!("<{id}@oxcart>")))
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
                    ),
            )
            .context("building the message")?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).context("SMTP delivery"),
            Transport::File(dir) => {
                let name: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
                let path = dir.join(format!("{name}.eml"));
                let partial = dir.join(format!(".{name}.eml.partial"));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .and(tokio::fs::rename(&partial, &path).await)
                    .with_context(|| format!("writing to the outbox {}", dir.display()))
            }
        }
    }
}
