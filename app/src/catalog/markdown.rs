//! Product descriptions: Markdown typed by staff, rendered to HTML once when saved.
//!
//! Sanitising is by construction rather than by cleaning HTML afterwards: raw HTML in the
//! source is never passed through (it is shown as text), and links and pictures keep
//! their URL only when it is `http(s)://`, `mailto:`, or relative to this site. Headings
//! are shifted down so a description never competes with the page's own `<h1>`.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Renders `source` to sanitised HTML.
pub fn render(source: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H2,
        HeadingLevel::H3 => HeadingLevel::H3,
        HeadingLevel::H4 => HeadingLevel::H4,
        HeadingLevel::H5 => HeadingLevel::H5,
        HeadingLevel::H6 => HeadingLevel::H6,
    }
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#');
    if allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The description as plain text (for search and meta descriptions): Markdown syntax and
/// tags removed, whitespace collapsed.
pub fn plain_text(source: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = render("# Soft linen\n\n**Breathable** and _light_.\n\n- one\n- two");
        assert!(html.contains("<h2>Soft linen</h2>"), "{html}");
        assert!(html.contains("<strong>Breathable</strong>"));
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn raw_html_and_script_urls_never_get_through() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](//evil.example/steal)",
        ] {
            let html = render(attack);
            assert!(!html.contains("<script"), "{attack} -> {html}");
            assert!(!html.contains("<img src=x"), "{attack} -> {html}");
            assert!(
                !html.to_lowercase().contains("<a href=\"javascript"),
                "{attack} -> {html}"
            );
            assert!(!html.contains("src=\"data:"), "{attack} -> {html}");
            assert!(!html.contains("href=\"//evil"), "{attack} -> {html}");
        }
        assert!(render("[ok](https://example.com)").contains("href=\"https://example.com\""));
        assert!(render("[ok](/products/x)").contains("href=\"/products/x\""));
    }

    #[test]
    fn plain_text_drops_the_syntax() {
        assert_eq!(
            plain_text("# Title\n\n**Bold** text\nand `code` <b>x</b>"),
            "Title Bold text and code x"
        );
    }
}
