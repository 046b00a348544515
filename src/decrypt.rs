//! Stage 4, decrypt. TEMPORARY stand-in until the secrets-file branch lands:
//! reports that no identity fits, so secret-bearing outputs are skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

pub struct Keyring;

impl Keyring {
    pub fn new(_identity_files: Vec<PathBuf>) -> Keyring {
        Keyring
    }
}

pub struct Decrypted {
    pub values: BTreeMap<String, crate::secrets::crypto::Plaintext>,
}

pub enum DecryptError {
    NoIdentity(Diagnostic),
    Failed(Vec<Diagnostic>),
}

pub fn decrypt(
    _loaded: &crate::pipeline::Loaded,
    env: &crate::project::Environment,
    _sources: &crate::source::SourceMap,
    _keyring: &Keyring,
) -> Result<Decrypted, DecryptError> {
    Err(DecryptError::NoIdentity(Diagnostic::error("no-identity", format!("no identity for `{}`", env.name))))
}
