//! The one look of every mail Oxcart sends: a plain-text and an HTML part made from the
//! same words, every text escaped. Each domain writes its own mails with it
//! (`accounts::mail`, `orders::mail`, `inventory::mail`); links are absolute URLs built
//! from `OXCART_PUBLIC_URL` by the caller.

use super::OutgoingMail;
use crate::platform::html::escape;

/// What one message says: a heading, paragraphs, an optional button, a footnote.
pub struct Content<'a> {
    pub store: &'a str,
    pub subject: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// A label and its link.
    pub button: Option<(&'a str, &'a str)>,
    pub footnote: &'a str,
}

pub fn render(to: &str, c: Content<'_>) -> OutgoingMail {
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
