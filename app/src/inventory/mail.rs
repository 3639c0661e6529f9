//! The low-stock alert to staff.

use crate::platform::mail::layout::{render, Content};
use crate::platform::mail::OutgoingMail;

/// A variant that fell to its low-stock threshold with this change.
#[derive(Debug, Clone)]
pub struct LowStock {
    pub sku: String,
    pub available: i64,
    pub threshold: i64,
}

pub fn low_stock(store: &str, to: &str, low: &[LowStock], link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!(
                "Low stock: {}",
                low.iter()
                    .map(|l| l.sku.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            heading: "Stock is running low".to_owned(),
            paragraphs: low
                .iter()
                .map(|l| {
                    format!(
                        "{}: {} available (alert at {}).",
                        l.sku, l.available, l.threshold
                    )
                })
                .collect(),
            button: Some(("Open inventory", link)),
            footnote: "You get this mail when a variant falls to its low-stock threshold.",
        },
    )
}
