//! Identities: the private keys that unwrap a secrets file's data key. Reads age-keygen
//! key files and OpenSSH keys, passphrase-protected or not; [`discover`] finds them where
//! cfgc, sops and age users keep them.

mod discover;
mod error;
mod parse;
mod passphrase;

use std::fmt;

pub use discover::{IdentitySources, Searched, discover, discover_project_file};
pub use error::IdentityError;

use crate::project::recipient::Recipient;

/// Key files are tiny; a bigger file was named by mistake, and reading it whole would
/// only waste memory.
pub(crate) const MAX_FILE_LEN: u64 = 1 << 20;

/// One private key, with a note of where it came from for messages such as "decrypted
/// with …" or "tried …".
pub struct Identity {
    source: String,
    key: Key,
}

enum Key {
    X25519(age::x25519::Identity),
    Ssh(age::ssh::Identity),
}

impl Identity {
    /// Wraps an age X25519 key, e.g. one just generated for a demo environment.
    pub fn from_x25519(key: age::x25519::Identity, source: impl Into<String>) -> Identity {
        Identity {
            source: source.into(),
            key: Key::X25519(key),
        }
    }

    /// Where this key was found: a file and line, or an environment variable.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The public key matching this identity, to tell whether it is among a file's
    /// recipients without trying to decrypt.
    pub fn recipient(&self) -> Option<Recipient> {
        match &self.key {
            Key::X25519(key) => Some(Recipient::from_x25519(key.to_public())),
            Key::Ssh(key) => age::ssh::Recipient::try_from(key.clone())
                .ok()
                .map(Recipient::from_ssh),
        }
    }

    /// This identity in the form age's `Decryptor` takes.
    pub fn as_age_identity(&self) -> &dyn age::Identity {
        match &self.key {
            Key::X25519(key) => key,
            Key::Ssh(key) => key,
        }
    }

    fn kind(&self) -> &'static str {
        match &self.key {
            Key::X25519(_) => "x25519",
            Key::Ssh(_) => "ssh",
        }
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("source", &self.source)
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
