//! Stage 1, load: read every layer and secrets file the selected
//! environments name, each once, in parallel, into span-keeping trees.

pub mod toml;
pub mod yaml;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::node::{Kind, Node};
use crate::project::{Environment, LayerFormat, Located, layer_format};
use crate::source::{FileId, Source, SourceMap, Span, display_name};

/// Every file of the selected environments, parsed.
pub struct Layers {
    files: HashMap<FileId, Node>,
    by_path: HashMap<PathBuf, FileId>,
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
}

/// Where a file was declared, for "not found" errors.
struct Wanted {
    path: PathBuf,
    declared: Span,
    format: LayerFormat,
}

pub fn load(
    root: &std::path::Path,
    envs: &[&Environment],
    sources: &mut SourceMap,
) -> Result<Layers, Vec<Diagnostic>> {
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut by_path = HashMap::new();
    let mut want = |loc: &Located<PathBuf>, format: LayerFormat| {
        if !by_path.contains_key(&loc.value) {
            by_path.insert(loc.value.clone(), FileId(0));
            wanted.push(Wanted {
                path: loc.value.clone(),
                declared: loc.span,
                format,
            });
        }
    };
    for env in envs {
        for layer in &env.layers {
            // The project file already checked every layer's extension.
            want(
                layer,
                layer_format(&layer.value).unwrap_or(LayerFormat::Yaml),
            );
        }
        if let Some(secrets) = &env.secrets {
            want(secrets, LayerFormat::Yaml);
        }
    }
    let ids: Vec<FileId> = wanted
        .iter()
        .map(|w| sources.reserve(display_name(root, &w.path), w.path.clone()))
        .collect();
    for (w, id) in wanted.iter().zip(&ids) {
        by_path.insert(w.path.clone(), *id);
    }

    let parsed: Vec<(Source, Result<Node, Diagnostic>)> = wanted
        .par_iter()
        .zip(ids.par_iter())
        .map(|(w, &id)| read_and_parse(root, w, id))
        .collect();

    let mut files = HashMap::new();
    let mut errors = Vec::new();
    for ((source, result), id) in parsed.into_iter().zip(ids) {
        sources.fill(id, source.text);
        match result {
            Ok(node) => {
                files.insert(id, node);
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(Layers { files, by_path })
    } else {
        Err(errors)
    }
}

fn read_and_parse(
    root: &std::path::Path,
    w: &Wanted,
    id: FileId,
) -> (Source, Result<Node, Diagnostic>) {
    let name = display_name(root, &w.path);
    let bytes = match std::fs::read(&w.path) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(
                "file-not-readable",
                format!("cannot read `{name}`: {}", io_reason(&e)),
            )
            .at(w.declared)
            .label("declared here")
            .help(if e.kind() == std::io::ErrorKind::NotFound {
                "create the file, or fix the path in cfgc.toml"
            } else {
                "check the file's permissions"
            });
            return (Source::new(name, w.path.clone(), String::new()), Err(d));
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let src = Source::new(name.clone(), w.path.clone(), lossy);
            let start = String::from_utf8_lossy(&e.as_bytes()[..at]).len();
            let d = Diagnostic::error("invalid-utf8", format!("`{name}` is not valid UTF-8"))
                .at(Span::new(id, start, start + '\u{FFFD}'.len_utf8()))
                .label("invalid byte here")
                .help("save the file as UTF-8");
            return (src, Err(d));
        }
    };
    let source = Source::new(name, w.path.clone(), text);
    let parsed = match w.format {
        LayerFormat::Yaml => yaml::parse(id, &source),
        LayerFormat::Toml => toml::parse(id, &source),
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
    (source, result)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
