//! Stage 4, decrypt: an environment's secrets file opened with the identities at hand,
//! every value and the file MAC verified, and the plaintexts checked against the schema.
//!
//! Without a fitting identity this stage reports `NoIdentity`, so later stages can skip
//! what needs secrets and still do the rest.

mod keyring;
mod open;

use std::collections::BTreeMap;

pub use keyring::{Identities, Keyring};
pub use open::{Opened, open_file};

use secrecy::ExposeSecret;

use crate::diagnostic::Diagnostic;
use crate::pipeline::Loaded;
use crate::project::Environment;
use crate::secrets::crypto::Plaintext;
use crate::source::SourceMap;

/// An environment's secrets, decrypted and valid.
#[derive(Debug, Default)]
pub struct Decrypted {
    pub values: BTreeMap<String, Plaintext>,
}

#[derive(Debug)]
pub enum DecryptError {
    /// No identity fits this environment's file: render/plan report the output as
    /// "skipped for lack of an identity".
    NoIdentity(Diagnostic),
    /// Tampered/malformed file, MAC failure, schema violations of decrypted values, …
    /// (exit 2 / findings).
    Failed(Vec<Diagnostic>),
}

impl DecryptError {
    /// Whether every diagnostic is a schema finding about a decrypted value (exit 1),
    /// rather than an error about the file, a key or an identity (exit 2).
    pub fn is_findings_only(&self) -> bool {
        match self {
            DecryptError::NoIdentity(_) => false,
            DecryptError::Failed(ds) => ds.iter().all(is_value_finding),
        }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            DecryptError::NoIdentity(d) => vec![d],
            DecryptError::Failed(ds) => ds,
        }
    }
}

/// A schema finding about a decrypted value (as opposed to a decryption error).
pub fn is_value_finding(d: &Diagnostic) -> bool {
    d.code.starts_with("schema") || d.code == "unknown-key"
}

/// Decrypts `env`'s secrets file (loaded in `loaded`) and checks the values against the
/// schema. An environment without a secrets file decrypts to no values.
pub fn decrypt(
    loaded: &Loaded,
    env: &Environment,
    sources: &SourceMap,
    keyring: &Keyring,
) -> Result<Decrypted, DecryptError> {
    let Some(declared) = &env.secrets else {
        return Ok(Decrypted::default());
    };
    let id = loaded.layers.id(&declared.value);
    let Some(parsed) = loaded.layers.secrets(id) else {
        return Ok(Decrypted::default());
    };
    let identities = keyring.for_environment(env)?;
    let opened = open_file(parsed, &env.name, &identities, sources)?;
    let merged = crate::validate::merge_env(env, &loaded.layers);
    let plain: BTreeMap<String, &str> = opened
        .values
        .iter()
        .map(|(k, v)| (k.clone(), v.expose_secret()))
        .collect();
    let at = parsed
        .spans
        .values
        .iter()
        .map(|(k, s)| (k.clone(), s.key))
        .collect();
    let findings =
        crate::validate::check_secret_values(&merged, &loaded.schema, sources, &plain, &at, None);
    if !findings.is_empty() {
        return Err(DecryptError::Failed(findings));
    }
    Ok(Decrypted {
        values: opened.values,
    })
}

#[cfg(test)]
mod tests;
