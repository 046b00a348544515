//! A secrets file as it was at a git revision, parsed without a key: what `secrets diff`,
//! `check --base` and `secrets confirm-recreate` compare the working tree with.

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Limits;
use crate::fs::RelPath;
use crate::git;
use crate::project::{PROJECT_FILE, ProjectPath};
use crate::secrets::file::{Parsed, parse};
use crate::source::{Source, SourceMap};

/// A revision secrets files are compared with, its cfgc.toml read once: files are looked
/// up by environment rather than by today's path, where `secrets =` pointed at `rev`. A
/// file moved (`git mv`, `secrets =` changed) and re-created at its new path is then still
/// compared with the one it replaces, instead of with nothing.
pub struct Revision<'a> {
    root: &'a std::path::Path,
    rev: &'a str,
    /// cfgc.toml at `rev`; `None` when it is missing or unreadable there.
    config: Option<toml::Table>,
}

impl<'a> Revision<'a> {
    pub fn open(root: &'a std::path::Path, rev: &'a str) -> Result<Self, Vec<Diagnostic>> {
        let text = git::show(root, rev, PROJECT_FILE).map_err(|e| vec![e.diagnostic()])?;
        let config = text.and_then(|t| t.parse::<toml::Table>().ok());
        Ok(Revision { root, rev, config })
    }

    /// The secrets file of environment `env` at this revision (`None`: there was none).
    /// Today's path `current` when cfgc.toml there names none (a new environment).
    pub fn secrets_of(
        &self,
        env: &str,
        current: &ProjectPath,
        limits: &Limits,
        sources: &mut SourceMap,
    ) -> Result<Option<Parsed>, Vec<Diagnostic>> {
        let path = match self.declared(env) {
            Some(rel) => ProjectPath {
                abs: self.root.join(rel.as_path()),
                rel,
            },
            None => current.clone(),
        };
        at_revision(self.root, self.rev, &path, limits, sources)
    }

    /// `secrets =` of `env` in cfgc.toml at this revision, if it names a project path.
    fn declared(&self, env: &str) -> Option<RelPath> {
        let declared = self
            .config
            .as_ref()?
            .get("environments")?
            .get(env)?
            .get("secrets")?
            .as_str()?;
        RelPath::parse(declared).ok()
    }
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
        return Err(vec![Diagnostic::new(
            Code::FileTooLarge,
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
    let node = match crate::yaml::parse_with(id, sources.get(id), limits) {
        Ok(node) => node,
        Err(d) => {
            for span in crate::secrets::file::redact_unparsed(sources.get(id), id) {
                sources.redact(span);
            }
            return Err(vec![d]);
        }
    };
    for span in crate::secrets::file::value_spans(&node) {
        sources.redact(span);
    }
    parse(&node, id, &name)
}
