//! Stage 1, load: read every layer and secrets file the selected
//! environments name, each once, in parallel, into span-keeping trees.
//! A secrets file's structure is read here too (no key needed), so a damaged
//! one stops the run like a YAML syntax error does.

pub mod toml;
pub mod yaml;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::fs::{ProjectFs, Role};
use crate::node::{Kind, Node};
use crate::project::{self, Environment, LayerFormat, Located, Project, ProjectPath, layer_format};
use crate::secrets;
use crate::source::{FileId, Source, SourceMap, Span, display_name};
use crate::validate::{self, Schema};

/// Stage 1's product: the project, its schema, and every file of the selected environments.
pub struct Loaded {
    pub project: Project,
    pub schema: Schema,
    pub layers: Layers,
    /// Indices into `project.environments`, in declared order.
    pub selected: Vec<usize>,
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
    let file = project::locate(project_path).map_err(|d| vec![d])?;
    let project = project::load(&file, sources)?;
    let selected = select(&project, names)?;
    let schema = validate::schema::load(&project, sources).map_err(|d| vec![d])?;
    let envs: Vec<&Environment> = selected.iter().map(|&i| &project.environments[i]).collect();
    let layers = load_files(&project.fs, &envs, sources, options)?;
    Ok(Loaded {
        project,
        schema,
        layers,
        selected,
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
                let mut d = Diagnostic::error(
                    "unknown-environment",
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

/// Every file of the selected environments, parsed.
pub struct Layers {
    files: HashMap<FileId, Node>,
    by_path: HashMap<PathBuf, FileId>,
    secrets: HashMap<FileId, secrets::file::Parsed>,
}

/// How lenient loading is.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// A missing secrets file loads as "no file yet" instead of an error
    /// (`cfgc secrets set` and `edit` create it).
    pub new_secrets_ok: bool,
}

impl Layers {
    pub fn node(&self, file: FileId) -> &Node {
        &self.files[&file]
    }

    pub fn id(&self, path: &PathBuf) -> FileId {
        self.by_path[path]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &Node)> {
        self.files.iter().map(|(id, n)| (*id, n))
    }

    /// The parsed secrets file with this id; `None` for a layer, or for a secrets file
    /// that does not exist yet (only with `Options::new_secrets_ok`).
    pub fn secrets(&self, file: FileId) -> Option<&secrets::file::Parsed> {
        self.secrets.get(&file)
    }
}

/// Where a file was declared, for "not found" errors.
struct Wanted {
    path: ProjectPath,
    declared: Span,
    format: LayerFormat,
    is_secrets: bool,
}

/// Every file goes through the project's filesystem (`fs`): inside the root, regular
/// files only, under the size and depth limits of cfgc.toml.
fn load_files(
    fs: &ProjectFs,
    envs: &[&Environment],
    sources: &mut SourceMap,
    options: Options,
) -> Result<Layers, Vec<Diagnostic>> {
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut by_path = HashMap::new();
    let root = fs.root();
    let mut want = |loc: &Located<ProjectPath>, format: LayerFormat, is_secrets: bool| {
        if !by_path.contains_key(&loc.value.abs) {
            by_path.insert(loc.value.abs.clone(), FileId(0));
            wanted.push(Wanted {
                path: loc.value.clone(),
                declared: loc.span,
                format,
                is_secrets,
            });
        }
    };
    for env in envs {
        for layer in &env.layers {
            // The project file already checked every layer's extension.
            want(
                layer,
                layer_format(&layer.value).unwrap_or(LayerFormat::Yaml),
                false,
            );
        }
        if let Some(secrets) = &env.secrets {
            want(secrets, LayerFormat::Yaml, true);
        }
    }
    let ids: Vec<FileId> = wanted
        .iter()
        .map(|w| sources.reserve(display_name(root, &w.path), w.path.abs.clone()))
        .collect();
    for (w, id) in wanted.iter().zip(&ids) {
        by_path.insert(w.path.abs.clone(), *id);
    }

    // Reading, parsing, and the secrets files' structure all run in parallel.
    let parsed: Vec<(ReadFile, SecretsParse)> = wanted
        .par_iter()
        .zip(ids.par_iter())
        .map(|(w, &id)| {
            let (source, result, new) = read_and_parse(fs, w, id, options);
            let structure = match &result {
                Ok(node) if w.is_secrets && !new => {
                    Some(secrets::file::parse(node, id, &source.name))
                }
                _ => None,
            };
            ((source, result), structure)
        })
        .collect();

    let mut files = HashMap::new();
    let mut secrets = HashMap::new();
    let mut errors = Vec::new();
    for ((((source, result), structure), id), w) in parsed.into_iter().zip(ids).zip(&wanted) {
        if w.is_secrets {
            // Values in a secrets file are never shown, even when it failed to parse
            // (a hand-edited file may hold plaintext).
            let spans = match &result {
                Ok(node) => value_spans(node),
                Err(_) => secrets::file::redact_unparsed(&source, id),
            };
            spans.into_iter().for_each(|s| sources.redact(s));
        }
        sources.fill(id, source);
        match structure {
            Some(Ok(p)) => {
                secrets.insert(id, p);
            }
            Some(Err(d)) => errors.extend(d),
            None => {}
        }
        match result {
            Ok(node) => {
                files.insert(id, node);
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(Layers {
            files,
            by_path,
            secrets,
        })
    } else {
        Err(errors)
    }
}

/// A file as read, and parsed if it could be.
type ReadFile = (Source, Result<Node, Diagnostic>);
/// A secrets file's structure (`None` for layers and for a file not written yet).
type SecretsParse = Option<Result<secrets::file::Parsed, Vec<Diagnostic>>>;

fn value_spans(node: &Node) -> Vec<Span> {
    node.as_map()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != secrets::file::META_KEY)
        .map(|(_, e)| e.node.span)
        .collect()
}

/// The file's source, its tree, and whether it is a secrets file not written yet. Only a
/// file that does not exist is "new": an empty one was emptied, and is reported like any
/// other damage.
fn read_and_parse(
    fs: &ProjectFs,
    w: &Wanted,
    id: FileId,
    options: Options,
) -> (Source, Result<Node, Diagnostic>, bool) {
    let name = w.path.rel.to_string();
    let role = if w.is_secrets {
        Role::Secrets
    } else {
        Role::Layer
    };
    let bytes = match fs.read(&w.path.rel, role) {
        Ok(b) => b,
        Err(e) if w.is_secrets && options.new_secrets_ok && e.is_not_found() => {
            let empty = Node::new(Kind::Map(Default::default()), Span::new(id, 0, 0));
            return (
                Source::new(name, w.path.abs.clone(), String::new()),
                Ok(empty),
                true,
            );
        }
        Err(e) => {
            let d = e.diagnostic().at(w.declared).label("declared here");
            return (
                Source::new(name, w.path.abs.clone(), String::new()),
                Err(d),
                false,
            );
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let src = Source::new(name.clone(), w.path.abs.clone(), lossy);
            let start = String::from_utf8_lossy(&e.as_bytes()[..at]).len();
            let d = Diagnostic::error("invalid-utf8", format!("`{name}` is not valid UTF-8"))
                .at(Span::new(id, start, start + '\u{FFFD}'.len_utf8()))
                .label("invalid byte here")
                .help("save the file as UTF-8");
            return (src, Err(d), false);
        }
    };
    let source = Source::new(name, w.path.abs.clone(), text);
    let parsed = match w.format {
        LayerFormat::Yaml => yaml::parse_with(id, &source, fs.limits()),
        LayerFormat::Toml => toml::parse_with(id, &source, fs.limits()),
    };
    let result = parsed.and_then(|node| match node.kind {
        Kind::Map(_) => Ok(node),
        _ => Err(Diagnostic::error(
            "layer-not-a-map",
            "a layer must be a mapping of variable names to values",
        )
        .at(node.span)
        .label(format!("found {}", node.type_name()))),
    });
    (source, result, false)
}
