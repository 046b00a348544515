//! The per-file data key and the subkeys derived from it.

use std::fmt;

use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

/// Length of the data key and of each derived subkey, in bytes.
pub(super) const KEY_LEN: usize = 32;

// Changing either label makes every existing file unreadable: they are part of the format.
const VALUES_INFO: &[u8] = b"cfgc v1 values";
const MAC_INFO: &[u8] = b"cfgc v1 mac";
const SIGNING_INFO: &[u8] = b"cfgc v1 signing";

/// The random key of one secrets file.
///
/// It is kept in boxed, zeroize-on-drop memory together with its two derived subkeys, and
/// has no `Display` and a redacted `Debug`, so it cannot end up in a message by accident.
pub struct DataKey {
    raw: SecretBox<[u8; KEY_LEN]>,
    values: SecretBox<[u8; KEY_LEN]>,
    mac: SecretBox<[u8; KEY_LEN]>,
}

impl DataKey {
    /// A fresh key from the operating system's random generator.
    ///
    /// # Panics
    /// If the OS generator is unavailable: there is no safe fallback for key material.
    pub fn generate() -> DataKey {
        let raw = SecretBox::init_with_mut(|bytes: &mut [u8; KEY_LEN]| {
            getrandom::getrandom(bytes).expect("the OS random generator is required to make keys");
        });
        Self::from_secret(raw)
    }

    /// Builds a key from bytes recovered from an age file; the caller's copy is the
    /// caller's to zeroize.
    pub(super) fn from_bytes(bytes: &[u8; KEY_LEN]) -> DataKey {
        Self::from_secret(SecretBox::init_with_mut(|raw: &mut [u8; KEY_LEN]| {
            raw.copy_from_slice(bytes)
        }))
    }

    fn from_secret(raw: SecretBox<[u8; KEY_LEN]>) -> DataKey {
        let hkdf = Hkdf::<Sha256>::new(None, raw.expose_secret());
        let derive = |info: &[u8]| {
            SecretBox::init_with_mut(|okm: &mut [u8; KEY_LEN]| {
                hkdf.expand(info, okm)
                    .expect("32 bytes is a valid HKDF-SHA256 output length");
            })
        };
        DataKey {
            values: derive(VALUES_INFO),
            mac: derive(MAC_INFO),
            raw,
        }
    }

    /// The raw key bytes, as wrapped in the age file.
    ///
    /// Only for wrapping and for interoperability tests that compare with the `age` CLI;
    /// anything else should go through `seal`, `open` and `mac`.
    #[doc(hidden)]
    pub fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        self.raw.expose_secret()
    }

    pub(super) fn values_key(&self) -> &[u8; KEY_LEN] {
        self.values.expose_secret()
    }

    pub(super) fn mac_key(&self) -> &[u8; KEY_LEN] {
        self.mac.expose_secret()
    }

    /// The file's Ed25519 signing key, derived like the other subkeys: its public half is
    /// published in the file (`signer`), so anyone can check a confirmation it signed.
    pub fn signing_key(&self) -> ed25519_dalek::SigningKey {
        let mut seed = zeroize::Zeroizing::new([0u8; KEY_LEN]);
        Hkdf::<Sha256>::new(None, self.raw.expose_secret())
            .expand(SIGNING_INFO, seed.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        ed25519_dalek::SigningKey::from_bytes(&seed)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::DataKey;

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", DataKey::generate()), "DataKey(<redacted>)");
    }

    #[test]
    fn keys_differ_and_subkeys_differ_from_the_raw_key() {
        let a = DataKey::generate();
        let b = DataKey::generate();
        assert_ne!(a.expose_bytes(), b.expose_bytes());
        assert_ne!(a.values_key(), a.expose_bytes());
        assert_ne!(a.mac_key(), a.expose_bytes());
        assert_ne!(a.values_key(), a.mac_key());
    }

    #[test]
    fn same_bytes_derive_same_subkeys() {
        let a = DataKey::generate();
        let b = DataKey::from_bytes(a.expose_bytes());
        assert_eq!(a.values_key(), b.values_key());
        assert_eq!(a.mac_key(), b.mac_key());
    }
}
