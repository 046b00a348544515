//! The order of the stages, and the only module that knows it:
//! load → merge (→ derive) → validate → decrypt → render → plan → apply.
//! A command is "run the pipeline up to stage X".
//!
//! After load, each environment goes through the rest on its own, in parallel, and what it
//! leaves behind is small: its findings, and per output a status, a masked diff and, for a
//! file to write, its text. Nothing rendered is held for the whole project at once.

use rayon::prelude::*;

use crate::cli::Config;
use crate::decrypt::{self, Resolved};
use crate::derive;
use crate::diagnostic::Diagnostic;
use crate::load::{self, Layers, Loaded};
use crate::merge;
use crate::plan::{self, FilePlan};
use crate::project::Environment;
use crate::render::{self, Secrets, Templates};
use crate::source::{self, FileId, SourceMap, Span};
use crate::validate;

mod boundary;
mod rehearse;
mod review;

use boundary::Keys;

/// A run that stopped with errors (exit 2), and the sources they point into.
pub struct Stopped {
    pub sources: SourceMap,
    pub errors: Vec<Diagnostic>,
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
}

/// What `plan` found: findings (nothing rendered is kept then), or the plan.
pub struct Planned<'a> {
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the findings are about rendered outputs (else about the configuration).
    pub in_outputs: bool,
    pub redactions: Vec<Span>,
    pub plans: Vec<FilePlan<'a>>,
    /// Why secrets were not decrypted, where the trust boundary refused (see `trust`).
    pub notice: Option<Box<Diagnostic>>,
}

/// Stages 1–4, for `check`: every environment validated, and its secret values too where
/// an identity fits.
///
/// With `base` (a git revision), each secrets file is also compared with the same file
/// there: rolled back, or re-created without a confirmation, is a finding.
pub fn check(config: &Config, names: &[String], base: Option<&str>) -> Result<Checked, Stopped> {
    let mut sources = SourceMap::default();
    // A declared secrets file not written yet (a new environment) holds no secret: what
    // the schema requires of it is a finding, not a stop that hides every other one.
    let options = load::Options {
        new_secrets_ok: true,
    };
    let loaded = match load::load_streamed(config.project.as_deref(), names, &mut sources, options)
    {
        Ok(l) => l,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    let templates = match render::templates::compile(&loaded.project, &mut sources) {
        Ok(templates) => templates,
        Err(errors) => return uncompiled(&loaded, sources, errors),
    };
    let bases = match base {
        None => Vec::new(),
        Some(rev) => match secrets_at(&loaded, rev, &mut sources) {
            Ok(b) => b,
            Err(errors) => return Err(Stopped { sources, errors }),
        },
    };
    let envs: Vec<_> = loaded.environments().collect();
    let mut files = validate::check_files(&envs, &loaded.layers, &loaded.schema);
    let unused = templates.unused_variables(&loaded.schema, &sources);
    // Variables derived values refer to: used, even if no template names them.
    let inputs = std::sync::Mutex::new(std::collections::BTreeSet::<String>::new());
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let keys = boundary::keys(config, &loaded.project, &envs, keyring);
    let per_env: Vec<Streamed<(Vec<Diagnostic>, Checks)>> = each_env(&envs, |i, env| {
        streamed(&loaded, i, env, &sources, |layers, sources| {
            let mut merged = merge::merge_env(env, layers, &loaded.schema.defaults);
            inputs
                .lock()
                .expect("no task panics holding it")
                .extend(derive::references(&merged));
            let mut found = derive::derive(&mut merged, &loaded.schema, Some(sources));
            // A failed derived value hides nothing else: validate the rest, and go on.
            let unresolved = !found.is_empty();
            let mut validated = validate::validate(merged, layers, &loaded.schema, sources);
            if unresolved {
                let findings = std::mem::take(&mut validated.findings);
                found.extend(derive::beside_failed(&validated.merged, findings));
            } else {
                found.append(&mut validated.findings);
            }
            // Outputs rendered from an invalid configuration prove nothing (as in `plan`).
            let rendered = found
                .is_empty()
                .then(|| rehearse::rehearse(&loaded, &templates, &validated.merged))
                .flatten();
            let Some(declared) = &env.secrets else {
                return (found, None, rendered);
            };
            let parsed = layers.secrets(layers.id(&declared.value));
            if let Some(parsed) = parsed {
                found.extend(review::pending_findings(env, parsed));
            }
            if let Some((_, Some(old))) = bases.iter().find(|(e, _)| *e == i) {
                found.extend(review::against_base(env, old, parsed, base.unwrap_or("")));
            }
            let resolved = match keys.keyring() {
                Some(keyring) => decrypt::decrypt(env, layers, keyring, sources),
                None => Ok(Resolved::Unavailable(keys.reason().to_string())),
            };
            let checked = match resolved {
                Ok(Resolved::Values(values)) => {
                    found.extend(validate::check_decrypted(
                        &validated.merged,
                        layers,
                        &loaded.schema,
                        sources,
                        &values,
                    ));
                    found.extend(rehearse::unplaceable_values(
                        &loaded, &templates, env, &values,
                    ));
                    true
                }
                Ok(Resolved::Unavailable(_)) => false,
                Err(errors) => {
                    found.extend(errors);
                    true
                }
            };
            (found, Some(checked), rendered)
        })
    });
    let inputs = inputs.into_inner().expect("no task panicked holding it");
    files.findings.extend(
        unused
            .into_iter()
            .filter(|d| !d.key.as_ref().is_some_and(|k| inputs.contains(k))),
    );
    let mut diagnostics = files.findings;
    let mut load_errors = Vec::new();
    let (mut values_checked, mut names_only) = (Vec::new(), Vec::new());
    for (env, outcome) in envs.iter().zip(per_env) {
        let (files, (found, checked, rendered)) = match outcome.take(&mut sources) {
            Ok(done) => done,
            Err(errors) => {
                load_errors.extend(errors);
                continue;
            }
        };
        diagnostics.extend(files);
        diagnostics.extend(found);
        if let Some(failed) = rendered {
            diagnostics.extend(adopt(&mut sources, failed));
        }
        match checked {
            Some(true) => values_checked.push(env.name.clone()),
            Some(false) => names_only.push(env.name.clone()),
            None => {}
        }
    }
    load_errors.extend(keys.error().cloned());
    if !load_errors.is_empty() {
        leak(loaded);
        return Err(Stopped {
            sources,
            errors: load_errors,
        });
    }
    let environments = envs.iter().map(|e| e.name.clone()).collect();
    let diagnostics = sorted(diagnostics, &loaded, &sources);
    leak((templates, loaded));
    Ok(Checked {
        sources,
        environments,
        diagnostics,
        redactions: files.redactions,
        values_checked,
        names_only,
        notice: keys.notice().cloned().map(Box::new),
    })
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
    })
}

/// What every run starts with: the project and the files several environments share
/// loaded (the rest are streamed per environment), and the templates compiled.
fn start(
    config: &Config,
    names: &[String],
    options: load::Options,
) -> Result<(SourceMap, Loaded, Templates), Stopped> {
    let mut sources = SourceMap::default();
    let loaded = match load::load_streamed(config.project.as_deref(), names, &mut sources, options)
    {
        Ok(l) => l,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    match render::templates::compile(&loaded.project, &mut sources) {
        Ok(templates) => Ok((sources, loaded, templates)),
        Err(errors) => Err(Stopped { sources, errors }),
    }
}

/// Stage 2 and its derived values for one environment: the merged variables, and findings
/// about derived values that could not be resolved (then the environment stops here).
fn merge_env<'p>(
    env: &'p Environment,
    layers: &Layers,
    schema: &validate::Schema,
    sources: Option<&SourceMap>,
) -> (merge::Merged<'p>, Vec<Diagnostic>) {
    let mut merged = merge::merge_env(env, layers, &schema.defaults);
    let found = derive::derive(&mut merged, schema, sources);
    (merged, found)
}

/// Each selected environment's secrets file at `rev` (by the environment's index), parsed
/// without a key; `None` where it did not exist there.
fn secrets_at(
    loaded: &Loaded,
    rev: &str,
    sources: &mut SourceMap,
) -> Result<Vec<(usize, Option<crate::secrets::file::Parsed>)>, Vec<Diagnostic>> {
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

/// Below this many environments they are worked on one after the other on the main
/// thread: starting the thread pool costs more than it saves for a few (the example's 3).
pub const PARALLEL_FROM: usize = 8;

/// `task` for each environment (with its index), in parallel when there are enough.
fn each_env<'e, T: Send>(
    envs: &[&'e Environment],
    task: impl Fn(usize, &'e Environment) -> T + Sync + Send,
) -> Vec<T> {
    if envs.len() < PARALLEL_FROM {
        envs.iter()
            .enumerate()
            .map(|(i, env)| task(i, env))
            .collect()
    } else {
        envs.par_iter()
            .enumerate()
            .map(|(i, env)| task(i, env))
            .collect()
    }
}

/// What one environment's task left: its result, or the errors of loading its own files;
/// and the texts of its own files when something may be shown from them.
struct Streamed<T> {
    result: Result<T, Vec<Diagnostic>>,
    kept: Option<source::Local>,
}

impl<T> Streamed<T> {
    /// The result, the kept texts joining the run's map.
    fn take(self, sources: &mut SourceMap) -> Result<T, Vec<Diagnostic>> {
        if let Some(local) = self.kept {
            sources.absorb(local);
        }
        self.result
    }
}

/// What a task's result says about reporting: whether any finding or error may point
/// into the environment's own files, so their texts must be kept.
trait Reported {
    fn reports(&self) -> bool;
}

/// `check`'s result for one environment: its findings, whether its secret values were
/// checked (`None`: it has no secrets file), and what rendering its outputs found.
type Checks = (Vec<Diagnostic>, Option<bool>, Option<render::Failed>);

impl Reported for Checks {
    fn reports(&self) -> bool {
        !self.0.is_empty() || self.2.is_some()
    }
}

impl Reported for EnvOutcome<'_> {
    fn reports(&self) -> bool {
        !matches!(self, EnvOutcome::Planned(_))
    }
}

/// Stage 1 for the `index`-th environment's own files and their checks (as `check_files`
/// for the shared ones: they do not stop the environment's other stages), then `stages`.
/// The files' trees are dropped when the task ends, and their texts too unless something
/// is to be reported from them.
fn streamed<'l, T: Reported>(
    loaded: &'l Loaded,
    index: usize,
    env: &Environment,
    sources: &SourceMap,
    stages: impl FnOnce(&Layers<'l>, &SourceMap) -> T,
) -> Streamed<(Vec<Diagnostic>, T)> {
    let mut fork = sources.fork();
    let (result, keep) = match load::load_env(loaded, index, &mut fork) {
        Ok(layers) => {
            let files = validate::check_files(&[env], &layers, &loaded.schema);
            files.redactions.into_iter().for_each(|s| fork.redact(s));
            let done = stages(&layers, &fork);
            let keep = !files.findings.is_empty() || done.reports();
            (Ok((files.findings, done)), keep)
        }
        Err(errors) => (Err(errors), true),
    };
    Streamed {
        result,
        kept: keep.then(|| fork.into_local()),
    }
}

/// Stages 1–6, for `plan` and `apply`: each environment validated, its secrets decrypted
/// if one of its outputs holds them (and `decrypt` allows), rendered and diffed. `then` gets
/// the result while the project it borrows from is alive.
pub fn plan<T>(
    config: &Config,
    names: &[String],
    decrypt: Option<DemoKeys>,
    then: impl FnOnce(&Loaded, SourceMap, Planned) -> T,
) -> Result<T, Stopped> {
    let (mut sources, loaded, templates) = start(config, names, load::Options::default())?;
    let envs: Vec<_> = loaded.environments().collect();
    let files = validate::check_files(&envs, &loaded.layers, &loaded.schema);
    let keyring = decrypt
        .map(|demo| Keyring::from_sources(config.identity_sources.clone()).with_demo_keys(demo));
    let with_secrets: Vec<_> = envs
        .iter()
        .copied()
        .filter(|e| loaded.project.outputs_for(e).any(|o| o.secrets))
        .collect();
    let keys = keyring.map(|k| boundary::keys(config, &loaded.project, &with_secrets, k));
    let outcomes: Vec<Streamed<(Vec<Diagnostic>, EnvOutcome)>> = each_env(&envs, |i, env| {
        streamed(&loaded, i, env, &sources, |layers, sources| {
            plan_env(&loaded, layers, &templates, keys.as_ref(), sources, env)
        })
    });
    let mut planned = Planned {
        diagnostics: files.findings,
        in_outputs: false,
        redactions: files.redactions,
        plans: Vec::new(),
        notice: keys.as_ref().and_then(Keys::notice).cloned().map(Box::new),
    };
    let mut errors = Vec::new();
    let mut load_errors = Vec::new();
    let mut failures = Vec::new();
    let mut in_config = !planned.diagnostics.is_empty();
    for outcome in outcomes {
        let outcome = match outcome.take(&mut sources) {
            Err(found) => {
                load_errors.extend(found);
                continue;
            }
            Ok((files, outcome)) => {
                in_config |= !files.is_empty();
                planned.diagnostics.extend(files);
                outcome
            }
        };
        match outcome {
            EnvOutcome::Planned(plans) => planned.plans.extend(plans),
            EnvOutcome::Invalid(found) => {
                in_config = true;
                planned.diagnostics.extend(found);
            }
            // Taken in once every task's texts are in the map.
            EnvOutcome::Failed(failed) => failures.push(failed),
        }
    }
    load_errors.extend(keys.as_ref().and_then(Keys::error).cloned());
    if !load_errors.is_empty() {
        drop(planned);
        leak((templates, loaded));
        return Err(Stopped {
            sources,
            errors: load_errors,
        });
    }
    for failed in failures {
        let found = adopt(&mut sources, failed);
        planned.in_outputs = true;
        for d in found {
            if d.is_finding() {
                planned.diagnostics.push(d);
            } else {
                errors.push(d);
            }
        }
    }
    if !errors.is_empty() {
        drop(planned);
        return Err(Stopped { sources, errors });
    }
    if !planned.diagnostics.is_empty() {
        // Findings in the configuration come first: outputs rendered from an invalid
        // configuration prove nothing.
        planned.in_outputs &= !in_config;
        planned.plans.clear();
        planned.diagnostics = sorted(std::mem::take(&mut planned.diagnostics), &loaded, &sources);
    }
    planned.plans.sort_by(|a, b| a.rel.cmp(&b.rel));
    let result = then(&loaded, sources, planned);
    leak((templates, loaded));
    Ok(result)
}

enum EnvOutcome<'a> {
    Planned(Vec<FilePlan<'a>>),
    /// Findings of validate (merged values or decrypted secrets): nothing was rendered.
    Invalid(Vec<Diagnostic>),
    /// Render or decrypt went wrong: findings in outputs, or errors.
    Failed(render::Failed),
}

/// Stages 2–6 for one environment (its own files just loaded into `layers`).
fn plan_env<'a>(
    loaded: &'a Loaded,
    layers: &Layers,
    templates: &Templates,
    keys: Option<&Keys>,
    sources: &SourceMap,
    env: &'a Environment,
) -> EnvOutcome<'a> {
    let keyring = keys.and_then(Keys::keyring);
    let (merged, mut derived) = merge_env(env, layers, &loaded.schema, Some(sources));
    let validated = validate::validate(merged, layers, &loaded.schema, sources);
    if !derived.is_empty() {
        // Every finding of the environment at once, not the derived values' alone.
        let findings = validated.findings;
        derived.extend(derive::beside_failed(&validated.merged, findings));
        return EnvOutcome::Invalid(derived);
    }
    if !validated.findings.is_empty() {
        return EnvOutcome::Invalid(validated.findings);
    }
    let needs_secrets = loaded.project.outputs_for(env).any(|o| o.secrets);
    if needs_secrets
        && keyring.is_some()
        && let Some(refused) = pending_refusal(env, layers)
    {
        return EnvOutcome::Failed(render::Failed {
            diagnostics: vec![refused],
            sources: Vec::new(),
        });
    }
    let resolved = match keyring {
        _ if !needs_secrets => Resolved::Unavailable("no output needs them".into()),
        None => match keys {
            Some(keys) => Resolved::Unavailable(keys.reason().to_string()),
            None => Resolved::Unavailable("not decrypted (--no-decrypt)".into()),
        },
        Some(keyring) => match decrypt::decrypt(env, layers, keyring, sources) {
            Ok(r) => r,
            Err(diagnostics) => {
                return EnvOutcome::Failed(render::Failed {
                    diagnostics,
                    sources: Vec::new(),
                });
            }
        },
    };
    let secrets = match &resolved {
        Resolved::Values(values) => {
            let found = validate::check_decrypted(
                &validated.merged,
                layers,
                &loaded.schema,
                sources,
                values,
            );
            if !found.is_empty() {
                return EnvOutcome::Invalid(found);
            }
            Secrets::Values(values)
        }
        Resolved::Unavailable(why) => Secrets::Unavailable(why),
    };
    let rendered = render::render_env(
        &loaded.project,
        &loaded.schema,
        templates,
        &validated.merged,
        secrets,
    );
    let files = match rendered {
        Ok(files) => files,
        Err(failed) => return EnvOutcome::Failed(failed),
    };
    // Built only if a secret-bearing file changes: most plans show no diff at all.
    let plain = std::cell::OnceCell::new();
    let mask_of = |file: &render::RenderedFile| match &resolved {
        Resolved::Values(values) if file.output.secrets => Some(render::line_mask(
            file,
            plain.get_or_init(|| {
                render::plain_context(&validated.merged, &loaded.schema, templates)
            }),
            values,
            templates,
            &loaded.project,
            &loaded.schema,
        )),
        _ => None,
    };
    match plan::plan_env(&loaded.project.fs, files, mask_of) {
        Ok(plans) => EnvOutcome::Planned(plans),
        Err(diagnostics) => EnvOutcome::Failed(render::Failed {
            diagnostics,
            sources: Vec::new(),
        }),
    }
}

/// Why an environment with pending values (set without a key, unauthenticated) is not
/// rendered with its secrets: nothing unauthenticated reaches a deployed file.
fn pending_refusal(env: &Environment, layers: &Layers) -> Option<Diagnostic> {
    let parsed = layers.secrets(layers.id(&env.secrets.as_ref()?.value))?;
    review::pending_refusal(env, parsed)
}

/// Add the rendered texts a render's findings point into to the map, and point the
/// findings at them.
fn adopt(sources: &mut SourceMap, failed: render::Failed) -> Vec<Diagnostic> {
    let ids: Vec<FileId> = failed.sources.into_iter().map(|s| sources.add(s)).collect();
    failed
        .diagnostics
        .into_iter()
        .map(|mut d| {
            if let Some(span) = &mut d.span
                && span.file.0 >= render::DETACHED
            {
                span.file = ids[(span.file.0 - render::DETACHED) as usize];
            }
            d
        })
        .collect()
}

/// Findings merged across environments, sorted by file and line; each finding's
/// environments in declared order.
fn sorted(found: Vec<Diagnostic>, loaded: &Loaded, sources: &SourceMap) -> Vec<Diagnostic> {
    let order: Vec<&str> = loaded.environments().map(|e| e.name.as_str()).collect();
    let rank = |e: &String| order.iter().position(|o| o == e).unwrap_or(usize::MAX);
    let checked: Vec<_> = loaded.environments().collect();
    let found = validate::missing::group(found, &checked);
    let mut found = crate::diagnostic::dedupe_and_sort(found, crate::report::order(sources));
    for d in &mut found {
        d.environments.sort_by_key(rank);
    }
    found
}

// The `cfgc secrets` commands run the first stages on one environment, to manage its
// secrets file rather than to render: these are their entry points.

pub use crate::decrypt::{DemoKeys, Keyring, Opened};
pub use rehearse::unplaceable;

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
    let (merged, _) = merge_env(env, &loaded.layers, &loaded.schema, None);
    validate::required_secrets(&merged, &loaded.schema)
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
    let (merged, _) = merge_env(env, &loaded.layers, &loaded.schema, None);
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

/// Leave large structures that hold no secret to the OS at exit instead of freeing them
/// piece by piece: that took a fifth of a 1,000-environment check. Never call it on
/// anything holding a decrypted value (those are zeroized when dropped).
fn leak<T>(value: T) {
    std::mem::forget(value);
}

// `explain`, `docs` and `exec` look at environments rather than render them: these are
// their entry points.

/// The selected environments after stages 1–2, for commands that read them: each merged
/// with provenance (every node keeps its span and the spans it overrode), and each
/// output's template text in the source map.
pub struct Inspection<'a> {
    pub loaded: &'a Loaded,
    pub sources: &'a SourceMap,
    /// The selected environments, merged, in declared order.
    pub merged: Vec<merge::Merged<'a>>,
    /// Each output with its template's text, in declared order.
    pub templates: Vec<(&'a crate::project::Output, FileId)>,
}

/// Stages 1–2 for `explain` and `docs`: no key is needed and nothing is validated or
/// rendered. `then` gets the result while the project it borrows from is alive.
pub fn inspect<T>(
    config: &Config,
    names: &[String],
    then: impl FnOnce(Inspection) -> T,
) -> Result<T, Stopped> {
    let mut sources = SourceMap::default();
    let loaded = match load::load(
        config.project.as_deref(),
        names,
        &mut sources,
        Default::default(),
    ) {
        Ok(l) => l,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    let mut template_ids = Vec::new();
    let mut errors = Vec::new();
    for output in &loaded.project.outputs {
        let path = &output.template.value;
        let read = loaded
            .project
            .fs
            .read(&path.rel, crate::fs::Role::Template)
            .map_err(|e| {
                e.diagnostic()
                    .at(output.template.span)
                    .label("declared here")
            });
        match read {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let name = crate::source::display_name(&loaded.project.root, path);
                template_ids.push(sources.add(crate::source::Source::new(
                    name,
                    path.abs.clone(),
                    text,
                )));
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(Stopped { sources, errors });
    }
    let merged = loaded
        .environments()
        .map(|env| merge_env(env, &loaded.layers, &loaded.schema, None).0)
        .collect();
    let templates = loaded.project.outputs.iter().zip(template_ids).collect();
    Ok(then(Inspection {
        loaded: &loaded,
        sources: &sources,
        merged,
        templates,
    }))
}

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
    let (merged, derived) = merge_env(env, &loaded.layers, &loaded.schema, Some(&sources));
    let validated = validate::validate(merged, &loaded.layers, &loaded.schema, &sources);
    let mut found = files.findings;
    if derived.is_empty() {
        found.extend(validated.findings);
    } else {
        found.extend(derived);
    }
    let mut secrets = std::collections::BTreeMap::new();
    if found.is_empty()
        && let Some(declared) = &env.secrets
        && let Some(parsed) = loaded.layers.secrets(loaded.layers.id(&declared.value))
    {
        if let Some(refused) = review::pending_refusal(env, parsed) {
            return stop(sources, vec![refused]);
        }
        let keyring = Keyring::from_sources(config.identity_sources.clone());
        let keyring = match boundary::keys(config, &loaded.project, &envs, keyring) {
            Keys::Open(keyring) => *keyring,
            Keys::Refused { notice, .. } => return stop(sources, vec![refusal(*notice)]),
            Keys::Closed(error) => return stop(sources, vec![*error]),
        };
        let opened = keyring
            .for_environment(env)
            .and_then(|ids| decrypt::open_file(parsed, &env.name, &ids, &sources))
            .map_err(decrypt::DecryptError::into_diagnostics);
        match opened {
            Ok(opened) => secrets = opened.values,
            Err(errors) => return stop(sources, errors),
        }
        found.extend(validate::check_decrypted(
            &validated.merged,
            &loaded.layers,
            &loaded.schema,
            &sources,
            &secrets,
        ));
    }
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
        }));
    }
    Ok(then(Environ {
        merged: validated.merged,
        secrets,
    }))
}

/// The boundary's notice as the error that stops `exec`: its command would run without
/// the secrets it was started for.
fn refusal(notice: Diagnostic) -> Diagnostic {
    let mut d = Diagnostic::error(notice.code, notice.message);
    d.notes = notice.notes;
    d.help = notice.help;
    d
}
