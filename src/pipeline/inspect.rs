//! `explain` and `docs`: the selected environments after stages 1–2, read rather than
//! rendered.

use super::Stopped;
use super::chain::Env;
use crate::cli::Config;
use crate::load::{self, Loaded};
use crate::merge;
use crate::source::{FileId, SourceMap};

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
        .map(|env| {
            let at = Env {
                loaded: &loaded,
                env,
                layers: &loaded.layers,
                sources: &sources,
            };
            at.derive(false).merged
        })
        .collect();
    let templates = loaded.project.outputs.iter().zip(template_ids).collect();
    Ok(then(Inspection {
        loaded: &loaded,
        sources: &sources,
        merged,
        templates,
    }))
}
