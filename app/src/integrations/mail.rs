//! The mail to the store's owners when a webhook endpoint is turned off.

use crate::platform::mail::layout::{render, Content};
use crate::platform::mail::OutgoingMail;

pub fn endpoint_disabled(
    store: &str,
    to: &str,
    url: &str,
    reason: &str,
    link: &str,
) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: "A webhook endpoint was turned off".to_owned(),
            heading: "Webhook deliveries stopped".to_owned(),
            paragraphs: vec![
                format!("Oxcart could not deliver to {url} for a day, so it turned the endpoint off."),
                format!("Last problem: {reason}"),
                "Fix the receiver, turn the endpoint back on, and send the failed deliveries again from the delivery log.".to_owned(),
            ],
            button: Some(("Open webhooks", link)),
            footnote: "You get this mail because you own this store.",
        },
    )
}
