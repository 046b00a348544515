//! Errors of the crypto layer. None of them carries plaintext or key bytes: the caller adds
//! the file and secret name it was working on.

use thiserror::Error;

/// Why a value could not be sealed, opened, or a data key wrapped.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// The text is not an encrypted value of any version we can parse.
    #[error("malformed encrypted value: {0}; expected `ENC[v1,<base64>]`")]
    Malformed(&'static str),

    /// A well-formed value from a newer (or unknown) format version.
    #[error(
        "encrypted value has version `{0}`, but this cfgc reads only `v1`; upgrade cfgc or re-encrypt the value"
    )]
    UnsupportedVersion(String),

    /// The tag did not verify: another file's key, another environment or secret name, or
    /// an edited ciphertext. The AEAD cannot tell these apart, so neither can we.
    #[error(
        "encrypted value failed authentication: it was encrypted under another data key, copied from another environment or secret name, or altered"
    )]
    Authentication,

    /// Authentic, but not text: cfgc only ever seals UTF-8, so this was not written by cfgc.
    #[error("decrypted value is not valid UTF-8 text")]
    NotUtf8,

    /// `wrap` was given an empty recipient list, which would lock the key away for good.
    #[error("no recipients to encrypt the data key to; add at least one recipient")]
    NoRecipients,

    /// age refused to encrypt to this set of recipients.
    #[error("cannot encrypt the data key to the recipients: {0}")]
    Wrap(String),
}

/// Why the data key could not be recovered from its age file.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum UnwrapError {
    /// The file is fine, but it was not encrypted to any of the identities we have.
    #[error(
        "none of the available identities can decrypt the data key; it is encrypted to other recipients"
    )]
    NoMatchingIdentity,

    /// Not an age file, a damaged one, or one that does not hold a 32-byte key.
    #[error("malformed wrapped data key: {0}")]
    Malformed(String),
}
