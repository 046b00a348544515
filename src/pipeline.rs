//! The order of the stages, and the only module that knows it:
//! load → merge → validate → decrypt (→ render → plan → apply).
//! A command is "run the pipeline up to stage X".

use crate::diagnostic::Diagnostic;
use crate::load::{self, Layers};
use crate::project::{self, Environment, Project};
use crate::source::SourceMap;
use crate::validate::{self, Schema, Validated};

/// The project, its schema and the files of the selected environments.
pub struct Loaded {
    pub project: Project,
    pub schema: Schema,
    pub layers: Layers,
    /// Indices into `project.environments`, in declared order.
    pub selected: Vec<usize>,
}

/// Stages 1 (load): project file, schema, and every layer of `names`
/// (all environments when empty).
pub fn load(
    project_path: Option<&std::path::Path>,
    names: &[String],
    sources: &mut SourceMap,
) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(project_path, names, sources, load::Options::default())
}

/// `load`, with options (`cfgc secrets set` accepts a secrets file not written yet).
pub fn load_with(
    project_path: Option<&std::path::Path>,
    names: &[String],
    sources: &mut SourceMap,
    options: load::Options,
) -> Result<Loaded, Vec<Diagnostic>> {
    let file = project::locate(project_path).map_err(|d| vec![d])?;
    let project = project::load(&file, sources)?;
    let selected = select(&project, names)?;
    let schema = validate::schema::load(&project, sources).map_err(|d| vec![d])?;
    let envs: Vec<&Environment> = selected.iter().map(|&i| &project.environments[i]).collect();
    let layers = load::load_with(&project.fs, &envs, sources, options)?;
    Ok(Loaded {
        project,
        schema,
        layers,
        selected,
    })
}

/// Stages 2 and 3 (merge, validate).
pub fn validate<'a>(loaded: &'a Loaded, sources: &SourceMap) -> Validated<'a> {
    let envs: Vec<&Environment> = loaded
        .selected
        .iter()
        .map(|&i| &loaded.project.environments[i])
        .collect();
    let mut validated = validate::validate(&envs, &loaded.layers, &loaded.schema, sources);
    let order: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let rank = |e: &String| order.iter().position(|o| o == e).unwrap_or(usize::MAX);
    let found = std::mem::take(&mut validated.diagnostics);
    validated.diagnostics =
        crate::diagnostic::dedupe_and_sort(found, crate::report::order(sources));
    for d in &mut validated.diagnostics {
        d.environments.sort_by_key(rank);
    }
    validated
}

/// Stage 4 (decrypt): one environment's secrets, verified and checked against the schema.
pub fn decrypt(
    loaded: &Loaded,
    env: &Environment,
    sources: &SourceMap,
    keyring: &crate::decrypt::Keyring,
) -> Result<crate::decrypt::Decrypted, crate::decrypt::DecryptError> {
    crate::decrypt::decrypt(loaded, env, sources, keyring)
}

fn select(project: &Project, names: &[String]) -> Result<Vec<usize>, Vec<Diagnostic>> {
    if names.is_empty() {
        return Ok((0..project.environments.len()).collect());
    }
    let declared: Vec<&str> = project
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for name in names {
        match declared.iter().position(|d| d == name) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => errors.push(
                Diagnostic::error(
                    "unknown-environment",
                    format!("unknown environment `{name}`"),
                )
                .help(format!("the project declares: {}", declared.join(", "))),
            ),
        }
    }
    out.sort_unstable();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Stages 4 and 5 (decrypt, render): every output of the selected
/// environments; secrets are decrypted per environment only when a
/// secret-bearing output is rendered.
pub fn render<'a>(
    loaded: &'a Loaded,
    validated: &Validated<'a>,
    templates: &crate::render::Templates,
    keyring: Option<&crate::decrypt::Keyring>,
    sources: &SourceMap,
) -> Result<Vec<crate::render::RenderedFile<'a>>, Vec<Diagnostic>> {
    crate::render::render(loaded, validated, templates, keyring, sources)
}

/// Stage 6 (plan): rendered files against the files on disk.
pub fn plan(files: Vec<crate::render::RenderedFile<'_>>) -> Vec<crate::plan::FilePlan<'_>> {
    crate::plan::plan(files)
}
