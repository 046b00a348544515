//! Stage 1, load: read every layer and secrets file the selected
//! environments name, each once, in parallel, into span-keeping trees.
//! A secrets file's structure is read here too (no key needed), so a damaged
//! one stops the run like a YAML syntax error does.

mod files;
pub mod toml;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostic::{Code, Diagnostic};
use crate::node::Node;
use crate::project::{self, Environment, Project};
use crate::schema::Schema;
use crate::secrets;
use crate::source::{FileId, SourceMap};
use files::{Wanted, load_files, parse_files};

/// Stage 1's product: the project, its schema, and the files of the selected environments
/// (those only one environment uses are left to [`load_env`] when loading is streamed).
pub struct Loaded {
    pub project: Project,
    pub schema: Schema,
    pub layers: Layers<'static>,
    /// Indices into `project.environments`, in declared order.
    pub selected: Vec<usize>,
    /// Per selected environment (in `selected` order), the files only it uses, when
    /// loading is streamed; read and parsed in its own task by [`load_env`].
    deferred: Vec<Vec<(Wanted, FileId)>>,
    options: Options,
}

impl Loaded {
    pub fn environments(&self) -> impl Iterator<Item = &Environment> {
        self.selected.iter().map(|&i| &self.project.environments[i])
    }
}

/// Stage 1: the project file, the schema, and every layer and secrets file of the
/// environments `names` (all when empty).
pub fn load(
    project_path: Option<&std::path::Path>,
    names: &[String],
    sources: &mut SourceMap,
    options: Options,
) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(project_path, names, sources, options, false)
}

/// Stage 1, streamed: as `load`, but a file only one environment uses is left to that
/// environment's task (`load_env`), so its text and tree live only while the environment
/// is worked on. A 1,000-environment project is then never in memory all at once.
pub fn load_streamed(
    project_path: Option<&std::path::Path>,
    names: &[String],
    sources: &mut SourceMap,
    options: Options,
) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(project_path, names, sources, options, true)
}

fn load_with(
    project_path: Option<&std::path::Path>,
    names: &[String],
    sources: &mut SourceMap,
    options: Options,
    stream: bool,
) -> Result<Loaded, Vec<Diagnostic>> {
    let file = project::locate(project_path).map_err(|d| vec![d])?;
    let project = project::load(&file, sources)?;
    let selected = select(&project, names)?;
    let schema = crate::schema::load(&project, sources).map_err(|d| vec![d])?;
    let unused_tiers: Vec<Diagnostic> = schema
        .tiers_named()
        .into_iter()
        .filter_map(|(tier, pointer)| {
            let what = format!("the schema rule at `{pointer}`");
            project::tiers::unused(&tier, &project.environments, &what).map(|d| {
                d.at(schema.pointer_span(sources, &pointer))
                    .label("no environment has this tier")
            })
        })
        .collect();
    if !unused_tiers.is_empty() {
        return Err(unused_tiers);
    }
    let envs: Vec<&Environment> = selected.iter().map(|&i| &project.environments[i]).collect();
    let (layers, deferred) = load_files(&project.fs, &envs, sources, options, stream)?;
    Ok(Loaded {
        project,
        schema,
        layers,
        selected,
        deferred,
        options,
    })
}

/// Stage 1 for the files only the `index`-th selected environment uses (none unless
/// loading is streamed), read into `sources` (that environment's fork of the map). The
/// result sees the shared files too; it is dropped with the environment's task.
pub fn load_env<'s>(
    loaded: &'s Loaded,
    index: usize,
    sources: &mut SourceMap,
) -> Result<Layers<'s>, Vec<Diagnostic>> {
    let mine = loaded.deferred.get(index).map_or(&[][..], Vec::as_slice);
    let parsed = parse_files(&loaded.project.fs, mine, sources, loaded.options, false);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    Ok(Layers {
        files: parsed.files,
        by_path: HashMap::new(),
        secrets: parsed.secrets,
        shared: Some(&loaded.layers),
    })
}

/// The environments named on the command line, in declared order.
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
            None => {
                let mut d = Diagnostic::new(
                    Code::UnknownEnvironment,
                    format!("unknown environment `{name}`"),
                );
                if let Some(close) = declared
                    .iter()
                    .filter(|d| strsim::jaro_winkler(d, name) > 0.8)
                    .max_by(|a, b| {
                        strsim::jaro_winkler(a, name).total_cmp(&strsim::jaro_winkler(b, name))
                    })
                {
                    d = d.note(format!("did you mean `{close}`?"));
                }
                errors.push(d.help(format!("the project declares: {}", declared.join(", "))));
            }
        }
    }
    out.sort_unstable();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Parsed files: those of the whole run (`Loaded::layers`), or one environment's own
/// files on top of those (`load_env`).
pub struct Layers<'s> {
    files: HashMap<FileId, Node>,
    /// Every file of the run, loaded or deferred (empty in an environment's own layers).
    by_path: HashMap<PathBuf, FileId>,
    secrets: HashMap<FileId, secrets::file::Parsed>,
    /// The run's layers, under an environment's own.
    shared: Option<&'s Layers<'s>>,
}

/// How lenient loading is.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// A missing secrets file loads as "no file yet" instead of an error
    /// (`cfgc secrets set` and `edit` create it).
    pub new_secrets_ok: bool,
}

impl Layers<'_> {
    pub fn node(&self, file: FileId) -> &Node {
        match (self.files.get(&file), self.shared) {
            (Some(node), _) => node,
            (None, Some(shared)) => shared.node(file),
            (None, None) => panic!("file {file:?} was not loaded"),
        }
    }

    pub fn id(&self, path: &PathBuf) -> FileId {
        match self.shared {
            Some(shared) => shared.id(path),
            None => self.by_path[path],
        }
    }

    /// The files parsed at this level (not those it sees through the run's layers).
    pub fn files(&self) -> impl Iterator<Item = (FileId, &Node)> {
        self.files.iter().map(|(id, n)| (*id, n))
    }

    /// Whether this file was parsed at this level (see `files`).
    pub fn owns(&self, file: FileId) -> bool {
        self.files.contains_key(&file)
    }

    /// The parsed secrets file with this id; `None` for a layer, or for a secrets file
    /// that does not exist yet (only with `Options::new_secrets_ok`).
    pub fn secrets(&self, file: FileId) -> Option<&secrets::file::Parsed> {
        self.secrets
            .get(&file)
            .or_else(|| self.shared.and_then(|s| s.secrets(file)))
    }
}
