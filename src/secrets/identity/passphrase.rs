//! Passphrase-protected identities, as age and sops read them: an age-encrypted identity
//! file (`age -p keys.txt`) and an OpenSSH key with a passphrase. The passphrase is asked
//! for on the terminal (`/dev/tty`, never echoed), held in zeroizing memory, and the
//! decrypted key text never leaves zeroizing memory either. Without a terminal it is an
//! error that says what to do instead.

use std::io::{BufReader, Read};

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::IdentityError;
use super::MAX_FILE_LEN;

/// The most scrypt work accepted from an identity file: 2^20 is about 1 GiB and a second
/// or two; `age -p` writes 2^18 on most machines. More is a hostile file, not a key.
const MAX_WORK_FACTOR: u8 = 20;

/// Whether `bytes` are an age-encrypted file (binary or armored).
pub(super) fn is_age_encrypted(bytes: &[u8]) -> bool {
    let start = bytes.trim_ascii_start();
    start.starts_with(b"age-encryption.org/")
        || start.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

/// Whether `bytes` hold a key that needs a passphrase (age-encrypted, or an encrypted
/// OpenSSH or PEM key), without asking for one.
pub fn is_locked(bytes: &[u8]) -> bool {
    if is_age_encrypted(bytes) {
        return true;
    }
    let text = String::from_utf8_lossy(bytes);
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return true;
    }
    text.trim_start()
        .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
        && matches!(
            age::ssh::Identity::from_buffer(bytes, None),
            Ok(age::ssh::Identity::Encrypted(_))
        )
}

/// The decrypted text of an age-encrypted identity file, after asking for its passphrase.
pub(super) fn open_age(bytes: &[u8], origin: &str) -> Result<Zeroizing<String>, IdentityError> {
    let malformed = |reason| IdentityError::Malformed {
        origin: origin.to_owned(),
        line: None,
        reason,
    };
    let armored = age::armor::ArmoredReader::new(BufReader::new(bytes));
    let decryptor = age::Decryptor::new(armored)
        .map_err(|_| malformed("a damaged age-encrypted file; expected `age -p` output"))?;
    if !decryptor.is_scrypt() {
        return Err(IdentityError::Unsupported {
            origin: origin.to_owned(),
            what: "an identity file encrypted to a recipient rather than a passphrase".into(),
        });
    }
    let mut identity = age::scrypt::Identity::new(ask(origin)?);
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::ExcessiveWork { .. } => malformed(
                "its passphrase work factor is beyond what cfgc accepts (2^20); re-encrypt it with `age -p`",
            ),
            _ => IdentityError::WrongPassphrase {
                origin: origin.to_owned(),
            },
        })?;
    let mut plain = Zeroizing::new(Vec::new());
    reader
        .take(MAX_FILE_LEN + 1)
        .read_to_end(&mut plain)
        .map_err(|_| IdentityError::WrongPassphrase {
            origin: origin.to_owned(),
        })?;
    if plain.len() as u64 > MAX_FILE_LEN {
        return Err(IdentityError::TooLarge {
            origin: origin.to_owned(),
            limit: MAX_FILE_LEN,
        });
    }
    let text = std::str::from_utf8(&plain)
        .map_err(|_| malformed("it decrypts to something other than a key file"))?;
    if is_age_encrypted(text.as_bytes()) {
        return Err(malformed("it decrypts to another encrypted file"));
    }
    Ok(Zeroizing::new(text.to_owned()))
}

/// An encrypted OpenSSH key, opened with the passphrase asked for.
pub(super) fn open_ssh(
    key: &age::ssh::EncryptedKey,
    origin: &str,
) -> Result<age::ssh::Identity, IdentityError> {
    key.decrypt(ask(origin)?)
        .map(age::ssh::Identity::Unencrypted)
        .map_err(|_| IdentityError::WrongPassphrase {
            origin: origin.to_owned(),
        })
}

/// The passphrase, read from the terminal without echo. rpassword reads `/dev/tty`, not
/// stdin, so piped input (`secrets set`) is never taken for a passphrase.
fn ask(origin: &str) -> Result<SecretString, IdentityError> {
    let typed = rpassword::prompt_password(format!("Enter passphrase for {origin}: "))
        .map(Zeroizing::new)
        .map_err(|_| IdentityError::NoTerminal {
            origin: origin.to_owned(),
        })?;
    if typed.is_empty() {
        return Err(IdentityError::WrongPassphrase {
            origin: origin.to_owned(),
        });
    }
    Ok(SecretString::from(typed.as_str().to_owned()))
}
