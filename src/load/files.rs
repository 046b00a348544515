//! Reading and parsing the files the environments name: each once, through the project's
//! filesystem, in parallel, with a secrets file's structure read as it is parsed.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::{Layers, Options};
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{ProjectFs, Role};
use crate::node::{Kind, Node};
use crate::project::{Environment, LayerFormat, Located, ProjectPath, layer_format};
use crate::secrets;
use crate::source::{FileId, Source, SourceMap, Span, display_name};

/// Where a file was declared, for "not found" errors.
pub(super) struct Wanted {
    path: ProjectPath,
    declared: Span,
    format: LayerFormat,
    is_secrets: bool,
    /// A store record: it may not exist yet (before the first push: then empty), and its
    /// structure is checked here as a secrets file's is, so a damaged one stops every run.
    optional: bool,
}

/// Every file goes through the project's filesystem (`fs`): inside the root, regular
/// files only, under the size and depth limits of cfgc.toml. Returns the run's layers and,
/// when streamed, each environment's own files, not read yet.
#[allow(clippy::type_complexity)]
pub(super) fn load_files(
    fs: &ProjectFs,
    envs: &[&Environment],
    sources: &mut SourceMap,
    options: Options,
    stream: bool,
) -> Result<(Layers<'static>, Vec<Vec<(Wanted, FileId)>>), Vec<Diagnostic>> {
    let Wants {
        wanted,
        owner,
        index,
    } = Wants::of(envs);
    let root = fs.root();
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

/// Every file the environments name, each once, in the order first named.
#[derive(Default)]
struct Wants {
    wanted: Vec<Wanted>,
    /// The one environment that uses each wanted file, `None` when several do.
    owner: Vec<Option<usize>>,
    /// Each wanted file's place in `wanted`, by its path.
    index: HashMap<PathBuf, usize>,
}

impl Wants {
    fn of(envs: &[&Environment]) -> Wants {
        let mut wants = Wants::default();
        for (e, env) in envs.iter().enumerate() {
            for layer in &env.layers {
                // The project file already checked every layer's extension.
                let format = layer_format(&layer.value).unwrap_or(LayerFormat::Yaml);
                wants.want(e, layer, format, false);
            }
            if let Some(secrets) = &env.secrets {
                wants.want(e, secrets, LayerFormat::Yaml, true);
            }
            if let Some(store) = &env.store {
                wants.want(e, &store.record, LayerFormat::Toml, false);
                let w = wants.index[&store.record.value.abs];
                wants.wanted[w].optional = true;
            }
        }
        wants
    }

    /// The file at `loc`, wanted by the `e`-th environment.
    fn want(
        &mut self,
        e: usize,
        loc: &Located<ProjectPath>,
        format: LayerFormat,
        is_secrets: bool,
    ) {
        match self.index.get(&loc.value.abs) {
            Some(&w) => {
                if self.owner[w] != Some(e) {
                    self.owner[w] = None;
                }
            }
            None => {
                self.index.insert(loc.value.abs.clone(), self.wanted.len());
                self.owner.push(Some(e));
                self.wanted.push(Wanted {
                    path: loc.value.clone(),
                    declared: loc.span,
                    format,
                    is_secrets,
                    optional: false,
                });
            }
        }
    }
}

/// Below this many files they are read on the calling thread (see `pipeline::PARALLEL_FROM`).
const PARALLEL_FROM: usize = 8;

/// Files read and parsed, and the errors of those that could not be.
pub(super) struct ParsedFiles {
    pub files: HashMap<FileId, Node>,
    pub secrets: HashMap<FileId, secrets::file::Parsed>,
    pub errors: Vec<Diagnostic>,
}

/// Read and parse `items` (in parallel with `parallel`), their texts into `sources`.
pub(super) fn parse_files(
    fs: &ProjectFs,
    items: &[(Wanted, FileId)],
    sources: &mut SourceMap,
    options: Options,
    parallel: bool,
) -> ParsedFiles {
    let one = |(w, id): &(Wanted, FileId)| {
        let id = *id;
        let (source, mut result, new) = read_and_parse(fs, w, id, options);
        if w.optional && !new && result.is_ok() {
            result = record_structure(&source, id).and(result);
        }
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

/// A store record's structure (`store::record`): the versions templates read are checked
/// with the rest of it.
fn record_structure(source: &Source, id: FileId) -> Result<(), Diagnostic> {
    crate::store::record::parse(&source.text)
        .map(drop)
        .map_err(|e| {
            let at = e.span.unwrap_or(0..0);
            Diagnostic::new(
                Code::StoreRecord,
                format!("`{}`: {}", source.name, e.message),
            )
            .at(Span::new(id, at.start, at.end))
        })
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
        Err(e) if ((w.is_secrets && options.new_secrets_ok) || w.optional) && e.is_not_found() => {
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
        LayerFormat::Toml => super::toml::parse_with(id, &source, fs.limits()),
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
