//! The mails of an order: its confirmation, its shipment, a refund; written here and
//! queued inside the transaction that changes the order.

use super::access::guest_path;
use super::model::Order;
use super::read::load;
use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use crate::platform::jobs::Task;
use crate::platform::mail::layout::{render, Content};
use crate::platform::mail::OutgoingMail;
use crate::platform::money::Money;
use crate::platform::state::AppState;

fn order_lines(order: &super::Order) -> Vec<String> {
    let mut out: Vec<String> = order
        .lines
        .iter()
        .map(|l| {
            let title = if l.variant_title.is_empty() {
                l.product_name.clone()
            } else {
                format!("{} ({})", l.product_name, l.variant_title)
            };
            format!("{} × {title}: {}", l.quantity, l.line_total)
        })
        .collect();
    out.push(format!("Subtotal: {}", order.subtotal));
    if order.discount.minor > 0 {
        out.push(format!(
            "Discount{}: −{}",
            order
                .discount_code
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            order.discount
        ));
    }
    out.push(format!(
        "Shipping ({}): {}",
        order.shipping_name, order.shipping
    ));
    if order.tax.minor > 0 {
        out.push(format!(
            "Tax{}: {}",
            if order.tax_inclusive {
                " (included)"
            } else {
                ""
            },
            order.tax
        ));
    }
    out.push(format!("Total: {}", order.total));
    out
}

pub fn order_confirmation(store: &str, order: &super::Order, link: &str) -> OutgoingMail {
    let number = super::number_label(order.number);
    let mut paragraphs = vec![format!(
        "Thank you for your order. We have received your payment and will let you know when it ships to {}, {}.",
        order.address.full_name, order.address.city
    )];
    paragraphs.extend(order_lines(order));
    render(
        &order.email,
        Content {
            store,
            subject: format!("Order {number} confirmed"),
            heading: format!("Order {number} confirmed"),
            paragraphs,
            button: Some(("View your order", link)),
            footnote: "Keep this mail: the link above shows your order at any time.",
        },
    )
}

pub fn order_shipped(store: &str, order: &super::Order, link: &str) -> OutgoingMail {
    let number = super::number_label(order.number);
    render(
        &order.email,
        Content {
            store,
            subject: format!("Order {number} has shipped"),
            heading: format!("Order {number} is on its way"),
            paragraphs: vec![format!(
                "Carrier: {}. Tracking number: {}.",
                order.carrier.as_deref().unwrap_or("—"),
                order.tracking_number.as_deref().unwrap_or("—")
            )],
            button: Some(("Follow your order", link)),
            footnote: "Tracking can take a day to show the first scan.",
        },
    )
}

pub fn order_refund(
    store: &str,
    order: &super::Order,
    amount: crate::platform::money::Money,
    link: &str,
) -> OutgoingMail {
    let number = super::number_label(order.number);
    render(
        &order.email,
        Content {
            store,
            subject: format!("Refund for order {number}"),
            heading: format!("We refunded {amount}"),
            paragraphs: vec![format!(
                "A refund of {amount} for order {number} is on its way to your original payment method. In all, {} of {} has been refunded.",
                order.refunded, order.captured
            )],
            button: Some(("View your order", link)),
            footnote: "Refunds usually appear within 5–10 business days, depending on your bank.",
        },
    )
}

/// Queues a mail about an order (made by `write` from the store's name, the order and
/// the customer's link to it), inside the caller's transaction.
pub(crate) async fn queue_order_mail(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
    write: impl FnOnce(&str, &Order, &str) -> crate::platform::mail::OutgoingMail,
) -> Result<(), AppError> {
    let (order, _) = load(conn, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound("order".into()))?;
    let store = crate::settings::db::store_name_in(conn).await?;
    let link = crate::accounts::service::link(state, &guest_path(state, order_id));
    let mail = write(&store, &order, &link);
    crate::platform::jobs::Jobs::enqueue_in(conn, &Task::SendMail(mail)).await?;
    Ok(())
}

/// Queues the order confirmation, inside the transition's transaction.
pub async fn mail_confirmation(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<(), AppError> {
    queue_order_mail(state, conn, order_id, order_confirmation).await
}

pub async fn mail_refund(
    state: &AppState,
    conn: &mut AnyConnection,
    order_id: &str,
    amount: i64,
) -> Result<(), AppError> {
    queue_order_mail(state, conn, order_id, |store, order, link| {
        let amount = Money::new(amount, order.captured.currency);
        order_refund(store, order, amount, link)
    })
    .await
}
