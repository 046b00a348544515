//! Pending values: a secret set by someone who holds no key for the environment, sealed
//! on its own with age to the environment's recipients. It sits outside the file's MAC
//! (its writer cannot compute one), so it is unauthenticated until a key holder reviews
//! it and folds it in with `cfgc secrets seal`.
//!
//! The age payload names its environment and secret, so a pending value moved to another
//! name or file is refused when it is sealed.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::project::recipient::Recipient;
use crate::secrets::crypto::{CryptoError, Plaintext};
use crate::secrets::identity::Identity;

const MAGIC: &[u8] = b"cfgc pending v1\0";
const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";
/// A pending value's text, at most: far more than any secret, small enough to parse.
pub const MAX_LEN: usize = 256 * 1024;

/// `value` for `name` of `env`, encrypted with age to `recipients`, as base64.
pub fn seal(
    env: &str,
    name: &str,
    value: &Plaintext,
    recipients: &[Recipient],
) -> Result<String, CryptoError> {
    let encryptor = age::Encryptor::with_recipients(
        recipients
            .iter()
            .map(|r| r.as_age_recipient() as &dyn age::Recipient),
    )
    .map_err(|e| CryptoError::Wrap(e.to_string()))?;
    let io = |e: std::io::Error| CryptoError::Wrap(e.to_string());
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).map_err(io)?;
    writer.write_all(&payload(env, name, value)).map_err(io)?;
    writer.finish().map_err(io)?;
    Ok(BASE64.encode(out))
}

fn payload(env: &str, name: &str, value: &Plaintext) -> Zeroizing<Vec<u8>> {
    let mut p = Zeroizing::new(Vec::with_capacity(64 + value.expose_secret().len()));
    p.extend_from_slice(MAGIC);
    for part in [env, name] {
        p.extend_from_slice(part.as_bytes());
        p.push(0);
    }
    p.extend_from_slice(value.expose_secret().as_bytes());
    p
}

/// Whether `text` looks like what `seal` writes (checked without a key, when parsing).
pub fn is_well_formed(text: &str) -> bool {
    text.len() <= MAX_LEN
        && BASE64
            .decode(text)
            .is_ok_and(|bytes| bytes.starts_with(AGE_HEADER))
}

/// Why a pending value could not be opened. Never holds any of the value.
#[derive(Debug, PartialEq, Eq)]
pub enum PendingError {
    /// None of the identities is a recipient of this value.
    NoIdentity,
    /// Damaged, or not sealed by cfgc.
    Malformed,
    /// Sealed for another secret or environment: moved by hand.
    Moved,
}

impl PendingError {
    pub fn describe(&self) -> &'static str {
        match self {
            PendingError::NoIdentity => "no identity at hand is one of its recipients",
            PendingError::Malformed => "it is damaged, or was not written by cfgc",
            PendingError::Moved => {
                "it was sealed for another secret or environment and moved here by hand"
            }
        }
    }
}

/// The value of `name` in `env` from its pending text, with one of `identities`.
pub fn open<'a>(
    env: &str,
    name: &str,
    text: &str,
    identities: impl IntoIterator<Item = &'a Identity>,
) -> Result<Plaintext, PendingError> {
    let bytes = BASE64.decode(text).map_err(|_| PendingError::Malformed)?;
    let decryptor =
        age::Decryptor::new_buffered(&bytes[..]).map_err(|_| PendingError::Malformed)?;
    let mut reader = decryptor
        .decrypt(identities.into_iter().map(Identity::as_age_identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => PendingError::NoIdentity,
            _ => PendingError::Malformed,
        })?;
    let mut plain = Zeroizing::new(Vec::new());
    reader
        .by_ref()
        .take(MAX_LEN as u64)
        .read_to_end(&mut plain)
        .map_err(|_| PendingError::Malformed)?;
    let expected = {
        let mut head = MAGIC.to_vec();
        for part in [env, name] {
            head.extend_from_slice(part.as_bytes());
            head.push(0);
        }
        head
    };
    let Some(value) = plain.strip_prefix(expected.as_slice()) else {
        return Err(if plain.starts_with(MAGIC) {
            PendingError::Moved
        } else {
            PendingError::Malformed
        });
    };
    let text = std::str::from_utf8(value).map_err(|_| PendingError::Malformed)?;
    Ok(Plaintext::from(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (Identity, Recipient) {
        let id = age::x25519::Identity::generate();
        let public = id.to_public().to_string();
        (
            Identity::from_x25519(id, "test"),
            public.parse().expect("a recipient"),
        )
    }

    #[test]
    fn opens_only_as_the_same_name_and_environment() {
        let (id, r) = key();
        let value = Plaintext::from("redis://canary-77".to_string());
        let text = seal("prod", "REDIS_URL", &value, &[r]).expect("seal");
        assert!(is_well_formed(&text));
        assert!(!text.contains("canary"));
        let opened = open("prod", "REDIS_URL", &text, [&id]).expect("open");
        assert_eq!(opened.expose_secret(), "redis://canary-77");
        assert_eq!(
            open("prod", "OTHER", &text, [&id]).err(),
            Some(PendingError::Moved)
        );
        assert_eq!(
            open("staging", "REDIS_URL", &text, [&id]).err(),
            Some(PendingError::Moved)
        );
        let (other, _) = key();
        assert_eq!(
            open("prod", "REDIS_URL", &text, [&other]).err(),
            Some(PendingError::NoIdentity)
        );
        assert!(!is_well_formed("bm90IGFnZQ=="));
    }
}
