//! Password rules and hashing. argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1),
//! always on the blocking pool so a login never stalls the async workers.

use crate::platform::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// 8,449 common passwords of 8 characters or more, lower-cased and sorted (from the list
/// Django ships, BSD licence; shorter ones fail the length rule anyway).
const COMMON: &str = include_str!("common-passwords.txt");

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the rules a new password must meet, with a message a shopper can act on.
pub fn validate(password: &str, field: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(AppError::validation(
            field,
            format!("use at least {MIN_LEN} characters"),
        ));
    }
    if len > MAX_LEN {
        return Err(AppError::validation(
            field,
            format!("use at most {MAX_LEN} characters"),
        ));
    }
    if is_common(password) {
        return Err(AppError::validation(
            field,
            "this password is too common and easy to guess; choose another",
        ));
    }
    Ok(())
}

fn is_common(password: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| COMMON.lines().collect());
    list.binary_search(&password.to_lowercase().as_str())
        .is_ok()
}

/// The PHC string of `password` (salted argon2id).
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("password hashing task")))?
}

/// Whether `password` matches `phc`. With `phc = None` (no such user) the same work is
/// done against a fixed hash, so an unknown email costs what a known one does.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return Ok(false);
        };
        let ok = argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("password hashing task")))?
}

/// The hash an unknown email is checked against: argon2id of a random password nobody
/// kept, with the parameters of [`argon2`] (a test holds them equal). A constant rather
/// than a hash made at start-up: making one costs 19 MB and tens of milliseconds.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$xWHZxYPX9KCujqMpBWc19w$y7wnP+RDyNUegicX6HwJpyqx4JvFVkdgjJ9Lk367DiY";

fn dummy_hash() -> &'static str {
    DUMMY_HASH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        let list: Vec<&str> = COMMON.lines().collect();
        assert!(list.len() > 8_000);
        assert!(list.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn rules() {
        assert!(validate("short", "password").is_err());
        assert!(validate(&"x".repeat(129), "password").is_err());
        assert!(validate("password123", "password").is_err(), "common");
        assert!(
            validate("PassWord123", "password").is_err(),
            "case does not hide it"
        );
        assert!(validate("correct horse battery", "password").is_ok());
        // Length counts characters, not bytes.
        assert!(validate("ééééééé", "password").is_err());
        assert!(validate("éééééééé", "password").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_record_the_parameters() {
        let phc = hash("correct horse battery".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), Some(phc.clone()))
            .await
            .expect("verify"));
        assert!(!verify("wrong horse battery".into(), Some(phc))
            .await
            .expect("verify"));
        assert!(!verify("anything at all".into(), None)
            .await
            .expect("verify"));
    }

    #[test]
    fn the_unknown_email_hash_costs_what_a_real_one_does() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("a valid PHC string");
        let params = Params::try_from(&dummy).expect("argon2 parameters");
        let ours = argon2();
        assert_eq!(dummy.algorithm.as_str(), "argon2id");
        assert_eq!(
            (
                params.m_cost(),
                params.t_cost(),
                params.p_cost(),
                params.output_len()
            ),
            (
                ours.params().m_cost(),
                ours.params().t_cost(),
                ours.params().p_cost(),
                Some(32)
            ),
            "regenerate DUMMY_HASH with the parameters of argon2()"
        );
    }
}
