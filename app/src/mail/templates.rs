//! The mails Oxcart sends, each as a plain-text and an HTML part made from the same words.
//! Links are absolute URLs built from `OXCART_PUBLIC_URL` by the caller.

use super::OutgoingMail;
use crate::html::escape;

/// What one message says: a heading, paragraphs, an optional button, a footnote.
struct Content<'a> {
    store: &'a str,
    subject: String,
    heading: String,
    paragraphs: Vec<String>,
    button: Option<(&'a str, &'a str)>,
    footnote: &'a str,
}

fn render(to: &str, c: Content<'_>) -> OutgoingMail {
    let mut text = format!("{}\n\n", c.heading);
    for p in &c.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = c.button {
        text.push_str(&format!("{label}: {url}\n\n"));
    }
    text.push_str(&format!("{}\n\n— {}\n", c.footnote, c.store));

    let mut html = format!(
        "<!doctype html><html><body style=\"margin:0;background:#f5f5f4;font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#1c1917\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"center\" style=\"padding:32px 16px\">\
         <table role=\"presentation\" width=\"100%\" style=\"max-width:520px;background:#fff;border-radius:12px;padding:32px\"><tr><td>\
         <p style=\"margin:0 0 24px;font-weight:700;font-size:18px\">{store}</p>\
         <h1 style=\"margin:0 0 16px;font-size:22px\">{heading}</h1>",
        store = escape(c.store),
        heading = escape(&c.heading),
    );
    for p in &c.paragraphs {
        html.push_str(&format!(
            "<p style=\"margin:0 0 16px;line-height:1.5\">{}</p>",
            escape(p)
        ));
    }
    if let Some((label, url)) = c.button {
        html.push_str(&format!(
            "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"background:#1c1917;color:#fff;text-decoration:none;padding:12px 20px;border-radius:8px;display:inline-block;font-weight:600\">{label}</a></p>\
             <p style=\"margin:0 0 16px;font-size:13px;color:#57534e;word-break:break-all\">Or paste this link into your browser: {url}</p>",
            url = escape(url),
            label = escape(label),
        ));
    }
    html.push_str(&format!(
        "<p style=\"margin:24px 0 0;font-size:13px;color:#57534e\">{}</p></td></tr></table></td></tr></table></body></html>",
        escape(c.footnote)
    ));
    OutgoingMail {
        to: to.to_owned(),
        subject: c.subject,
        text,
        html,
    }
}

pub fn verify_email(store: &str, to: &str, name: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Confirm your email for {store}"),
            heading: format!("Welcome, {name}!"),
            paragraphs: vec!["Please confirm this is your email address so we can send you order updates and help you if you ever forget your password.".into()],
            button: Some(("Confirm my email", link)),
            footnote: "The link works for 24 hours. If you did not create an account, you can ignore this message.",
        },
    )
}

pub fn welcome(store: &str, to: &str, name: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Your {store} account is ready"),
            heading: format!("You're all set, {name}"),
            paragraphs: vec!["Your email is confirmed. You can now save addresses for a faster checkout and follow your orders from your account.".into()],
            button: Some(("Go to my account", link)),
            footnote: "Thank you for shopping with us.",
        },
    )
}

pub fn reset_password(store: &str, to: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Reset your {store} password"),
            heading: "Reset your password".into(),
            paragraphs: vec!["Someone (hopefully you) asked to reset the password of the account with this email address. Choose a new password with the button below.".into()],
            button: Some(("Choose a new password", link)),
            footnote: "The link works once, for 30 minutes. If you did not ask for it, ignore this message: your password stays as it is.",
        },
    )
}

pub fn account_exists(store: &str, to: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Your {store} account"),
            heading: "You already have an account".into(),
            paragraphs: vec!["Someone (hopefully you) tried to create an account with this email address, but it already has one. If you forgot your password, you can choose a new one.".into()],
            button: Some(("Reset my password", link)),
            footnote: "If this wasn't you, ignore this message: nothing has changed.",
        },
    )
}

pub fn password_changed(store: &str, to: &str, name: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Your {store} password was changed"),
            heading: format!("{name}, your password was changed"),
            paragraphs: vec!["The password of your account was just changed, and every other device was signed out.".into()],
            button: Some(("Reset it now if this wasn't you", link)),
            footnote: "If you made this change, there is nothing else to do.",
        },
    )
}

pub fn confirm_new_email(store: &str, to: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Confirm your new email for {store}"),
            heading: "Confirm your new email address".into(),
            paragraphs: vec!["You asked to use this address for your account. It takes effect once you confirm it.".into()],
            button: Some(("Use this address", link)),
            footnote: "The link works for 24 hours. If you did not ask for this, ignore this message.",
        },
    )
}

pub fn staff_invite(store: &str, to: &str, inviter: &str, role: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("You're invited to the {store} admin"),
            heading: format!("Join {store} as {role}"),
            paragraphs: vec![format!("{inviter} invited you to help run {store}. Accept the invitation to choose your password.")],
            button: Some(("Accept the invitation", link)),
            footnote: "The invitation works for 7 days.",
        },
    )
}

fn order_lines(order: &crate::orders::Order) -> Vec<String> {
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

pub fn order_confirmation(store: &str, order: &crate::orders::Order, link: &str) -> OutgoingMail {
    let number = crate::orders::number_label(order.number);
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

pub fn order_shipped(store: &str, order: &crate::orders::Order, link: &str) -> OutgoingMail {
    let number = crate::orders::number_label(order.number);
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
    order: &crate::orders::Order,
    amount: crate::catalog::model::Money,
    link: &str,
) -> OutgoingMail {
    let number = crate::orders::number_label(order.number);
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

pub fn low_stock(
    store: &str,
    to: &str,
    low: &[crate::inventory::service::LowStock],
    link: &str,
) -> OutgoingMail {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_link_and_the_html_is_escaped() {
        let mail = verify_email(
            "Ox & Co",
            "a@example.com",
            "<Ada>",
            "https://shop.example/account/verify?token=abc",
        );
        assert!(mail
            .text
            .contains("https://shop.example/account/verify?token=abc"));
        assert!(mail
            .html
            .contains("https://shop.example/account/verify?token=abc"));
        assert!(mail.html.contains("Ox &amp; Co"));
        assert!(mail.html.contains("&lt;Ada&gt;"));
        assert!(!mail.html.contains("<Ada>"));
        assert_eq!(mail.subject, "Confirm your email for Ox & Co");
    }
}
