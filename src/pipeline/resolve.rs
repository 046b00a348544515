//! `exec`: one environment through stage 4, its secrets decrypted and checked, handed to
//! the command it runs.

use super::boundary::{self, Keys};
use super::chain::{Env, Need};
use super::{Checked, Stopped, review, sorted};
use crate::cli::Config;
use crate::decrypt::{Keyring, Resolved};
use crate::diagnostic::{Code, Diagnostic};
use crate::load;
use crate::merge;
use crate::source::SourceMap;
use crate::validate;

/// What `exec` gets of one environment: its merged variables and its decrypted secrets.
pub struct Environ<'a> {
    pub merged: merge::Merged<'a>,
    pub secrets: std::collections::BTreeMap<String, crate::secrets::crypto::Plaintext>,
}

/// Why `resolve` gave no environment: findings in the configuration (exit 1), or errors
/// that stopped it (exit 2).
pub enum Unresolved {
    Findings(Checked),
    Stopped(Stopped),
}

/// Stages 1–4 for `exec`: one environment validated and its secrets decrypted and checked.
/// Without an identity that opens its secrets file, that is an error (the child would run
/// without its secrets). `then` gets the result while the project it borrows from is alive.
pub fn resolve<T>(
    config: &Config,
    name: &str,
    then: impl FnOnce(Environ) -> T,
) -> Result<T, Unresolved> {
    let mut sources = SourceMap::default();
    let names = [name.to_string()];
    let stop = |sources, errors| Err(Unresolved::Stopped(Stopped { sources, errors }));
    let loaded = match load::load(
        config.project.as_deref(),
        &names,
        &mut sources,
        Default::default(),
    ) {
        Ok(l) => l,
        Err(errors) => return stop(sources, errors),
    };
    let env = loaded
        .environments()
        .next()
        .expect("load selected the one environment named");
    let envs = [env];
    let files = validate::check_files(&envs, &loaded.layers, &loaded.schema);
    let at = Env {
        loaded: &loaded,
        env,
        layers: &loaded.layers,
        sources: &sources,
    };
    let mut validated = at.derive(true).validate(at);
    let mut found = files.findings;
    found.append(&mut validated.findings);
    let parsed = env
        .secrets
        .as_ref()
        .and_then(|declared| loaded.layers.secrets(loaded.layers.id(&declared.value)));
    let keyring = match parsed {
        Some(parsed) if found.is_empty() => {
            if let Some(refused) = review::pending_refusal(env, parsed) {
                return stop(sources, vec![refused]);
            }
            let keyring = Keyring::from_sources(config.identity_sources.clone());
            match boundary::keys(config, &loaded.project, &envs, keyring) {
                Keys::Open(keyring) => Some(*keyring),
                Keys::Refused { notice, .. } => return stop(sources, vec![refusal(*notice)]),
                Keys::Closed(error) => return stop(sources, vec![*error]),
            }
        }
        _ => None,
    };
    // Without findings and with a secrets file, the child cannot run without its secrets.
    let need = match &keyring {
        Some(keyring) => Need::Required(keyring),
        None => Need::Withheld("not needed"),
    };
    let decrypted = match validated.decrypt(at, need) {
        Ok(decrypted) => decrypted,
        Err(errors) => return stop(sources, errors),
    };
    let (merged, resolved, findings) = decrypted.into_parts();
    found.extend(findings);
    if !found.is_empty() {
        let diagnostics = sorted(found, &loaded, &sources);
        return Err(Unresolved::Findings(Checked {
            sources,
            environments: names.to_vec(),
            diagnostics,
            redactions: files.redactions,
            values_checked: Vec::new(),
            names_only: Vec::new(),
            notice: None,
            app: None,
        }));
    }
    let secrets = match resolved {
        Resolved::Values(values) => values,
        Resolved::Unavailable(_) => Default::default(),
    };
    Ok(then(Environ { merged, secrets }))
}

/// The boundary's notice as the error that stops `exec`: its command would run without
/// the secrets it was started for.
fn refusal(notice: Diagnostic) -> Diagnostic {
    let mut d = Diagnostic::new(Code::ExecNotDecrypted, notice.message);
    d.notes = notice.notes;
    d.help = notice.help;
    d
}
