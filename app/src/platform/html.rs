//! Text into markup: the one escaping every hand-written piece of HTML or XML goes
//! through (mails, the sitemap, structured data, and the page `<title>`), so no name,
//! search word or address a user typed can open a tag or an attribute.
//!
//! Upstream defect defended here: leptos_meta 0.8.7 writes the `<title>` text into the
//! document unescaped (`ServerMetaContextOutput::inject_meta_context` pushes
//! `TitleContext::as_string()` between `<title>` and `</title>` as is), so
//! `/search?q=</title><meta http-equiv=refresh …>` injected markup into the head. The
//! attributes leptos_meta writes (`<meta content>`, `<link href>`) go through tachys'
//! attribute escaping and are safe; `tests/it/hostile_text.rs` checks all of it.

use std::borrow::Cow;

/// `&`, `<`, `>`, `"` and `'` as entities: safe in element text and in quoted
/// attributes, HTML and XML alike.
pub fn escape(raw: &str) -> Cow<'_, str> {
    if !raw.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for ch in raw.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON to put inside a `<script>` element (JSON-LD): `<`, `>` and `&` as `\u` escapes,
/// so no text in it can close the script or open a comment; still the same JSON.
pub fn json_for_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The document title for a page title: "Page · Oxcart". On the server it is escaped,
/// because leptos_meta writes it raw (see the module note); in the browser leptos_meta
/// sets `document.title`, which takes plain text, so it stays as it is.
pub fn title(page: &str) -> String {
    let full = if page.is_empty() {
        "Oxcart".to_owned()
    } else {
        format!("{page} · Oxcart")
    };
    if cfg!(feature = "ssr") {
        escape(&full).into_owned()
    } else {
        full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            escape(r#"</title><img src=x onerror="a('b')">&"#),
            "&lt;/title&gt;&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
        assert!(matches!(escape("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_in_a_script_cannot_close_it_and_still_parses() {
        let value = serde_json::json!({ "name": "</script><!-- & -->" });
        let text = json_for_script(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(back, value);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_escapes_the_title() {
        assert_eq!(title(""), "Oxcart");
        assert_eq!(title("</title>"), "&lt;/title&gt; · Oxcart");
    }
}
