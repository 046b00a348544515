//! A secrets file as it was at a git revision, parsed without a key: what `secrets diff`,
//! `check --base` and `secrets confirm-recreate` compare the working tree with.

use crate::diagnostic::Diagnostic;
use crate::fs::Limits;
use crate::git;
use crate::project::ProjectPath;
use crate::secrets::file::{Parsed, parse};
use crate::source::{Source, SourceMap};

/// `path` at `rev` (`None`: it did not exist there), its text added to `sources` under
/// the name `REV:path`, so a damaged old file is reported with its line.
pub fn at_revision(
    root: &std::path::Path,
    rev: &str,
    path: &ProjectPath,
    limits: &Limits,
    sources: &mut SourceMap,
) -> Result<Option<Parsed>, Vec<Diagnostic>> {
    let rel = path.rel.as_str();
    let Some(text) = git::show(root, rev, rel).map_err(|e| vec![e.diagnostic()])? else {
        return Ok(None);
    };
    if text.len() as u64 > limits.secrets {
        return Err(vec![Diagnostic::error(
            "file-too-large",
            format!(
                "`{rev}:{rel}` is larger than the secrets file limit ({} bytes)",
                limits.secrets
            ),
        )]);
    }
    let name = format!("{rev}:{rel}");
    parse_text(name, path.abs.clone(), text, limits, sources).map(Some)
}

/// A secrets file's text parsed (keyless), added to `sources` first.
pub fn parse_text(
    name: String,
    abs: std::path::PathBuf,
    text: String,
    limits: &Limits,
    sources: &mut SourceMap,
) -> Result<Parsed, Vec<Diagnostic>> {
    let id = sources.add(Source::new(name.clone(), abs, text));
    // Values of a secrets file are never shown, even in an old one (as `load` does).
    let node = match crate::load::yaml::parse_with(id, sources.get(id), limits) {
        Ok(node) => node,
        Err(d) => {
            for span in crate::secrets::file::redact_unparsed(sources.get(id), id) {
                sources.redact(span);
            }
            return Err(vec![d]);
        }
    };
    for span in crate::load::value_spans(&node) {
        sources.redact(span);
    }
    parse(&node, id, &name)
}
