//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) and
//! recovery codes. A code is accepted one step either side of now, and never twice: the
//! last step used is stored, so a code seen over a shoulder is worthless afterwards.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha1::Sha1;

const STEP_SECS: i64 = 30;
const DIGITS: u32 = 6;

/// A new random secret (160 bits), base32 as authenticator apps expect it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

/// The `otpauth://` URI an authenticator app scans.
pub fn uri(secret: &str, issuer: &str, account: &str) -> String {
    fn enc(raw: &str) -> String {
        raw.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                other => format!("%{other:02X}"),
            })
            .collect()
    }
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The code of `secret` for the 30-second step `step` (RFC 4226's truncation).
pub fn code_at(secret: &str, step: i64) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = (u32::from(hash[offset]) & 0x7f) << 24
        | u32::from(hash[offset + 1]) << 16
        | u32::from(hash[offset + 2]) << 8
        | u32::from(hash[offset + 3]);
    Some(format!("{:06}", binary % 10u32.pow(DIGITS)))
}

/// The current 30-second step.
pub fn step_now() -> i64 {
    crate::platform::db::now_ms() / 1000 / STEP_SECS
}

/// The step `code` belongs to, if it matches now or one step either side and comes after
/// `last_step` (the last code used).
pub fn matching_step(secret: &str, code: &str, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let now = step_now();
    [now - 1, now, now + 1].into_iter().find(|&step| {
        last_step.is_none_or(|last| step > last)
            && code_at(secret, step).is_some_and(|expected| {
                subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into()
            })
    })
}

/// Ten recovery codes like `k7f2-9xq4`, each good once.
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..10)
        .map(|_| {
            let mut code = String::with_capacity(9);
            for i in 0..8 {
                if i == 4 {
                    code.push('-');
                }
                let idx = (rng.next_u32() as usize) % ALPHABET.len();
                code.push(char::from(ALPHABET[idx]));
            }
            code
        })
        .collect()
}

/// A recovery code as typed, tidied for hashing (case, spaces and dashes ignored).
pub fn normalize_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA1 key "12345678901234567890", 8 digits; we keep the
        // last 6 (the same truncation modulo 10^6).
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(
                code_at(&secret, time / STEP_SECS).as_deref(),
                Some(&eight[2..]),
                "t={time}"
            );
        }
    }

    #[test]
    fn a_code_is_good_once_within_a_step_either_side() {
        let secret = new_secret();
        let now = step_now();
        let code = code_at(&secret, now).expect("code");
        assert_eq!(matching_step(&secret, &code, None), Some(now));
        assert_eq!(matching_step(&secret, &code, Some(now)), None, "no replay");
        let previous = code_at(&secret, now - 1).expect("code");
        assert_eq!(matching_step(&secret, &previous, None), Some(now - 1));
        let old = code_at(&secret, now - 3).expect("code");
        assert_eq!(matching_step(&secret, &old, None), None);
        assert_eq!(matching_step(&secret, "12345", None), None);
        assert_eq!(matching_step(&secret, "abcdef", None), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            codes.iter().collect::<std::collections::HashSet<_>>().len(),
            10
        );
        assert_eq!(normalize_recovery(" K7F2-9XQ4 "), "k7f29xq4");
    }
}
