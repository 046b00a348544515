//! Stage 1, load: read every layer and secrets file the selected
//! environments name, each once, in parallel, into span-keeping trees.
//! A secrets file's structure is read here too (no key needed), so a damaged
//! one stops the run like a YAML syntax error does.

pub mod toml;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{ProjectFs, Role};
use crate::node::{Kind, Node};
use crate::project::{self, Environment, LayerFormat, Located, Project, ProjectPath, layer_format};
use crate::schema::Schema;
use crate::secrets;
use crate::source::{FileId, Source, SourceMap, Span, display_name};

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

/// Where a file was declared, for "not found" errors.
struct Wanted {
    path: ProjectPath,
    declared: Span,
    format: LayerFormat,
    is_secrets: bool,
}

/// Every file goes through the project's filesystem (`fs`): inside the root, regular
/// files only, under the size and depth limits of cfgc.toml. Returns the run's layers and,
/// when streamed, each environment's own files, not read yet.
#[allow(clippy::type_complexity)]
fn load_files(
    fs: &ProjectFs,
    envs: &[&Environment],
    sources: &mut SourceMap,
    options: Options,
    stream: bool,
) -> Result<(Layers<'static>, Vec<Vec<(Wanted, FileId)>>), Vec<Diagnostic>> {
    let mut wanted: Vec<Wanted> = Vec::new();
    // The one environment that uses each wanted file, `None` when several do.
    let mut owner: Vec<Option<usize>> = Vec::new();
    let mut index: HashMap<PathBuf, usize> = HashMap::new();
    let root = fs.root();
    for (e, env) in envs.iter().enumerate() {
        let mut want =
            |loc: &Located<ProjectPath>, format: LayerFormat, is_secrets: bool| match index
                .get(&loc.value.abs)
            {
                Some(&w) => {
                    if owner[w] != Some(e) {
                        owner[w] = None;
                    }
                }
                None => {
                    index.insert(loc.value.abs.clone(), wanted.len());
                    owner.push(Some(e));
                    wanted.push(Wanted {
                        path: loc.value.clone(),
                        declared: loc.span,
                        format,
                        is_secrets,
                    });
                }
            };
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
    let by_path: HashMap<PathBuf, FileId> =
        index.into_iter().map(|(path, w)| (path, ids[w])).collect();

    let mut now = Vec::new();
    let mut deferred: Vec<Vec<(Wanted, FileId)>> = Vec::new();
    if stream {
        deferred.resize_with(envs.len(), Vec::new);
    }
    for ((w, id), owner) in wanted.into_iter().zip(ids).zip(owner) {
        match owner {
            Some(e) if stream => deferred[e].push((w, id)),
            _ => now.push((w, id)),
        }
    }
    let parsed = parse_files(fs, &now, sources, options, true);
    if !parsed.errors.is_empty() {
        // Report every file's errors, as an unstreamed load does.
        let mut errors = parsed.errors;
        let rest: Vec<(Wanted, FileId)> = deferred.into_iter().flatten().collect();
        errors.extend(parse_files(fs, &rest, sources, options, true).errors);
        return Err(errors);
    }
    let layers = Layers {
        files: parsed.files,
        by_path,
        secrets: parsed.secrets,
        shared: None,
    };
    Ok((layers, deferred))
}

/// Below this many files they are read on the calling thread (see `pipeline::PARALLEL_FROM`).
const PARALLEL_FROM: usize = 8;

/// Files read and parsed, and the errors of those that could not be.
struct ParsedFiles {
    files: HashMap<FileId, Node>,
    secrets: HashMap<FileId, secrets::file::Parsed>,
    errors: Vec<Diagnostic>,
}

/// Read and parse `items` (in parallel with `parallel`), their texts into `sources`.
fn parse_files(
    fs: &ProjectFs,
    items: &[(Wanted, FileId)],
    sources: &mut SourceMap,
    options: Options,
    parallel: bool,
) -> ParsedFiles {
    let one = |(w, id): &(Wanted, FileId)| {
        let id = *id;
        let (source, result, new) = read_and_parse(fs, w, id, options);
        let structure = match &result {
            Ok(node) if w.is_secrets && !new => Some(secrets::file::parse(node, id, &source.name)),
            _ => None,
        };
        ((source, result), structure)
    };
    // Reading, parsing, and the secrets files' structure all run in parallel.
    let parsed: Vec<(ReadFile, SecretsParse)> = if parallel && items.len() >= PARALLEL_FROM {
        items.par_iter().map(one).collect()
    } else {
        items.iter().map(one).collect()
    };

    let mut out = ParsedFiles {
        files: HashMap::new(),
        secrets: HashMap::new(),
        errors: Vec::new(),
    };
    for (((source, result), structure), (w, id)) in parsed.into_iter().zip(items) {
        let id = *id;
        if w.is_secrets {
            // Values in a secrets file are never shown, even when it failed to parse
            // (a hand-edited file may hold plaintext).
            let spans = match &result {
                Ok(node) => secrets::file::value_spans(node),
                Err(_) => secrets::file::redact_unparsed(&source, id),
            };
            spans.into_iter().for_each(|s| sources.redact(s));
        }
        sources.fill(id, source);
        match structure {
            Some(Ok(p)) => {
                out.secrets.insert(id, p);
            }
            Some(Err(d)) => out.errors.extend(d),
            None => {}
        }
        match result {
            Ok(node) => {
                out.files.insert(id, node);
            }
            Err(d) => out.errors.push(d),
        }
    }
    out
}

/// A file as read, and parsed if it could be.
type ReadFile = (Source, Result<Node, Diagnostic>);
/// A secrets file's structure (`None` for layers and for a file not written yet).
type SecretsParse = Option<Result<secrets::file::Parsed, Vec<Diagnostic>>>;

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
            let d = Diagnostic::new(Code::InvalidUtf8, format!("`{name}` is not valid UTF-8"))
                .at(Span::new(id, start, start + '\u{FFFD}'.len_utf8()))
                .label("invalid byte here")
                .help("save the file as UTF-8");
            return (src, Err(d), false);
        }
    };
    let source = Source::new(name, w.path.abs.clone(), text);
    let parsed = match w.format {
        LayerFormat::Yaml => crate::yaml::parse_with(id, &source, fs.limits()),
        LayerFormat::Toml => toml::parse_with(id, &source, fs.limits()),
    };
    let result = parsed.and_then(|node| match node.kind {
        Kind::Map(_) => Ok(node),
        _ => Err(Diagnostic::new(
            Code::LayerNotAMap,
            "a layer must be a mapping of variable names to values",
        )
        .at(node.span)
        .label(format!("found {}", node.type_name()))),
    });
    (source, result, false)
}
