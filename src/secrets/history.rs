//! A secrets file as it was at a git revision, parsed without a key: what `secrets diff`,
//! `check --base` and `secrets confirm-recreate` compare the working tree with.

use crate::diagnostic::Diagnostic;
use crate::fs::Limits;
use crate::fs::RelPath;
use crate::git;
use crate::project::{PROJECT_FILE, ProjectPath};
use crate::secrets::file::{Parsed, parse};
use crate::source::{Source, SourceMap};

/// The secrets file of environment `env` at `rev`, looked up by environment rather than by
/// today's path: where `secrets =` of `env` pointed in cfgc.toml at `rev`. A file moved
/// (`git mv`, `secrets =` changed) and re-created at its new path is then still compared
/// with the one it replaces, instead of with nothing. Today's path `current` when
/// cfgc.toml at `rev` names none (a new environment, or no readable cfgc.toml there).
pub fn for_env(
    root: &std::path::Path,
    rev: &str,
    env: &str,
    current: &ProjectPath,
    limits: &Limits,
    sources: &mut SourceMap,
) -> Result<Option<Parsed>, Vec<Diagnostic>> {
    let path = match declared_at(root, rev, env).map_err(|e| vec![e.diagnostic()])? {
        Some(rel) => ProjectPath {
            abs: root.join(rel.as_path()),
            rel,
        },
        None => current.clone(),
    };
    at_revision(root, rev, &path, limits, sources)
}

/// `secrets =` of `env` in cfgc.toml at `rev`, if it names a path inside the project.
fn declared_at(
    root: &std::path::Path,
    rev: &str,
    env: &str,
) -> Result<Option<RelPath>, git::GitError> {
    let Some(text) = git::show(root, rev, PROJECT_FILE)? else {
        return Ok(None);
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(None);
    };
    let declared = table
        .get("environments")
        .and_then(|e| e.get(env))
        .and_then(|e| e.get("secrets"))
        .and_then(toml::Value::as_str);
    Ok(declared.and_then(|s| RelPath::parse(s).ok()))
}

/// `path` at `rev` (`None`: it did not exist there), its text added to `sources` under
/// the name `REV:path`, so a damaged old file is reported with its line.
fn at_revision(
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
