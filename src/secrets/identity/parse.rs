//! Reading identities from a key file's text: age-keygen files (one `AGE-SECRET-KEY-1…`
//! per line, `#` comments) or one OpenSSH / PEM RSA private key; either may be
//! passphrase-protected (see `passphrase`).

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use rustix::fs::OFlags;

use age::ssh::UnsupportedKey;
use zeroize::Zeroizing;

use super::{Identity, IdentityError, Key, passphrase};
use crate::diagnostic::{Code, Diagnostic};

use super::MAX_FILE_LEN;

// Longest key-type token echoed back in an error.
const MAX_ECHOED_TYPE_LEN: usize = 64;

/// Reads a key file's bytes once. `Ok(None)` when it does not exist, so the caller decides
/// whether that is an error. Only a regular file is read: a FIFO or device is refused
/// without blocking (opened non-blocking, checked on the opened handle). A file that
/// group or others may read is used, with a warning on stderr, as ssh warns.
pub(super) fn read_file(
    path: &Path,
    origin: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, IdentityError> {
    let mut options = OpenOptions::new();
    options
        .read(true)
        .custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(IdentityError::Read {
                origin: origin.to_owned(),
                source,
            });
        }
    };
    let read_error = |source| IdentityError::Read {
        origin: origin.to_owned(),
        source,
    };
    let meta = file.metadata().map_err(read_error)?;
    if !meta.is_file() {
        return Err(IdentityError::NotRegular {
            origin: origin.to_owned(),
        });
    }
    if meta.permissions().mode() & 0o077 != 0 {
        warn_open_permissions(path, meta.permissions().mode());
    }
    let len = meta.len();
    if len > MAX_FILE_LEN {
        return Err(IdentityError::TooLarge {
            origin: origin.to_owned(),
            limit: MAX_FILE_LEN,
        });
    }
    // Sized up front so the buffer is not regrown: a regrown buffer leaves a copy of the
    // key behind in freed memory that Zeroizing cannot reach.
    let mut bytes = Zeroizing::new(Vec::with_capacity(len as usize + 1));
    file.take(MAX_FILE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(IdentityError::TooLarge {
            origin: origin.to_owned(),
            limit: MAX_FILE_LEN,
        });
    }
    Ok(Some(bytes))
}

/// The identities in a key file's bytes (read by `read_file`, or through the project
/// filesystem for an environment's `identity`). An age-encrypted file is opened with a
/// passphrase asked for on the terminal.
pub(super) fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Vec<Identity>, IdentityError> {
    if passphrase::is_age_encrypted(bytes) {
        let text = passphrase::open_age(bytes, origin)?;
        return parse_plain(&text, origin);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| IdentityError::Malformed {
        origin: origin.to_owned(),
        line: None,
        reason: "not a text file; expected an age-keygen key file or an OpenSSH private key",
    })?;
    parse_plain(text, origin)
}

/// ssh refuses a private key others can read; cfgc uses it (a CI secret mounted 0644 is
/// common) but says so, once per file and run.
fn warn_open_permissions(path: &Path, mode: u32) {
    let shown = path.display().to_string();
    let d = Diagnostic::new(
        Code::IdentityPermissions,
        format!(
            "identity file `{shown}` may be read by others (mode {:04o})",
            mode & 0o7777
        ),
    )
    .note("it is used anyway; ssh would refuse such a private key")
    .help(format!("make it private: `chmod 600 {shown}`"));
    let text =
        crate::diagnostic::human::render(&[d], &crate::source::SourceMap::default(), &[], false);
    // A warning, not a finding: the key is used, so it is said where ssh says it, now.
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
}

/// Parses the text of a key file or of a key variable (`CFGC_AGE_KEY`, `SOPS_AGE_KEY`).
pub(super) fn parse_text(text: &str, origin: &str) -> Result<Vec<Identity>, IdentityError> {
    parse_bytes(text.as_bytes(), origin)
}

/// A key file's text, no longer age-encrypted: an SSH key, or age-keygen lines.
fn parse_plain(text: &str, origin: &str) -> Result<Vec<Identity>, IdentityError> {
    let start = text.trim_start();
    if start.starts_with("-----BEGIN ") {
        return parse_ssh(start, origin).map(|identity| vec![identity]);
    }
    parse_age_lines(text, origin)
}

fn parse_ssh(text: &str, origin: &str) -> Result<Identity, IdentityError> {
    let malformed = |reason| IdentityError::Malformed {
        origin: origin.to_owned(),
        line: None,
        reason,
    };
    let key = age::ssh::Identity::from_buffer(text.as_bytes(), Some(origin.to_owned())).map_err(
        |_| {
            malformed(
                "not a readable private key; expected an OpenSSH key (`-----BEGIN OPENSSH PRIVATE KEY-----`) or a PEM RSA key",
            )
        },
    )?;
    let ssh = |key| Identity {
        source: origin.to_owned(),
        key: Key::Ssh(key),
    };
    match key {
        age::ssh::Identity::Unencrypted(_) => Ok(ssh(key)),
        age::ssh::Identity::Encrypted(encrypted) => {
            passphrase::open_ssh(&encrypted, origin).map(ssh)
        }
        age::ssh::Identity::Unsupported(UnsupportedKey::EncryptedPem) => {
            Err(IdentityError::Encrypted {
                origin: origin.to_owned(),
            })
        }
        age::ssh::Identity::Unsupported(UnsupportedKey::EncryptedSsh(cipher)) => {
            Err(IdentityError::Unsupported {
                origin: origin.to_owned(),
                what: format!("an SSH key encrypted with `{}`", shorten(&cipher)),
            })
        }
        age::ssh::Identity::Unsupported(
            UnsupportedKey::Hardware(key_type) | UnsupportedKey::Type(key_type),
        ) => Err(IdentityError::Unsupported {
            origin: origin.to_owned(),
            what: format!("SSH key type `{}`", shorten(&key_type)),
        }),
    }
}

fn parse_age_lines(text: &str, origin: &str) -> Result<Vec<Identity>, IdentityError> {
    let mut identities = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        // Trimmed so CRLF files and indented `CFGC_AGE_KEY` values in CI configs work.
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let malformed = |reason| IdentityError::Malformed {
            origin: origin.to_owned(),
            line: Some(number),
            reason,
        };
        let unsupported = |what: &str| IdentityError::Unsupported {
            origin: format!("{origin}, line {number}"),
            what: what.to_owned(),
        };
        if starts_with_ignore_case(line, "AGE-SECRET-KEY-1") {
            let key = line
                .parse::<age::x25519::Identity>()
                .map_err(|_| malformed("invalid age secret key (bad encoding or checksum)"))?;
            identities.push(Identity {
                source: format!("{origin}, line {number}"),
                key: Key::X25519(key),
            });
        } else if starts_with_ignore_case(line, "AGE-SECRET-KEY-PQ-") {
            return Err(unsupported("post-quantum age key (`AGE-SECRET-KEY-PQ-…`)"));
        } else if starts_with_ignore_case(line, "AGE-PLUGIN-") {
            return Err(unsupported("age plugin identity (`AGE-PLUGIN-…`)"));
        } else if line.starts_with("age1") {
            return Err(malformed(
                "this is a public key (a recipient); an identity file holds secret keys (`AGE-SECRET-KEY-1…`)",
            ));
        } else {
            return Err(malformed(
                "not an age identity; expected `AGE-SECRET-KEY-1…`, a `#` comment or an empty line",
            ));
        }
    }
    Ok(identities)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn shorten(key_type: &str) -> String {
    let mut shown: String = key_type.chars().take(MAX_ECHOED_TYPE_LEN).collect();
    if shown.len() < key_type.len() {
        shown.push('…');
    }
    shown
}
