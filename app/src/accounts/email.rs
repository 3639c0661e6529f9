//! `Email`: an address checked once at the boundary and compared in a normalised form.

use serde::{Deserialize, Serialize};

/// A syntactically plausible email address, trimmed. `normalized()` (lower case) is what
/// uniqueness and look-ups use; the address as typed is kept for display and mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim();
        if email.is_empty() {
            return Err("enter your email address");
        }
        if email.len() > 254 {
            return Err("that email address is too long");
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("enter a valid email address, like name@example.com");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if !domain_ok || !local_ok {
            return Err("enter a valid email address, like name@example.com");
        }
        Ok(Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_real_addresses_and_normalises_case() {
        let email = Email::parse("  Ada.Lovelace+shop@Example.co.uk ").expect("valid");
        assert_eq!(email.as_str(), "Ada.Lovelace+shop@Example.co.uk");
        assert_eq!(email.normalized(), "ada.lovelace+shop@example.co.uk");
        assert!(Email::parse("zoë@bücher.de").is_ok());
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@.com",
            "a@b..com",
            "a b@c.com",
            "a@b.com.",
            "<a>@b.com",
            "a@b_c.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }
}
