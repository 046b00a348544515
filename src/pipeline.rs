//! The order of the stages, and the only module that knows it:
//! load → merge (→ derive) → validate → decrypt → render → plan → apply.
//! A command is "run the pipeline up to stage X": `check` (stage 4), `plan` (6), `apply`
//! (7), `exec` (`resolve`, 4), `explain` and `docs` (`inspect`, 2), and the `cfgc secrets`
//! entry points. One environment's way through the stages is `chain`'s typed steps.
//!
//! After load, each environment goes through the rest on its own, in parallel, and what it
//! leaves behind is small: its findings, and per output a status, a masked diff and, for a
//! file to write, its text. Nothing rendered is held for the whole project at once.

use rayon::prelude::*;

use crate::cli::Config;
use crate::diagnostic::Diagnostic;
use crate::load::{self, Layers, Loaded};
use crate::plan::FilePlan;
use crate::project::{Environment, Project};
use crate::render::{self, Templates};
use crate::source::{self, FileId, SourceMap};
use crate::validate;

mod boundary;
mod chain;
mod check;
mod generate;
mod inspect;
mod plan;
mod rehearse;
mod resolve;
mod review;
mod secrets;

pub use crate::decrypt::{DemoKeys, Keyring, Opened};
pub use check::{AppRead, CheckOptions, Checked, check};
pub use generate::{generate, outputs as generated_outputs};
pub use inspect::{Inspection, inspect};
pub use plan::{Planned, plan};
pub use rehearse::unplaceable;
pub use resolve::{Environ, Unresolved, resolve};
pub use secrets::{
    check_secret_values, load_for_secrets, open_secrets, open_secrets_if_held, open_to_release,
    required_secrets,
};

/// A run that stopped with errors (exit 2), and the sources they point into.
pub struct Stopped {
    pub sources: SourceMap,
    pub errors: Vec<Diagnostic>,
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
pub(super) struct Streamed<T> {
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

/// Every environment of `envs` through `stages`, each with its own files just loaded and
/// dropped after (`streamed`), in parallel from `PARALLEL_FROM` environments: how `check` and
/// `plan` walk a project.
fn each_streamed<'a, T: Reported + Send>(
    loaded: &'a Loaded,
    envs: &[&'a Environment],
    sources: &SourceMap,
    stages: impl Fn(usize, chain::Env<'a, '_>) -> T + Sync + Send,
) -> Vec<Streamed<(Vec<Diagnostic>, T)>> {
    each_env(envs, |i, env| {
        streamed(loaded, i, env, sources, |layers, sources| {
            let at = chain::Env {
                loaded,
                env,
                layers,
                sources,
            };
            stages(i, at)
        })
    })
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

/// Leave large structures that hold no secret to the OS at exit instead of freeing them
/// piece by piece: that took a fifth of a 1,000-environment check. Never call it on
/// anything holding a decrypted value (those are zeroized when dropped).
fn leak<T>(value: T) {
    std::mem::forget(value);
}

// Stage 7. `apply` holds the project lock from before the plan to the last write, so what
// is confirmed is what is written; between `ready` and `write` it shows the plan and asks.

pub use crate::apply::Applied;

/// The project lock for a plan-then-write.
pub fn lock(config: &Config) -> Result<crate::fs::Lock, Diagnostic> {
    let file = crate::project::locate(config.project.as_deref())?;
    let root = file.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let fs = crate::fs::ProjectFs::open(&root, crate::fs::Limits::default())
        .map_err(|e| e.diagnostic())?;
    crate::apply::lock(&fs)
}

/// Stage 7's preflight on a plan about to be shown: every pending write is allowed, and
/// no temp file of an interrupted apply is left in the output folder.
pub fn ready(project: &Project, plans: &[FilePlan]) -> Result<(), Vec<Diagnostic>> {
    let refused = crate::apply::preflight(&project.fs, plans);
    if !refused.is_empty() {
        return Err(refused);
    }
    crate::apply::remove_stale_temps(&project.fs, &project.output_dir).map_err(|d| vec![d])
}

/// Stage 7: the confirmed plan written, each file atomically.
pub fn write(project: &Project, plans: &[FilePlan]) -> Result<Applied, Vec<Diagnostic>> {
    crate::apply::write_all(&project.fs, plans)
}
