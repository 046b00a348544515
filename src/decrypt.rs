//! Stage 4, decrypt: an environment's secrets file opened with the identities at hand,
//! every value and the file MAC verified, and the plaintexts checked against the schema.
//!
//! Without a fitting identity this stage reports `NoIdentity`, so later stages can skip
//! what needs secrets and still do the rest.

mod keyring;
mod open;

use std::collections::BTreeMap;

pub use keyring::{DemoKeys, Identities, Keyring};
pub use open::{Opened, open_file};

use crate::diagnostic::Diagnostic;
use crate::load::Layers;
use crate::project::Environment;
use crate::secrets::crypto::Plaintext;
use crate::source::SourceMap;

/// Stage 4's product for one environment: its decrypted values, or why there are none.
#[derive(Debug)]
pub enum Resolved {
    /// Verified values (none when the environment has no secrets file).
    Values(BTreeMap<String, Plaintext>),
    /// No identity at hand fits: what needs the values is skipped, and this says why.
    Unavailable(String),
}

#[derive(Debug)]
pub enum DecryptError {
    /// No identity fits this environment's file.
    NoIdentity(Diagnostic),
    /// A tampered or malformed file, a MAC failure, an unreadable identity (exit 2).
    Failed(Vec<Diagnostic>),
}

impl DecryptError {
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            DecryptError::NoIdentity(d) => vec![d],
            DecryptError::Failed(ds) => ds,
        }
    }
}

/// Stage 4 for one environment: its secrets file (parsed by load) opened with the
/// identities at hand, every value and the file MAC verified.
pub fn decrypt(
    env: &Environment,
    layers: &Layers,
    keyring: &Keyring,
    sources: &SourceMap,
) -> Result<Resolved, Vec<Diagnostic>> {
    let Some(parsed) = env
        .secrets
        .as_ref()
        .and_then(|declared| layers.secrets(layers.id(&declared.value)))
    else {
        return Ok(Resolved::Values(BTreeMap::new()));
    };
    let opened = keyring
        .for_environment(env)
        .and_then(|identities| open_file(parsed, &env.name, &identities, sources));
    match opened {
        Ok(opened) => Ok(Resolved::Values(opened.values)),
        Err(DecryptError::NoIdentity(d)) if keyring.withholds_demo_key(env) => {
            Ok(Resolved::Unavailable(format!(
                "{} (its demo key in cfgc.toml is used by `plan --exit-code` only when `{}` is named)",
                d.message, env.name
            )))
        }
        Err(DecryptError::NoIdentity(d)) => Ok(Resolved::Unavailable(d.message)),
        Err(DecryptError::Failed(ds)) => Err(ds),
    }
}

/// Stage 4 where the command cannot go on without the secrets (`exec`): no identity that
/// fits is an error listing every place searched.
pub fn decrypt_required(
    env: &Environment,
    layers: &Layers,
    keyring: &Keyring,
    sources: &SourceMap,
) -> Result<BTreeMap<String, Plaintext>, Vec<Diagnostic>> {
    let Some(parsed) = env
        .secrets
        .as_ref()
        .and_then(|declared| layers.secrets(layers.id(&declared.value)))
    else {
        return Ok(BTreeMap::new());
    };
    keyring
        .for_environment(env)
        .and_then(|identities| open_file(parsed, &env.name, &identities, sources))
        .map(|opened| opened.values)
        .map_err(DecryptError::into_diagnostics)
}

#[cfg(test)]
mod tests;
