//! Why identities could not be loaded. Messages name the file (and line) but never quote
//! its content: a key file's lines are key material.

use std::io;

use thiserror::Error;

/// A problem with an identity source that the user named (or that exists and is broken).
///
/// `origin` reads like ``/home/me/keys.txt (from CFGC_AGE_KEY_FILE)`` or `CFGC_AGE_KEY`.
#[derive(Debug, Error)]
pub enum IdentityError {
    #[error("identity file {origin} does not exist")]
    NotFound { origin: String },

    #[error("cannot read identity file {origin}: {source}")]
    Read {
        origin: String,
        #[source]
        source: io::Error,
    },

    #[error(
        "identity file {origin} is not a regular file (a FIFO, device or folder); name the key file itself"
    )]
    NotRegular { origin: String },

    #[error("identity file {origin} is larger than {limit} bytes; it is not a key file")]
    TooLarge { origin: String, limit: u64 },

    #[error("{origin}{}: {reason}", line_suffix(*.line))]
    Malformed {
        origin: String,
        /// 1-based line of the offending line, when the format is line-based.
        line: Option<usize>,
        reason: &'static str,
    },

    /// A PEM-encrypted RSA key: age cannot open that format, with or without a passphrase.
    #[error(
        "{origin} is a passphrase-protected PEM key, a format age cannot open; convert it to the OpenSSH format, keeping its passphrase: `ssh-keygen -p -f KEYFILE` (on a copy if other tools need the PEM form)"
    )]
    Encrypted { origin: String },

    #[error(
        "{origin} is passphrase-protected, and there is no terminal to ask for its passphrase; run cfgc on a terminal, or where there is none (CI) give the key another way: its text in CFGC_AGE_KEY or SOPS_AGE_KEY from the CI's secret store, or SOPS_AGE_KEY_CMD running a command that prints it"
    )]
    NoTerminal { origin: String },

    #[error("{origin}: wrong passphrase (or a damaged file); run again and retype it")]
    WrongPassphrase { origin: String },

    #[error("{origin}: {reason}; fix the command, or unset {origin}")]
    Command { origin: String, reason: String },

    #[error(
        "{origin}: unsupported key: {what}; use an age key from `age-keygen`, or an ssh-ed25519 or ssh-rsa key"
    )]
    Unsupported { origin: String, what: String },

    #[error(
        "{origin} contains no identities; expected lines starting with `AGE-SECRET-KEY-1` (as written by `age-keygen`) or an OpenSSH private key"
    )]
    Empty { origin: String },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|n| format!(", line {n}")).unwrap_or_default()
}
