//! The `cfgc secrets` commands run the first stages on one environment, to manage its
//! secrets file rather than to render: these are their entry points.

use super::chain::Env;
use crate::cli::Config;
use crate::decrypt::{self, Keyring, Opened};
use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded};
use crate::merge::Merged;
use crate::source::SourceMap;
use crate::validate;

/// Stage 1 for the `secrets` commands; with `new_secrets_ok`, a secrets file not written
/// yet loads as "no file yet".
pub fn load_for_secrets(
    config: &Config,
    names: &[String],
    new_secrets_ok: bool,
    sources: &mut SourceMap,
) -> Result<Loaded, Vec<Diagnostic>> {
    let options = load::Options { new_secrets_ok };
    load::load(config.project.as_deref(), names, sources, options)
}

/// Stages 2–3: the secrets the schema requires of `env`, given its layers.
pub fn required_secrets(
    loaded: &Loaded,
    env: &crate::project::Environment,
) -> std::collections::BTreeSet<String> {
    validate::required_secrets(&merged(loaded, env), &loaded.schema)
}

/// Stages 2–3 on secret values about to be stored: findings about the names in `only`,
/// given every value the file will hold (`values`).
pub fn check_secret_values(
    loaded: &Loaded,
    env: &crate::project::Environment,
    sources: &SourceMap,
    values: &std::collections::BTreeMap<String, &str>,
    only: &[&str],
) -> Vec<Diagnostic> {
    let merged = merged(loaded, env);
    only.iter()
        .flat_map(|name| {
            validate::check_secret_values(
                &merged,
                &loaded.schema,
                sources,
                values,
                &Default::default(),
                Some(name),
            )
        })
        .collect()
}

/// Stage 4 for the `secrets` commands: `env`'s file opened with its data key, so that it
/// can be written back.
pub fn open_secrets(
    env: &crate::project::Environment,
    parsed: &crate::secrets::file::Parsed,
    keyring: &Keyring,
    sources: &SourceMap,
) -> Result<Opened, Vec<Diagnostic>> {
    keyring
        .for_environment(env)
        .and_then(|ids| decrypt::open_file(parsed, &env.name, &ids, sources))
        .map_err(decrypt::DecryptError::into_diagnostics)
}

/// `open_secrets`, or `None` when no identity at hand fits (a write-only contributor).
pub fn open_secrets_if_held(
    env: &crate::project::Environment,
    parsed: &crate::secrets::file::Parsed,
    keyring: &Keyring,
    sources: &SourceMap,
) -> Result<Option<Opened>, Vec<Diagnostic>> {
    let opened = keyring
        .for_environment(env)
        .and_then(|ids| decrypt::open_file(parsed, &env.name, &ids, sources));
    match opened {
        Ok(o) => Ok(Some(o)),
        Err(decrypt::DecryptError::NoIdentity(_)) => Ok(None),
        Err(decrypt::DecryptError::Failed(ds)) => Err(ds),
    }
}

/// Stage 2 for one environment, with nothing to show from it.
fn merged<'a>(loaded: &'a Loaded, env: &'a crate::project::Environment) -> Merged<'a> {
    let at = Env {
        loaded,
        env,
        layers: &loaded.layers,
        sources: &SourceMap::default(),
    };
    at.derive(false).merged
}

/// Stage 4 for `secrets push`: `env`'s file opened, where the trust boundary lets this
/// run decrypt. A push sends every value to the store cfgc.toml names, so in CI it runs
/// only on code identical to the trusted revision (a pull request could name another
/// store); refused or closed, it is an error, never a push without values.
pub fn open_to_release(
    config: &Config,
    loaded: &Loaded,
    env: &crate::project::Environment,
    parsed: &crate::secrets::file::Parsed,
    sources: &SourceMap,
) -> Result<Opened, Vec<Diagnostic>> {
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    match super::boundary::keys(config, &loaded.project, &[env], keyring) {
        super::boundary::Keys::Open(keyring) => open_secrets(env, parsed, &keyring, sources),
        super::boundary::Keys::Refused { notice, .. } => Err(vec![
            Diagnostic::new(
                crate::diagnostic::Code::StoreNotDecrypted,
                format!("not pushing `{}`: {}", env.name, notice.message),
            )
            .help(crate::diagnostic::Code::StoreNotDecrypted.help()),
        ]),
        super::boundary::Keys::Closed(error) => Err(vec![*error]),
    }
}
