//! Secrets handed to users (mail links, refresh tokens, recovery codes): 256 random bits,
//! URL-safe; only their SHA-256 is stored, so a database leak yields nothing usable.

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A new random token (32 bytes, 43 URL-safe characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    BASE64URL_NOPAD.encode(&bytes)
}

/// What the database keeps of a token.
pub fn digest(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = generate();
        assert_eq!(a.len(), 43);
        assert_ne!(a, generate());
        assert_eq!(digest(&a), digest(&a));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }
}
