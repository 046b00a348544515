//! `check`: every environment through stage 4 (validated, and its secret values too where
//! an identity fits), its outputs rendered keylessly to prove the templates.

mod app;
mod store;

use std::collections::BTreeSet;
use std::sync::Mutex;

use app::AppCheck;

use super::boundary::{self, Keys};
use super::chain::{Env, Need};
use super::{Reported, Stopped, Streamed, each_streamed, leak, rehearse, review, sorted};
use crate::cli::Config;
use crate::decrypt::Keyring;
use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded};
use crate::project::Environment;
use crate::render::{self, Templates};
use crate::secrets::file::Parsed;
use crate::source::{SourceMap, Span};
use crate::validate;

/// What `check` is asked for besides its environments.
#[derive(Clone, Copy, Default)]
pub struct CheckOptions<'a> {
    /// `--base REV`: each secrets file compared with the same file at this revision.
    pub base: Option<&'a str>,
    /// `--app DIR`: the app's code there read for the variables it reads.
    pub app: Option<&'a str>,
    /// `--store`: each environment's store record held against its store.
    pub store: bool,
}

/// What `check` found.
pub struct Checked {
    pub sources: SourceMap,
    pub environments: Vec<String>,
    /// Findings and errors, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Spans whose text is never shown.
    pub redactions: Vec<Span>,
    /// Environments whose secret values were checked, and those checked by name only.
    pub values_checked: Vec<String>,
    pub names_only: Vec<String>,
    /// Why secrets were not decrypted, where the trust boundary refused (see `trust`).
    pub notice: Option<Box<Diagnostic>>,
    /// With `--app`: what was read of the app.
    pub app: Option<AppRead>,
}

/// What `check --app` read: the folder, its source files, the reads found in them.
pub struct AppRead {
    pub dir: String,
    pub files: usize,
    pub reads: usize,
}

/// `check`'s result for one environment: its findings, whether its secret values were
/// checked (`None`: it has no secrets file), and what rendering its outputs found.
struct Checks {
    found: Vec<Diagnostic>,
    checked: Option<bool>,
    rendered: Option<render::Failed>,
}

impl Reported for Checks {
    fn reports(&self) -> bool {
        !self.found.is_empty() || self.rendered.is_some()
    }
}

/// What every environment's check reads.
struct Shared<'a> {
    loaded: &'a Loaded,
    templates: &'a Templates,
    keys: &'a Keys,
    /// Each environment's secrets file at `--base` (by its index), when one is given.
    bases: Vec<(usize, Option<Parsed>)>,
    base: &'a str,
    /// Variables derived values refer to: used, even if no template names them.
    inputs: Mutex<BTreeSet<String>>,
    /// With `--app`: the app's reads, and what each deployed environment sets.
    app: Option<AppCheck>,
}

/// Stages 1–4, for `check`: every environment validated, and its secret values too where
/// an identity fits.
///
/// With `base` (a git revision), each secrets file is also compared with the same file
/// there: rolled back, or re-created without a confirmation, is a finding. With `app` (a
/// folder), the app's code there is read and held to the schema (`validate::app`).
pub fn check(config: &Config, names: &[String], options: CheckOptions) -> Result<Checked, Stopped> {
    let base = options.base;
    let mut sources = SourceMap::default();
    // A declared secrets file not written yet (a new environment) holds no secret: what
    // the schema requires of it is a finding, not a stop that hides every other one.
    let load = load::Options {
        new_secrets_ok: true,
    };
    let loaded = match load::load_streamed(config.project.as_deref(), names, &mut sources, load) {
        Ok(l) => l,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    let templates = match render::templates::compile(&loaded.project, &mut sources) {
        Ok(templates) => templates,
        Err(errors) => return uncompiled(&loaded, sources, errors),
    };
    let bases = match secrets_at(&loaded, base, &mut sources) {
        Ok(b) => b,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    let app = match AppCheck::read(&loaded, options.app, &mut sources) {
        Ok(app) => app,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    let envs: Vec<_> = loaded.environments().collect();
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let keys = boundary::keys(config, &loaded.project, &envs, keyring);
    let shared = Shared {
        loaded: &loaded,
        templates: &templates,
        keys: &keys,
        bases,
        base: base.unwrap_or(""),
        inputs: Mutex::new(BTreeSet::new()),
        app,
    };
    let per_env = each_streamed(&loaded, &envs, &sources, |i, at| check_env(&shared, i, at));
    let inputs = shared
        .inputs
        .into_inner()
        .expect("no task panicked holding it");
    let mut files = validate::check_files(&envs, &loaded.layers, &loaded.schema);
    let app_read = AppCheck::finish(shared.app, &loaded, &sources, &mut files);
    let unused = templates.unused_variables(&loaded.schema, &sources);
    // A variable a derived value uses is used, even if no template names it.
    files.findings.extend(
        unused
            .into_iter()
            .filter(|d| !d.key.as_ref().is_some_and(|k| inputs.contains(k))),
    );
    if options.store {
        files.findings.extend(store::check(&loaded, &mut sources));
    }
    let gathered = Gathered::of(&envs, per_env, files.findings, &keys, &mut sources);
    if !gathered.load_errors.is_empty() {
        leak(loaded);
        return Err(Stopped {
            sources,
            errors: gathered.load_errors,
        });
    }
    let environments = envs.iter().map(|e| e.name.clone()).collect();
    let diagnostics = sorted(gathered.diagnostics, &loaded, &sources);
    let notice = keys.notice().cloned().map(Box::new);
    leak((templates, loaded));
    Ok(Checked {
        sources,
        environments,
        diagnostics,
        redactions: files.redactions,
        values_checked: gathered.values_checked,
        names_only: gathered.names_only,
        notice,
        app: app_read,
    })
}

/// Every environment's checks, gathered in declared order.
#[derive(Default)]
struct Gathered {
    diagnostics: Vec<Diagnostic>,
    load_errors: Vec<Diagnostic>,
    values_checked: Vec<String>,
    names_only: Vec<String>,
}

impl Gathered {
    /// The project-wide `findings`, then every environment's outcome in declared order;
    /// a refusal at the key boundary is a load error.
    fn of(
        envs: &[&Environment],
        per_env: Vec<Streamed<(Vec<Diagnostic>, Checks)>>,
        findings: Vec<Diagnostic>,
        keys: &Keys,
        sources: &mut SourceMap,
    ) -> Gathered {
        let mut gathered = Gathered {
            diagnostics: findings,
            ..Gathered::default()
        };
        for (env, outcome) in envs.iter().zip(per_env) {
            gathered.take(&env.name, outcome, sources);
        }
        gathered.load_errors.extend(keys.error().cloned());
        gathered
    }

    fn take(
        &mut self,
        env: &str,
        outcome: Streamed<(Vec<Diagnostic>, Checks)>,
        sources: &mut SourceMap,
    ) {
        let (files, checks) = match outcome.take(sources) {
            Ok(done) => done,
            Err(errors) => return self.load_errors.extend(errors),
        };
        self.diagnostics.extend(files);
        self.diagnostics.extend(checks.found);
        if let Some(failed) = checks.rendered {
            self.diagnostics.extend(super::adopt(sources, failed));
        }
        match checks.checked {
            Some(true) => self.values_checked.push(env.to_string()),
            Some(false) => self.names_only.push(env.to_string()),
            None => {}
        }
    }
}

/// Stages 2–4 for one environment (its own files just loaded), and its outputs rendered
/// keylessly when its configuration is valid (outputs rendered from an invalid one prove
/// nothing, as in `plan`).
fn check_env(shared: &Shared, index: usize, at: Env) -> Checks {
    let derived = at.derive(true);
    (shared.inputs.lock().expect("no task panics holding it"))
        .extend(derived.inputs.iter().cloned());
    let mut validated = derived.validate(at);
    if let Some(app) = &shared.app {
        app.record(index, &validated.merged);
    }
    let rendered = validated
        .findings
        .is_empty()
        .then(|| rehearse::rehearse(shared.loaded, shared.templates, &validated.merged))
        .flatten();
    let mut found = std::mem::take(&mut validated.findings);
    let Some(declared) = &at.env.secrets else {
        return Checks {
            found,
            checked: None,
            rendered,
        };
    };
    let parsed = at.layers.secrets(at.layers.id(&declared.value));
    if let Some(parsed) = parsed {
        found.extend(review::pending_findings(at.env, parsed));
    }
    if let Some((_, Some(old))) = shared.bases.iter().find(|(e, _)| *e == index) {
        found.extend(review::against_base(at.env, old, parsed, shared.base));
    }
    let need = match shared.keys.keyring() {
        Some(keyring) => Need::IfHeld(keyring),
        None => Need::Withheld(shared.keys.reason()),
    };
    let checked = match validated.decrypt(at, need) {
        Ok(decrypted) => {
            if let Some(values) = decrypted.values() {
                let (loaded, templates) = (shared.loaded, shared.templates);
                found.extend(rehearse::unplaceable_values(
                    loaded, templates, at.env, values,
                ));
            }
            let checked = decrypted.values().is_some();
            found.extend(decrypted.validated.findings);
            checked
        }
        Err(errors) => {
            found.extend(errors);
            true
        }
    };
    Checks {
        found,
        checked: Some(checked),
        rendered,
    }
}

/// `check` stopped by templates that do not compile: their syntax errors are its findings.
fn uncompiled(
    loaded: &Loaded,
    sources: SourceMap,
    errors: Vec<Diagnostic>,
) -> Result<Checked, Stopped> {
    let Some(found) = rehearse::syntax_findings(&errors) else {
        return Err(Stopped { sources, errors });
    };
    let diagnostics = sorted(found, loaded, &sources);
    Ok(Checked {
        environments: loaded.environments().map(|e| e.name.clone()).collect(),
        sources,
        diagnostics,
        redactions: Vec::new(),
        values_checked: Vec::new(),
        names_only: Vec::new(),
        notice: None,
        app: None,
    })
}

/// Each selected environment's secrets file at `rev` (by the environment's index), parsed
/// without a key; `None` where it did not exist there. None at all without `--base`.
fn secrets_at(
    loaded: &Loaded,
    rev: Option<&str>,
    sources: &mut SourceMap,
) -> Result<Vec<(usize, Option<Parsed>)>, Vec<Diagnostic>> {
    let Some(rev) = rev else {
        return Ok(Vec::new());
    };
    let limits = loaded.project.fs.limits().clone();
    if loaded.environments().all(|env| env.secrets.is_none()) {
        return Ok(Vec::new());
    }
    let revision = crate::secrets::history::Revision::open(&loaded.project.root, rev)?;
    let mut out = Vec::new();
    for (i, env) in loaded.environments().enumerate() {
        if let Some(declared) = &env.secrets {
            // By environment: a file moved since `rev` is compared with the one it replaces.
            let old = revision.secrets_of(&env.name, &declared.value, &limits, sources)?;
            out.push((i, old));
        }
    }
    Ok(out)
}
