//! `cfgc.toml`: the project declaration, read into a validated `Project`
//! before any stage runs. Paths in it are relative to the file's folder.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::secrets::recipient::{Recipient, RecipientError};
use crate::source::{FileId, Source, SourceMap, Span};

mod outputs;
use outputs::OutputFile;
pub use outputs::{Output, Policy, Rule};

pub const PROJECT_FILE: &str = "cfgc.toml";

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub file: FileId,
    pub name: String,
    pub schema: Located<PathBuf>,
    pub environments: Vec<Environment>,
    pub outputs: Vec<Output>,
    /// The folder every output is written under (`deploy` by default).
    pub output_dir: String,
    pub policies: Vec<Policy>,
}

impl Project {
    /// The outputs rendered for `env`, in declared order.
    pub fn outputs_for<'p>(&'p self, env: &'p Environment) -> impl Iterator<Item = &'p Output> {
        self.outputs
            .iter()
            .filter(|o| o.environments.is_empty() || o.environments.contains(&env.name))
    }
}

/// A value from cfgc.toml with the span that declared it.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

#[derive(Debug)]
pub struct Environment {
    pub name: String,
    pub tier: String,
    /// The `[environments.NAME]` table, for findings about the environment.
    pub span: Span,
    pub layers: Vec<Located<PathBuf>>,
    pub layers_span: Span,
    pub secrets: Option<Located<PathBuf>>,
    /// Parsed once, here: every later use takes these.
    pub recipients: Vec<Located<Recipient>>,
    /// A demo identity for this environment (the example's development key).
    pub identity: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    project: ProjectSection,
    environments: Spanned<IndexMap<String, Spanned<EnvironmentFile>>>,
    #[serde(default)]
    outputs: IndexMap<String, Spanned<OutputFile>>,
    #[serde(default)]
    policies: Vec<Policy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProjectSection {
    name: String,
    schema: Spanned<String>,
    output_dir: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvironmentFile {
    tier: Spanned<String>,
    layers: Spanned<Vec<Spanned<String>>>,
    secrets: Option<Spanned<String>>,
    #[serde(default)]
    recipients: Vec<Spanned<String>>,
    identity: Option<Spanned<String>>,
}

/// Find `cfgc.toml`: the given path (a folder or the file itself), else the
/// current folder and its parents, as cargo finds Cargo.toml.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(p) = explicit {
        let file = if p.is_dir() {
            p.join(PROJECT_FILE)
        } else {
            p.to_path_buf()
        };
        return if file.is_file() {
            Ok(file)
        } else {
            Err(Diagnostic::error(
                "project-not-found",
                format!("no project file at `{}`", file.display()),
            )
            .help("pass the folder that holds cfgc.toml, or the file itself, to --project"))
        };
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Diagnostic::error("io", format!("cannot read the current folder: {e}")))?;
    let mut searched = Vec::new();
    for dir in cwd.ancestors() {
        let file = dir.join(PROJECT_FILE);
        if file.is_file() {
            return Ok(file);
        }
        searched.push(dir.display().to_string());
    }
    let mut d = Diagnostic::error(
        "project-not-found",
        "no cfgc.toml in this folder or any parent",
    )
    .help("run cfgc inside a project, or pass --project DIR");
    for dir in searched {
        d = d.note(format!("looked in {dir}"));
    }
    Err(d)
}

pub fn load(file: &Path, sources: &mut SourceMap) -> Result<Project, Vec<Diagnostic>> {
    let root = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let root = root.canonicalize().unwrap_or(root);
    let text = std::fs::read(file).map_err(|e| {
        vec![Diagnostic::error(
            "io",
            format!("cannot read `{}`: {e}", file.display()),
        )]
    })?;
    let text = String::from_utf8(text).map_err(|e| {
        vec![
            Diagnostic::error(
                "io",
                format!(
                    "`{}` is not UTF-8 (byte {})",
                    PROJECT_FILE,
                    e.utf8_error().valid_up_to()
                ),
            )
            .help("save the file as UTF-8"),
        ]
    })?;
    let id = sources.add(Source::new(
        PROJECT_FILE.to_string(),
        root.join(PROJECT_FILE),
        text,
    ));
    let raw: ProjectFile = toml::from_str(&sources.get(id).text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid project file")
            .to_string();
        vec![
            Diagnostic::error("project", format!("invalid {PROJECT_FILE}: {message}"))
                .at(Span::new(id, span.start, span.end))
                .label("here")
                .help("see the cfgc.toml reference in the README"),
        ]
    })?;
    resolve(raw, root, id, sources)
}

/// Where resolved values point: spans into cfgc.toml, paths under the root,
/// and the errors found so far (all are reported, not only the first).
struct Resolver {
    root: PathBuf,
    id: FileId,
    errors: Vec<Diagnostic>,
    /// Spans of cfgc.toml never to show (a private key pasted as a recipient).
    redactions: Vec<Span>,
}

impl Resolver {
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        Span::new(self.id, r.start, r.end)
    }

    fn path(&self, s: &Spanned<String>) -> Located<PathBuf> {
        Located {
            value: self.root.join(s.get_ref()),
            span: self.span(s.span()),
        }
    }
}

fn resolve(
    raw: ProjectFile,
    root: PathBuf,
    id: FileId,
    sources: &mut SourceMap,
) -> Result<Project, Vec<Diagnostic>> {
    let mut r = Resolver {
        root,
        id,
        errors: Vec::new(),
        redactions: Vec::new(),
    };
    if raw.environments.get_ref().is_empty() {
        let at = r.span(raw.environments.span());
        r.errors.push(
            Diagnostic::error("project", "the project declares no environments")
                .at(at)
                .help("add an [environments.NAME] table with a tier and layers"),
        );
    }
    let environments = environments(&mut r, raw.environments.into_inner());
    let (output_dir, outputs) = outputs::outputs(&mut r, &raw.project, raw.outputs, &environments);
    let policies = outputs::policies(&mut r, raw.policies, &outputs);
    for span in r.redactions.drain(..) {
        sources.redact(span);
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(Project {
        output_dir,
        policies,
        schema: r.path(&raw.project.schema),
        name: raw.project.name,
        root: r.root,
        file: id,
        environments,
        outputs,
    })
}

fn environments(
    r: &mut Resolver,
    raw: IndexMap<String, Spanned<EnvironmentFile>>,
) -> Vec<Environment> {
    let mut environments = Vec::new();
    for (name, env) in raw {
        let env_span = r.span(env.span());
        let env = env.into_inner();
        if !valid_name(&name) {
            r.errors.push(
                Diagnostic::error("project", format!("invalid environment name `{name}`"))
                    .at(env_span)
                    .help("use lowercase letters, digits, `-` and `_`, starting with a letter"),
            );
        }
        if env.layers.get_ref().is_empty() {
            r.errors.push(
                Diagnostic::error("project", format!("environment `{name}` has no layers"))
                    .at(r.span(env.layers.span()))
                    .help("list at least one YAML or TOML file in `layers`"),
            );
        }
        for layer in env.layers.get_ref() {
            if layer_format(Path::new(layer.get_ref())).is_none() {
                r.errors.push(
                    Diagnostic::error("project", "a layer must be a .yaml, .yml or .toml file")
                        .at(r.span(layer.span()))
                        .label("unknown extension"),
                );
            }
        }
        let mut recipients = Vec::new();
        for recipient in &env.recipients {
            let at = r.span(recipient.span());
            match recipient.get_ref().parse::<Recipient>() {
                Ok(value) => recipients.push(Located { value, span: at }),
                Err(e) => {
                    // A pasted private key must not be shown back in the source line.
                    if matches!(e, RecipientError::SecretKey | RecipientError::PrivateKey) {
                        r.redactions.push(at);
                    }
                    r.errors.push(
                        Diagnostic::error("project", format!("invalid recipient for environment `{name}`: {e}"))
                            .at(at)
                            .label("not a recipient")
                            .help("list public keys: `age1…` (from `age-keygen -y KEYFILE`) or `ssh-ed25519 …` (a `.pub` file)"),
                    );
                }
            }
        }
        environments.push(Environment {
            tier: env.tier.get_ref().clone(),
            span: env_span,
            layers: env.layers.get_ref().iter().map(|p| r.path(p)).collect(),
            layers_span: r.span(env.layers.span()),
            secrets: env.secrets.as_ref().map(|p| r.path(p)),
            recipients,
            identity: env.identity.as_ref().map(|p| r.root.join(p.get_ref())),
            name,
        });
    }

    environments
}

/// A relative path that stays inside the folder it is relative to.
fn safe_relative(p: &str) -> bool {
    let path = Path::new(p);
    !p.is_empty()
        && path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerFormat {
    Yaml,
    Toml,
}

pub fn layer_format(path: &Path) -> Option<LayerFormat> {
    match path.extension()?.to_str()? {
        "yaml" | "yml" => Some(LayerFormat::Yaml),
        "toml" => Some(LayerFormat::Toml),
        _ => None,
    }
}

impl Project {
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}
