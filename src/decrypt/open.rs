//! Opening one secrets file: unwrap its data key, open every value under its
//! environment's and its own name, and check the file MAC. Nothing is returned unless
//! all of it verifies.

use std::collections::BTreeMap;

use super::DecryptError;
use super::keyring::Identities;
use crate::diagnostic::{Code, Diagnostic};
use crate::secrets::crypto::{CryptoError, DataKey, Plaintext, UnwrapError, open, unwrap};
use crate::secrets::file::Parsed;
use crate::source::{SourceMap, Span};

/// A verified file's data key and values (what `set`, `edit` and `rekey` build on).
#[derive(Debug)]
pub struct Opened {
    pub key: DataKey,
    pub values: BTreeMap<String, Plaintext>,
}

/// Opens `parsed` as the secrets file of environment `env`.
pub fn open_file(
    parsed: &Parsed,
    env: &str,
    identities: &Identities,
    sources: &SourceMap,
) -> Result<Opened, DecryptError> {
    let file = &parsed.file;
    let spans = &parsed.spans;
    let name = &sources.get(spans.file).name;
    let key = unwrap_key(parsed, env, identities, name)?;
    let mut errors = Vec::new();
    if file.environment != env {
        errors.push(
            Diagnostic::new(Code::DecryptEnvironment, format!("`{name}` was written for environment `{}`, not `{env}`", file.environment))
                .at(spans.environment)
                .label(format!("expected `{env}`"))
                .env(env)
                .help(format!("do not copy secrets files between environments: set each value with `cfgc secrets set {env} NAME`")),
        );
    }
    let mut values = BTreeMap::new();
    for (secret, sealed) in &file.values {
        match open(&key, env, secret, sealed) {
            Ok(plain) => {
                values.insert(secret.clone(), plain);
            }
            Err(e) => {
                let at = spans.values.get(secret).map(|s| s.value);
                errors.push(value_error(secret, e, env, at));
            }
        }
    }
    if !crate::secrets::file::mac_verifies(file, &key) {
        errors.push(
            Diagnostic::new(Code::SecretsMac, format!("`{name}` failed its integrity check (MAC)"))
                .at(spans.mac)
                .label("does not match the file's content")
                .env(env)
                .note("a value was added, deleted, or replaced by another or an older one, or the generation or recipients were edited, without cfgc")
                .help("see what changed with `git diff`, and restore the file from version control; cfgc changes secrets files only through `cfgc secrets`"),
        );
    }
    if errors.is_empty() {
        Ok(Opened { key, values })
    } else {
        Err(DecryptError::Failed(errors))
    }
}

/// The file's data key, unwrapped with one of `identities`; `name` is the file's.
fn unwrap_key(
    parsed: &Parsed,
    env: &str,
    identities: &Identities,
    name: &str,
) -> Result<DataKey, DecryptError> {
    match unwrap(&parsed.file.data_key, identities.iter()) {
        Ok(key) => Ok(key),
        Err(UnwrapError::NoMatchingIdentity) => Err(DecryptError::NoIdentity(no_identity(
            parsed, env, identities, name,
        ))),
        Err(UnwrapError::Malformed(why)) => Err(DecryptError::Failed(vec![
            Diagnostic::new(Code::SecretsDataKey, format!("cannot unwrap the data key of `{name}`: {why}"))
                .at(parsed.spans.data_key)
                .label("wrapped data key")
                .env(env)
                .help("the `data_key` block was damaged or edited by hand; restore the file from version control"),
        ])),
    }
}

/// Why the value of `secret` (written at `at`) did not open: a failed authentication
/// says what it means, that the value was moved or altered.
fn value_error(secret: &str, e: CryptoError, env: &str, at: Option<Span>) -> Diagnostic {
    let (message, note) = match e {
        CryptoError::Authentication => (
            format!("the value of `{secret}` failed authentication"),
            format!(
                "it was not encrypted by cfgc as `{secret}` of environment `{env}` under this file's data key: it was moved from another key or another environment's file, or altered"
            ),
        ),
        other => (
            format!("the value of `{secret}` cannot be decrypted"),
            other.to_string(),
        ),
    };
    let mut d = Diagnostic::new(Code::SecretsValue, message)
        .label("this value")
        .key(secret)
        .env(env)
        .note(note)
        .help(format!("restore the file from version control, or set the value again with `cfgc secrets set {env} {secret}` once the file verifies"));
    if let Some(at) = at {
        d = d.at(at);
    }
    d
}

fn no_identity(parsed: &Parsed, env: &str, identities: &Identities, name: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::NoIdentity,
        format!("no identity can decrypt the secrets of environment `{env}`"),
    )
    .at(parsed.spans.recipients)
    .label(format!("`{name}` is encrypted to these recipients"))
    .env(env);
    for r in &parsed.file.recipients {
        d = d.note(format!("recipient: {r}"));
    }
    for s in identities.searched() {
        d = d.note(format!("searched {}: {}", s.place, s.outcome));
    }
    for i in identities.iter() {
        let public = i
            .recipient()
            .map_or_else(|| "an unknown public key".to_string(), |r| r.to_string());
        d = d.note(format!("found {public} ({}), not a recipient", i.source()));
    }
    d.help(format!(
        "give cfgc the private key of one of these recipients: `--identity FILE`, `CFGC_AGE_KEY_FILE=FILE`, `CFGC_AGE_KEY=AGE-SECRET-KEY-1…`, or the default key file; `cfgc check {env}` needs no key"
    ))
}
