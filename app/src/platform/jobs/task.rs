//! Every kind of job, with its payload: the one list producers enqueue from and the worker
//! matches on (exhaustively, so a new kind without a handler does not compile). The kind
//! strings and payload shapes are what the `jobs` table stores; keep them stable, since
//! queued rows outlive a deploy.

use crate::platform::mail::OutgoingMail;
use serde::{Deserialize, Serialize};

/// A job to run in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// Hand a rendered mail to the mail transport.
    SendMail(OutgoingMail),
    /// Look up the account of a password-reset request and mail it a link (off the
    /// request path, so the answer takes as long whether or not the account exists).
    ResetRequest(ResetRequest),
    /// End a payment attempt's hold on stock and discount use if it is still pending.
    ExpirePayment(ExpirePayment),
    /// One attempt at delivering an outgoing webhook (`integrations::delivery`).
    DeliverWebhook(DeliverWebhook),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequest {
    /// Normalised.
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpirePayment {
    pub payment_id: String,
}

/// A stored job whose kind or payload this build does not know.
#[derive(Debug)]
pub struct UnknownTask(pub String);

impl std::fmt::Display for UnknownTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnknownTask {}

impl Task {
    pub const SEND_MAIL: &'static str = "mail.send";
    pub const RESET_REQUEST: &'static str = "accounts.reset_request";
    pub const EXPIRE_PAYMENT: &'static str = "payment.expire";
    pub const DELIVER_WEBHOOK: &'static str = "webhook.deliver";

    /// The `jobs.kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SendMail(_) => Self::SEND_MAIL,
            Self::ResetRequest(_) => Self::RESET_REQUEST,
            Self::ExpirePayment(_) => Self::EXPIRE_PAYMENT,
            Self::DeliverWebhook(_) => Self::DELIVER_WEBHOOK,
        }
    }

    /// The `jobs.payload` column.
    pub fn payload(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::SendMail(mail) => serde_json::to_string(mail),
            Self::ResetRequest(request) => serde_json::to_string(request),
            Self::ExpirePayment(expire) => serde_json::to_string(expire),
            Self::DeliverWebhook(deliver) => serde_json::to_string(deliver),
        }
    }

    /// A stored job back as a task.
    pub fn parse(kind: &str, payload: &str) -> Result<Self, UnknownTask> {
        let bad = |e: serde_json::Error| UnknownTask(format!("payload of a {kind} job: {e}"));
        Ok(match kind {
            Self::SEND_MAIL => Self::SendMail(serde_json::from_str(payload).map_err(bad)?),
            Self::RESET_REQUEST => Self::ResetRequest(serde_json::from_str(payload).map_err(bad)?),
            Self::EXPIRE_PAYMENT => {
                Self::ExpirePayment(serde_json::from_str(payload).map_err(bad)?)
            }
            Self::DELIVER_WEBHOOK => {
                Self::DeliverWebhook(serde_json::from_str(payload).map_err(bad)?)
            }
            other => return Err(UnknownTask(format!("unknown job kind {other:?}"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_comes_back_as_it_was_stored() {
        let tasks = [
            Task::SendMail(OutgoingMail {
                to: "ada@example.com".into(),
                subject: "Hello".into(),
                text: "Hi".into(),
                html: "<p>Hi</p>".into(),
            }),
            Task::ResetRequest(ResetRequest {
                email: "ada@example.com".into(),
            }),
            Task::ExpirePayment(ExpirePayment {
                payment_id: "p1".into(),
            }),
            Task::DeliverWebhook(DeliverWebhook {
                delivery_id: "msg_1".into(),
            }),
        ];
        for task in tasks {
            let payload = task.payload().expect("encodes");
            assert_eq!(Task::parse(task.kind(), &payload).expect("parses"), task);
        }
        // The shapes queued rows already have.
        assert_eq!(
            Task::parse("payment.expire", r#"{"payment_id":"p9"}"#).expect("parses"),
            Task::ExpirePayment(ExpirePayment {
                payment_id: "p9".into()
            })
        );
        assert!(Task::parse("payment.expire", "{}").is_err());
        assert!(Task::parse("nope", "{}").is_err());
    }
}
