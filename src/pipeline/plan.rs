//! `plan` and `apply`: every environment through stage 6, each on its own, keeping only its
//! findings and its plans.

use super::boundary::{self, Keys};
use super::chain::{Env, Need};
use super::{Reported, Stopped, adopt, each_streamed, leak, review, sorted, start};
use crate::cli::Config;
use crate::decrypt::{DemoKeys, Keyring};
use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded};
use crate::plan::FilePlan;
use crate::render::{self, Templates};
use crate::source::{SourceMap, Span};
use crate::validate;

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

enum EnvOutcome<'a> {
    Planned(Vec<FilePlan<'a>>),
    /// Findings of validate (merged values or decrypted secrets): nothing was rendered.
    Invalid(Vec<Diagnostic>),
    /// Render or decrypt went wrong: findings in outputs, or errors.
    Failed(render::Failed),
}

impl Reported for EnvOutcome<'_> {
    fn reports(&self) -> bool {
        !matches!(self, EnvOutcome::Planned(_))
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
    let outcomes = each_streamed(&loaded, &envs, &sources, |_, at| {
        plan_env(at, &templates, keys.as_ref())
    });
    let mut planned = Planned {
        diagnostics: files.findings,
        in_outputs: false,
        redactions: files.redactions,
        plans: Vec::new(),
        notice: keys.as_ref().and_then(Keys::notice).cloned().map(Box::new),
    };
    let mut in_config = !planned.diagnostics.is_empty();
    let mut load_errors = Vec::new();
    let mut failures = Vec::new();
    for outcome in outcomes {
        match outcome.take(&mut sources) {
            Err(found) => load_errors.extend(found),
            Ok((files, outcome)) => {
                in_config |= !files.is_empty();
                planned.diagnostics.extend(files);
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
        }
    }
    load_errors.extend(keys.as_ref().and_then(Keys::error).cloned());
    // The project's generated files: one each, whatever environments were named.
    match super::generate::outputs(&loaded, &sources)
        .and_then(|files| crate::plan::plan_generated(&loaded.project.fs, files))
    {
        Ok(plans) => planned.plans.extend(plans),
        Err(errors) => load_errors.extend(errors),
    }
    if !load_errors.is_empty() {
        drop(planned);
        leak((templates, loaded));
        return Err(Stopped {
            sources,
            errors: load_errors,
        });
    }
    let planned = finish(planned, failures, in_config, &loaded, &mut sources)?;
    let result = then(&loaded, sources, planned);
    leak((templates, loaded));
    Ok(result)
}

/// The plan once every environment is done: render failures taken in (findings in
/// outputs, or errors that stop the run), findings sorted, plans in path order.
fn finish<'a>(
    mut planned: Planned<'a>,
    failures: Vec<render::Failed>,
    in_config: bool,
    loaded: &Loaded,
    sources: &mut SourceMap,
) -> Result<Planned<'a>, Stopped> {
    let mut errors = Vec::new();
    for failed in failures {
        planned.in_outputs = true;
        for d in adopt(sources, failed) {
            if d.is_finding() {
                planned.diagnostics.push(d);
            } else {
                errors.push(d);
            }
        }
    }
    if !errors.is_empty() {
        let sources = std::mem::take(sources);
        return Err(Stopped { sources, errors });
    }
    if !planned.diagnostics.is_empty() {
        // Findings in the configuration come first: outputs rendered from an invalid
        // configuration prove nothing.
        planned.in_outputs &= !in_config;
        planned.plans.clear();
        planned.diagnostics = sorted(std::mem::take(&mut planned.diagnostics), loaded, sources);
    }
    planned.plans.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(planned)
}

/// Stages 2–6 for one environment (its own files just loaded).
fn plan_env<'a>(at: Env<'a, '_>, templates: &Templates, keys: Option<&Keys>) -> EnvOutcome<'a> {
    let failed = |diagnostics| {
        EnvOutcome::Failed(render::Failed {
            diagnostics,
            sources: Vec::new(),
        })
    };
    let validated = at.derive(true).validate(at);
    if !validated.findings.is_empty() {
        return EnvOutcome::Invalid(validated.findings);
    }
    let keyring = keys.and_then(Keys::keyring);
    let needs_secrets = at.loaded.project.outputs_for(at.env).any(|o| o.secrets);
    let need = match keyring {
        _ if !needs_secrets => Need::Withheld("no output needs them"),
        None => Need::Withheld(keys.map_or("not decrypted (--no-decrypt)", Keys::reason)),
        Some(keyring) => Need::IfHeld(keyring),
    };
    if let Need::IfHeld(_) = need
        && let Some(refused) = pending_refusal(at)
    {
        return failed(vec![refused]);
    }
    let mut decrypted = match validated.decrypt(at, need) {
        Ok(decrypted) => decrypted,
        Err(diagnostics) => return failed(diagnostics),
    };
    if !decrypted.validated.findings.is_empty() {
        return EnvOutcome::Invalid(std::mem::take(&mut decrypted.validated.findings));
    }
    let rendered = match decrypted.render(at, templates) {
        Ok(rendered) => rendered,
        Err(failed) => return EnvOutcome::Failed(failed),
    };
    match rendered.plan(at, &decrypted, templates) {
        Ok(plans) => EnvOutcome::Planned(plans),
        Err(diagnostics) => failed(diagnostics),
    }
}

/// Why an environment with pending values (set without a key, unauthenticated) is not
/// rendered with its secrets: nothing unauthenticated reaches a deployed file.
fn pending_refusal(at: Env) -> Option<Diagnostic> {
    let layers = at.layers;
    let parsed = layers.secrets(layers.id(&at.env.secrets.as_ref()?.value))?;
    review::pending_refusal(at.env, parsed)
}
