//! The Content-Security-Policy of pages. A page is rendered with a secret, per-render
//! nonce on the inline scripts Oxcart and Leptos write (the boot script, the serialized
//! resources); [`seal`] then allows exactly those scripts by their SHA-256 hashes and
//! removes the nonce. A script injected into the page cannot carry the nonce, so its hash
//! is never allowed; and the sealed page holds no secret, so it can be cached and served
//! again to the next visitor (`page_cache`).

use bytes::Bytes;
use data_encoding::BASE64;
use http::HeaderValue;
use sha2::{Digest as _, Sha256};

/// The policy of every HTML response; `scripts` are the `'sha256-…'` sources allowed to
/// run inline (none for pages Oxcart did not render, such as the panic page).
pub fn policy(scripts: &[String]) -> HeaderValue {
    let inline: String = scripts.iter().map(|s| format!(" '{s}'")).collect();
    let policy = format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval' https://js.stripe.com; \
         style-src 'self'; img-src 'self' data: https://*.stripe.com; font-src 'self'; \
         connect-src 'self' https://api.stripe.com; \
         frame-src https://js.stripe.com https://hooks.stripe.com; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    // Hashes are base64 and the rest is ASCII: always a valid header value.
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// A page ready to send: the nonce gone, and the policy that allows its own scripts.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub body: Bytes,
    pub policy: HeaderValue,
}

/// Seals `html`, rendered with `nonce`: every `<script>` whose opening tag carries the
/// nonce is allowed by hash; every trace of the nonce is removed (Leptos also writes it
/// as the `crossorigin` value of its chunk preload links, where `""` means the same).
pub fn seal(html: Bytes, nonce: &str) -> Sealed {
    let attribute = format!(" nonce=\"{nonce}\"");
    let scripts = own_scripts(&html, attribute.as_bytes())
        .map(|content| format!("sha256-{}", BASE64.encode(&Sha256::digest(content))))
        .collect::<Vec<_>>();
    let body = if find(&html, nonce.as_bytes(), 0).is_some() {
        let quoted = format!("\"{nonce}\"");
        let without = replace(&html, attribute.as_bytes(), b"");
        Bytes::from(replace(&without, quoted.as_bytes(), b"\"\""))
    } else {
        html
    };
    Sealed {
        body,
        policy: policy(&scripts),
    }
}

/// The contents of the `<script>` elements whose opening tag contains `attribute`.
fn own_scripts<'a>(html: &'a [u8], attribute: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let open = find(html, b"<script", at)?;
        let tag_end = find(html, b">", open)? + 1;
        let close = find(html, b"</script>", tag_end)?;
        at = close + b"</script>".len();
        if find(&html[open..tag_end], attribute, 0).is_some() {
            return Some(&html[tag_end..close]);
        }
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|i| i + from)
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut at = 0;
    while let Some(i) = find(haystack, needle, at) {
        out.extend_from_slice(&haystack[at..i]);
        out.extend_from_slice(with);
        at = i + needle.len();
    }
    out.extend_from_slice(&haystack[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(text: &str) -> String {
        format!(
            "'sha256-{}'",
            BASE64.encode(&Sha256::digest(text.as_bytes()))
        )
    }

    #[test]
    fn only_the_scripts_with_the_nonce_are_allowed_and_the_nonce_is_gone() {
        let page = concat!(
            r#"<head><script type="module" nonce="N0nce">boot()</script>"#,
            r#"<link rel="preload" crossorigin="N0nce" href="/pkg/a.wasm"></head>"#,
            r#"<body><p>hi</p><script>injected()</script>"#,
            r#"<script nonce="N0nce">data = 1</script></body>"#,
        );
        let sealed = seal(Bytes::from(page), "N0nce");
        let policy = sealed.policy.to_str().expect("ascii");
        assert!(policy.contains(&sha("boot()")), "{policy}");
        assert!(policy.contains(&sha("data = 1")), "{policy}");
        assert!(
            !policy.contains(&sha("injected()")),
            "an injected script is not allowed"
        );
        assert!(!policy.contains("nonce"), "{policy}");
        let body = String::from_utf8(sealed.body.to_vec()).expect("utf-8");
        assert!(!body.contains("N0nce"), "{body}");
        assert!(
            body.contains(r#"<script type="module">boot()</script>"#),
            "{body}"
        );
        assert!(body.contains(r#"crossorigin="""#), "{body}");
        assert!(
            body.contains("<script>injected()</script>"),
            "other markup is untouched"
        );
    }

    #[test]
    fn a_page_without_the_nonce_allows_no_inline_script() {
        let sealed = seal(
            Bytes::from_static(b"<p>500</p><script>x()</script>"),
            "N0nce",
        );
        assert_eq!(&sealed.body[..], b"<p>500</p><script>x()</script>");
        let policy = sealed.policy.to_str().expect("ascii");
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{policy}"
        );
    }

    #[test]
    fn an_unclosed_script_ends_the_scan_without_panicking() {
        let sealed = seal(
            Bytes::from_static(b"<script nonce=\"N0nce\">never closed"),
            "N0nce",
        );
        assert!(!sealed.policy.to_str().expect("ascii").contains("sha256"));
    }
}
