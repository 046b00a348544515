//! `secrets status ENV` and `check --store`: the record held against the secrets file and
//! the store's metadata. Needs read access to metadata only (list versions), never a key
//! and never the accessor role.

use std::collections::BTreeMap;

use super::drift::{Drift, drift};
use super::records::{self, RecordFile};
use crate::diagnostic::{Code, Diagnostic};
use crate::project::Environment;
use crate::project::store::Store as Declared;
use crate::secrets::file::SecretsFile;
use crate::source::SourceMap;
use crate::store::{Described, Store, StoreError, pool};

/// The drift of one environment's store, as diagnostics; an error when the record cannot
/// be read or the store cannot be asked.
pub fn status(
    env: &Environment,
    secrets: Option<&SecretsFile>,
    sources: &SourceMap,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let declared = declared(env)?;
    let file = records::read(declared, sources)?;
    let sealed = super::sealed(secrets);
    let store = super::open::open(declared).map_err(|e| store_error(env, declared, &e))?;
    let names: Vec<String> = sealed
        .keys()
        .chain(file.record.secrets.keys())
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let described = describe(store.as_ref(), &names).map_err(|e| store_error(env, declared, &e))?;
    let found = drift(&sealed, &file.record, &described);
    Ok(found
        .into_iter()
        .map(|(name, d)| diagnostic(env, declared, &file, store.as_ref(), &name, d))
        .collect())
}

/// The environment's declared store, or the error that it has none.
pub fn declared(env: &Environment) -> Result<&Declared, Diagnostic> {
    env.store.as_ref().ok_or_else(|| {
        Diagnostic::new(
            Code::NoStore,
            format!("environment `{}` declares no store", env.name),
        )
        .at(env.span)
        .label("no `store = { … }` here")
    })
}

pub fn store_error(env: &Environment, declared: &Declared, e: &StoreError) -> Diagnostic {
    Diagnostic::new(Code::Store, format!("the store of `{}`: {e}", env.name))
        .at(declared.span)
        .label("this store")
}

/// Every name's versions: in bulk where the store lists them so, else one request per
/// name, `pool::CONCURRENCY` at a time.
pub fn describe(
    store: &dyn Store,
    names: &[String],
) -> Result<BTreeMap<String, Option<Described>>, StoreError> {
    if let Some(mut all) = store.describe_all()? {
        return Ok(names.iter().map(|n| (n.clone(), all.remove(n))).collect());
    }
    let answers = pool::parallel(names, |n| store.describe(n));
    names
        .iter()
        .cloned()
        .zip(answers)
        .map(|(n, a)| a.map(|d| (n, d)))
        .collect()
}

fn diagnostic(
    env: &Environment,
    declared: &Declared,
    file: &RecordFile,
    store: &dyn Store,
    name: &str,
    drift: Drift,
) -> Diagnostic {
    let entry = file.record.secrets.get(name);
    let at = entry.map_or(declared.span, |e| file.span(&e.span, declared));
    let pin_at = entry.map_or(declared.span, |e| file.span(&e.version_span, declared));
    let shown = store.display(name);
    let (code, message, span) = match drift {
        Drift::NotPushed => (
            Code::StoreNotPushed,
            format!("`{name}` was never pushed to {shown}"),
            at,
        ),
        Drift::Stale => (
            Code::StoreStale,
            format!(
                "`{name}` changed in the secrets file since its push: the deploy pins the old value"
            ),
            at,
        ),
        Drift::Interrupted => (
            Code::StoreInterrupted,
            format!("a push of `{name}` was interrupted"),
            at,
        ),
        Drift::Missing => (Code::StoreMissing, format!("{shown} does not exist"), at),
        Drift::PinGone(v) => (
            Code::StorePinGone,
            format!("version {v} of {shown} no longer exists"),
            pin_at,
        ),
        Drift::PinUnusable(v, s) => (
            Code::StorePinUnusable,
            format!("the pinned version {v} of {shown} is {}", s.as_str()),
            pin_at,
        ),
        Drift::OutOfBand(vs) => (
            Code::StoreOutOfBand,
            format!(
                "{shown} has {} cfgc did not make: {}",
                if vs.len() == 1 {
                    "a version"
                } else {
                    "versions"
                },
                vs.join(", ")
            ),
            pin_at,
        ),
        Drift::PinLatest => (
            Code::StorePinLatest,
            format!("`{name}` is pinned to `latest`"),
            pin_at,
        ),
        Drift::Orphan => (
            Code::StoreOrphan,
            format!("the record names `{name}`, which the secrets file does not hold"),
            at,
        ),
    };
    Diagnostic::new(code, message)
        .at(span)
        .key(name)
        .env(&env.name)
        .help(code.help().replace("ENV", &env.name))
}
