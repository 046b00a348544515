//! Sealing and opening one secret value: `ENC[v1,<base64 of nonce || ciphertext || tag>]`.
//!
//! XChaCha20-Poly1305 with a random 24-byte nonce per value (large enough that random
//! nonces never collide in practice). The associated data names the environment and the
//! secret, so a ciphertext copied to another name or environment fails to open.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use secrecy::ExposeSecret;
use zeroize::{Zeroize, Zeroizing};

use super::encoding::field;
use super::{CryptoError, DataKey};

const PREFIX: &str = "ENC[";
const SUFFIX: &str = "]";
const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
// Longest version token we echo back in an error; anything longer is just malformed.
const MAX_VERSION_LEN: usize = 8;

/// A decrypted secret value: zeroized on drop, redacted in `Debug`, no `Display`.
///
/// Read it with [`ExposeSecret::expose_secret`], at the point where it is needed.
pub struct Plaintext(Zeroizing<String>);

impl ExposeSecret<str> for Plaintext {
    fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for Plaintext {
    fn from(value: String) -> Self {
        Plaintext(Zeroizing::new(value))
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Plaintext(<redacted>)")
    }
}

/// Encrypts `plaintext` as the secret `name` of environment `env`.
pub fn seal(key: &DataKey, env: &str, name: &str, plaintext: &[u8]) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::getrandom(&mut nonce).expect("the OS random generator is required for nonces");

    // Room for the tag up front: growing the buffer later would leave a copy of the
    // plaintext behind in freed memory.
    let mut payload = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    payload.extend_from_slice(&nonce);
    let mut body = Zeroizing::new(Vec::with_capacity(plaintext.len() + TAG_LEN));
    body.extend_from_slice(plaintext);
    cipher(key)
        .encrypt_in_place(XNonce::from_slice(&nonce), &aad(env, name), &mut *body)
        .expect("XChaCha20-Poly1305 accepts any message that fits in memory");
    payload.extend_from_slice(&body);

    format!("{PREFIX}{VERSION},{}{SUFFIX}", BASE64.encode(&payload))
}

/// Decrypts a value made by [`seal`] for the same key, environment and name.
pub fn open(key: &DataKey, env: &str, name: &str, sealed: &str) -> Result<Plaintext, CryptoError> {
    let payload = parse(sealed)?;
    let (nonce, ciphertext) = payload.split_at(NONCE_LEN);

    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher(key)
        .decrypt_in_place(XNonce::from_slice(nonce), &aad(env, name), &mut *buffer)
        .map_err(|_| CryptoError::Authentication)?;

    // Taking the Vec moves its allocation into the String: no copy of the plaintext is made.
    match String::from_utf8(std::mem::take(&mut *buffer)) {
        Ok(text) => Ok(Plaintext::from(text)),
        Err(err) => {
            err.into_bytes().zeroize();
            Err(CryptoError::NotUtf8)
        }
    }
}

/// Checks that `sealed` is a well-formed `ENC[v1,…]` value without a key, so a secrets
/// file can be checked for shape where no identity is available (CI, `cfgc check`).
pub fn check_sealed(sealed: &str) -> Result<(), CryptoError> {
    parse(sealed).map(|_| ())
}

/// Checks the `ENC[v1,...]` frame and returns the decoded nonce and ciphertext.
fn parse(sealed: &str) -> Result<Vec<u8>, CryptoError> {
    let inner = sealed
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .ok_or(CryptoError::Malformed("not of the form `ENC[...]`"))?;
    let (version, body) = inner
        .split_once(',')
        .ok_or(CryptoError::Malformed("missing `,` after the version"))?;
    if version != VERSION {
        let looks_like_version = version.len() <= MAX_VERSION_LEN
            && version.strip_prefix('v').is_some_and(|digits| {
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            });
        return Err(if looks_like_version {
            CryptoError::UnsupportedVersion(version.to_owned())
        } else {
            CryptoError::Malformed("the version is not of the form `v<number>`")
        });
    }
    let payload = BASE64
        .decode(body)
        .map_err(|_| CryptoError::Malformed("the payload is not valid base64"))?;
    if payload.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Malformed(
            "the payload is too short to hold a nonce and a tag",
        ));
    }
    Ok(payload)
}

fn cipher(key: &DataKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.values_key().into())
}

/// Associated data: binds the value to its format version, environment and name.
fn aad(env: &str, name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(3 * 8 + 7 + env.len() + name.len());
    field(&mut out, b"cfgc v1");
    field(&mut out, env.as_bytes());
    field(&mut out, name.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(plaintext: &str) {
        let key = DataKey::generate();
        let sealed = seal(&key, "prod", "db_password", plaintext.as_bytes());
        let opened = open(&key, "prod", "db_password", &sealed).expect("round trip");
        assert_eq!(opened.expose_secret(), plaintext);
    }

    #[test]
    fn round_trip() {
        roundtrip("hunter2");
        roundtrip("");
        roundtrip("multi\nline ünïcode ✓");
    }

    #[test]
    fn format_is_enc_v1_base64() {
        let key = DataKey::generate();
        let sealed = seal(&key, "prod", "x", b"abc");
        let body = sealed
            .strip_prefix("ENC[v1,")
            .and_then(|s| s.strip_suffix(']'))
            .expect("ENC[v1,...] frame");
        let payload = BASE64.decode(body).expect("standard base64");
        assert_eq!(payload.len(), NONCE_LEN + 3 + TAG_LEN);
    }

    #[test]
    fn nonce_is_fresh_each_time() {
        let key = DataKey::generate();
        assert_ne!(seal(&key, "e", "n", b"same"), seal(&key, "e", "n", b"same"));
    }

    #[test]
    fn wrong_env_or_name_fails() {
        let key = DataKey::generate();
        let sealed = seal(&key, "prod", "api_key", b"s3cret");
        for (env, name) in [("staging", "api_key"), ("prod", "api_key2"), ("", "")] {
            assert_eq!(
                open(&key, env, name, &sealed).map(|_| ()),
                Err(CryptoError::Authentication),
                "{env}/{name}"
            );
        }
    }

    #[test]
    fn aad_is_unambiguous_between_env_and_name() {
        let key = DataKey::generate();
        let sealed = seal(&key, "ab", "c", b"v");
        assert!(open(&key, "a", "bc", &sealed).is_err());
    }

    #[test]
    fn wrong_key_fails() {
        let sealed = seal(&DataKey::generate(), "e", "n", b"v");
        let err = open(&DataKey::generate(), "e", "n", &sealed).map(|_| ());
        assert_eq!(err, Err(CryptoError::Authentication));
    }

    #[test]
    fn tampered_ciphertext_fails() {
        let key = DataKey::generate();
        let sealed = seal(&key, "e", "n", b"value");
        let mut payload = parse(&sealed).expect("own output parses");
        for i in 0..payload.len() {
            payload[i] ^= 1;
            let tampered = format!("ENC[v1,{}]", BASE64.encode(&payload));
            let err = open(&key, "e", "n", &tampered).map(|_| ());
            assert_eq!(err, Err(CryptoError::Authentication), "byte {i}");
            payload[i] ^= 1;
        }
    }

    #[test]
    fn malformed_text_is_rejected() {
        let key = DataKey::generate();
        let short = format!("ENC[v1,{}]", BASE64.encode([0u8; NONCE_LEN + TAG_LEN - 1]));
        for text in [
            "",
            "plain text",
            "ENC[v1,AAAA",
            "ENC[v1]",
            "ENC[v1,not base64!]",
            "enc[v1,AAAA]",
            " ENC[v1,AAAA]",
            "ENC[version one,AAAA]",
            short.as_str(),
        ] {
            let err = open(&key, "e", "n", text).map(|_| ());
            assert!(
                matches!(err, Err(CryptoError::Malformed(_))),
                "{text:?}: {err:?}"
            );
        }
    }

    #[test]
    fn unknown_version_is_named() {
        let key = DataKey::generate();
        let err = open(&key, "e", "n", "ENC[v2,AAAA]").map(|_| ());
        assert_eq!(err, Err(CryptoError::UnsupportedVersion("v2".into())));
    }

    #[test]
    fn non_utf8_plaintext_is_rejected() {
        let key = DataKey::generate();
        let sealed = seal(&key, "e", "n", &[0xff, 0xfe]);
        let err = open(&key, "e", "n", &sealed).map(|_| ());
        assert_eq!(err, Err(CryptoError::NotUtf8));
    }

    #[test]
    fn debug_is_redacted() {
        let key = DataKey::generate();
        let sealed = seal(&key, "e", "n", b"hunter2");
        let opened = open(&key, "e", "n", &sealed).expect("round trip");
        assert_eq!(format!("{opened:?}"), "Plaintext(<redacted>)");
    }
}
