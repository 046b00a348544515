//! Recipients of a secrets file's data key: age X25519 public keys (`age1…`) and OpenSSH
//! public keys (`ssh-ed25519 …`, `ssh-rsa …`), as listed for an environment.

use std::fmt;
use std::str::FromStr;

use age::ssh::ParseRecipientKeyError;
use thiserror::Error;

/// One public key the data key is wrapped to.
///
/// The canonical text (`as_str`, `Display`) is what is stored and MAC'd: `age1…` in
/// lowercase, or `<type> <base64>` for SSH keys. An SSH key's comment is dropped from it,
/// because renaming a key must not change the file; it stays available via [`comment`].
///
/// [`comment`]: Recipient::comment
#[derive(Clone)]
pub struct Recipient {
    canonical: String,
    comment: Option<String>,
    key: Key,
}

#[derive(Clone)]
enum Key {
    X25519(age::x25519::Recipient),
    Ssh(age::ssh::Recipient),
}

/// Why a recipient line was refused. Never echoes more than a key type.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RecipientError {
    #[error(
        "not an age recipient or SSH public key: expected `age1…` or `ssh-ed25519 …` (or `ssh-rsa …`)"
    )]
    Unrecognised,
    /// The commonest mistake: pasting the key file instead of the public key.
    #[error(
        "this is an age secret key, not a recipient; use its public key (`age-keygen -y KEYFILE` prints it) and keep the secret key out of the project"
    )]
    SecretKey,
    #[error(
        "this is a private key, not a public key; use the `.pub` file next to it and keep the private key out of the project"
    )]
    PrivateKey,
    #[error("invalid age recipient: {0}")]
    InvalidAge(&'static str),
    #[error("invalid SSH public key: {0}")]
    InvalidSsh(&'static str),
    #[error(
        "SSH key type `{0}` is not supported; use an `ssh-ed25519` key, an `ssh-rsa` key, or an age key from `age-keygen`"
    )]
    UnsupportedSshType(String),
    #[error("SSH RSA key is shorter than 2048 bits, which is too weak; use `ssh-ed25519` instead")]
    RsaTooSmall,
    #[error("SSH RSA key is longer than age supports (16384 bits); use `ssh-ed25519` instead")]
    RsaTooLarge,
}

// A key type is a short token like `ecdsa-sha2-nistp256`; anything longer is not echoed.
const MAX_ECHOED_TYPE_LEN: usize = 64;

impl FromStr for Recipient {
    type Err = RecipientError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.starts_with("age1") || text.starts_with("AGE1") {
            return parse_age(text);
        }
        // Anywhere in the text and in any letter case (Bech32 is case-insensitive): a key
        // pasted after a comment or in lowercase must be refused as a key too, so the source
        // line shown with the error is redacted.
        let upper = text.to_ascii_uppercase();
        if upper.contains("AGE-SECRET-KEY-") || upper.contains("AGE-PLUGIN-") {
            return Err(RecipientError::SecretKey);
        }
        if text.starts_with("-----BEGIN") || upper.contains("PRIVATE KEY-----") {
            return Err(RecipientError::PrivateKey);
        }
        parse_ssh(text)
    }
}

fn parse_age(text: &str) -> Result<Recipient, RecipientError> {
    let key = text
        .parse::<age::x25519::Recipient>()
        .map_err(RecipientError::InvalidAge)?;
    Ok(Recipient {
        canonical: key.to_string(),
        comment: None,
        key: Key::X25519(key),
    })
}

fn parse_ssh(text: &str) -> Result<Recipient, RecipientError> {
    // `<type> <base64> [comment]`; the comment may itself contain spaces.
    let (key_type, rest) = split_token(text);
    let (blob, comment) = split_token(rest);
    if blob.is_empty() {
        return Err(RecipientError::Unrecognised);
    }
    let comment = Some(comment).filter(|c| !c.is_empty()).map(str::to_owned);
    if !key_type.starts_with("ssh-")
        && !key_type.starts_with("ecdsa-")
        && !key_type.starts_with("sk-")
    {
        return Err(RecipientError::Unrecognised);
    }

    let key = format!("{key_type} {blob}")
        .parse::<age::ssh::Recipient>()
        .map_err(|err| match err {
            ParseRecipientKeyError::Unsupported(_) | ParseRecipientKeyError::Ignore => {
                unsupported(key_type)
            }
            ParseRecipientKeyError::RsaModulusTooSmall => RecipientError::RsaTooSmall,
            ParseRecipientKeyError::RsaModulusTooLarge => RecipientError::RsaTooLarge,
            ParseRecipientKeyError::Invalid(reason) => RecipientError::InvalidSsh(reason),
            // The enum is non-exhaustive; a future reason is still an invalid key.
            _ => RecipientError::InvalidSsh("unrecognised key data"),
        })?;
    let canonical = key.to_string();
    // age's parser stops at the end of the key data and ignores what follows; a blob with
    // trailing characters (a truncated paste, two keys run together) must not pass.
    if canonical
        .split_once(' ')
        .map(|(_, b)| b.trim_end_matches('='))
        != Some(blob.trim_end_matches('='))
    {
        return Err(RecipientError::InvalidSsh(
            "unexpected characters after the key data",
        ));
    }
    Ok(Recipient {
        canonical,
        comment,
        key: Key::Ssh(key),
    })
}

/// The first whitespace-separated token and the trimmed rest.
fn split_token(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.split_once(char::is_whitespace) {
        Some((token, rest)) => (token, rest.trim()),
        None => (text, ""),
    }
}

fn unsupported(key_type: &str) -> RecipientError {
    let mut shown: String = key_type.chars().take(MAX_ECHOED_TYPE_LEN).collect();
    if shown.len() < key_type.len() {
        shown.push('…');
    }
    RecipientError::UnsupportedSshType(shown)
}

impl Recipient {
    /// The canonical text, as stored in files and covered by the MAC.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The comment after an SSH key (often `user@host`), for display only.
    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    /// This recipient in the form age's `Encryptor::with_recipients` takes.
    pub fn as_age_recipient(&self) -> &(dyn age::Recipient + Send) {
        match &self.key {
            Key::X25519(key) => key,
            Key::Ssh(key) => key,
        }
    }

    /// An owned age recipient, for APIs that collect boxed recipients.
    pub fn to_age_recipient(&self) -> Box<dyn age::Recipient + Send> {
        match &self.key {
            Key::X25519(key) => Box::new(key.clone()),
            Key::Ssh(key) => Box::new(key.clone()),
        }
    }

    pub(crate) fn from_x25519(key: age::x25519::Recipient) -> Recipient {
        Recipient {
            canonical: key.to_string(),
            comment: None,
            key: Key::X25519(key),
        }
    }

    pub(crate) fn from_ssh(key: age::ssh::Recipient) -> Recipient {
        Recipient {
            canonical: key.to_string(),
            comment: None,
            key: Key::Ssh(key),
        }
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Recipient").field(&self.canonical).finish()
    }
}

// Identity is the canonical text: two spellings of one key are the same recipient.
impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for Recipient {}

impl std::hash::Hash for Recipient {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

impl PartialOrd for Recipient {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Recipient {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.canonical.cmp(&other.canonical)
    }
}

#[cfg(test)]
impl Recipient {
    /// A fresh X25519 recipient, for unit tests that need someone to encrypt to.
    pub(crate) fn generate() -> Recipient {
        age::x25519::Identity::generate()
            .to_public()
            .to_string()
            .parse()
            .expect("a recipient")
    }
}

#[cfg(test)]
mod tests;
