//! Names in URLs and on shelves: slugs (letters of any script, digits, hyphens) and SKUs.

/// A URL name: lower-case letters (of any script: "שלום", "قميص", "日本茶" as well as
/// "linen"), digits and single hyphens, 1–80 characters. Browsers show such paths as
/// they are and send them percent-encoded; see [`Slug::url_path`].
pub struct Slug;

impl Slug {
    pub const MAX: usize = 80;

    /// Whether `s` is already a valid slug.
    pub fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.chars().count() <= Self::MAX
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c == '-' || (c.is_alphanumeric() && !c.is_uppercase()))
    }

    /// A slug made from a name: "Café Crème 🎉 Mug" -> "cafe-creme-mug", "חולצת פשתן" ->
    /// "חולצת-פשתן". Empty when the name has no letters or digits at all (emoji only).
    pub fn from_name(name: &str) -> String {
        let mut out = String::new();
        let mut count = 0;
        for c in crate::platform::text::fold_accents(name).chars() {
            if c.is_alphanumeric() {
                for lower in c.to_lowercase() {
                    out.push(lower);
                    count += 1;
                }
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
                count += 1;
            }
            if count >= Self::MAX {
                break;
            }
        }
        let out = out.trim_end_matches('-');
        out.chars()
            .take(Self::MAX)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }

    /// `slug` as a path segment of an absolute URL (sitemap, canonical): non-ASCII
    /// letters percent-encoded, as browsers send them.
    pub fn url_path(slug: &str) -> String {
        let mut out = String::with_capacity(slug.len());
        for byte in slug.bytes() {
            if byte.is_ascii_alphanumeric() || byte == b'-' {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }

    /// A slug as it arrives in a request path, decoded (`%D7%A9…` → "ש…"); `None` when
    /// the encoding is broken.
    pub fn from_path(raw: &str) -> Option<String> {
        if !raw.contains('%') {
            return Some(raw.to_owned());
        }
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = raw.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).ok()
    }
}

/// A stock-keeping unit: 1–64 visible ASCII characters, no spaces; kept as typed but
/// compared case-insensitively (stored upper-case).
pub struct Sku;

impl Sku {
    pub fn parse(s: &str) -> Option<String> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_graphic()))
            .then(|| s.to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_any_name() {
        assert_eq!(Slug::from_name("Café Crème 🎉 Mug"), "cafe-creme-mug");
        assert_eq!(Slug::from_name("  --Hello,   World!-- "), "hello-world");
        assert_eq!(Slug::from_name("🎉🎉"), "");
        assert_eq!(Slug::from_name("חולצת פשתן"), "חולצת-פשתן");
        assert_eq!(Slug::from_name("قميص كتان"), "قميص-كتان");
        assert_eq!(Slug::from_name("ÄRMEL Größe"), "armel-grosse");
        assert!(Slug::is_valid("חולצת-פשתן"));
        assert!(!Slug::is_valid("Ärmel"));
        assert!(Slug::from_name(&"ש".repeat(200)).chars().count() <= Slug::MAX);
        assert_eq!(Slug::url_path("שלום-2"), "%D7%A9%D7%9C%D7%95%D7%9D-2");
        assert_eq!(
            Slug::from_path("%D7%A9%D7%9C%D7%95%D7%9D-2").as_deref(),
            Some("שלום-2")
        );
        assert_eq!(Slug::from_path("%zz"), None);
        assert!(Slug::is_valid("linen-shirt-2"));
        assert!(!Slug::is_valid("Linen"));
        assert!(!Slug::is_valid("a--b"));
        assert!(!Slug::is_valid("-a"));
        assert!(!Slug::is_valid(""));
    }

    #[test]
    fn skus_are_trimmed_and_upper_cased() {
        assert_eq!(Sku::parse(" ab-12 ").as_deref(), Some("AB-12"));
        assert_eq!(Sku::parse("a b"), None);
        assert_eq!(Sku::parse(""), None);
        assert_eq!(Sku::parse("é"), None);
    }
}
