//! `cfgc.toml`: the project declaration, read into a validated `Project`
//! before any stage runs. Paths in it are relative to the file's folder.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Source, SourceMap, Span};

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

/// A check of rendered outputs, as data: patterns an output must or must
/// not contain, for some outputs and tiers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    /// Output names it applies to; all when empty.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Tiers it applies to; all when empty.
    #[serde(default)]
    pub tiers: Vec<String>,
    #[serde(default)]
    pub require: Vec<Rule>,
    #[serde(default)]
    pub forbid: Vec<Rule>,
    /// A structural check no pattern can express: `"cloudbuild"` (steps
    /// name a builder; every `secretEnv` is declared in `availableSecrets`).
    pub structure: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A regular expression (Rust `regex` syntax; `(?m)` for line anchors).
    pub pattern: String,
    /// What the rule protects, shown when it fails.
    pub message: String,
    /// `pattern`, compiled once when the project is loaded.
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
}

impl Rule {
    pub fn regex(&self) -> &regex::Regex {
        self.regex
            .as_ref()
            .expect("patterns are compiled when the project is loaded")
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
    pub recipients: Vec<Located<String>>,
    /// A demo identity for this environment (the example's development key).
    pub identity: Option<PathBuf>,
}

#[derive(Debug)]
pub struct Output {
    pub name: String,
    pub span: Span,
    pub template: Located<PathBuf>,
    /// Path with `{env}` for the environment's name, relative to the root.
    pub path: Located<String>,
    pub format: Located<String>,
    pub secrets: bool,
    pub mode: u32,
    /// Environments it is rendered for; all when empty.
    pub environments: Vec<String>,
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
struct ProjectSection {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputFile {
    template: Spanned<String>,
    path: Spanned<String>,
    format: Spanned<String>,
    #[serde(default)]
    secrets: bool,
    mode: Option<Spanned<String>>,
    #[serde(default)]
    environments: Vec<Spanned<String>>,
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
    resolve(raw, root, id)
}

fn resolve(raw: ProjectFile, root: PathBuf, id: FileId) -> Result<Project, Vec<Diagnostic>> {
    let span = |r: std::ops::Range<usize>| Span::new(id, r.start, r.end);
    let loc_path = |s: &Spanned<String>| Located {
        value: root.join(s.get_ref()),
        span: span(s.span()),
    };
    let mut errors = Vec::new();

    if raw.environments.get_ref().is_empty() {
        errors.push(
            Diagnostic::error("project", "the project declares no environments")
                .at(span(raw.environments.span()))
                .help("add an [environments.NAME] table with a tier and layers"),
        );
    }
    let mut environments = Vec::new();
    for (name, env) in raw.environments.into_inner() {
        let env_span = span(env.span());
        let env = env.into_inner();
        if !valid_name(&name) {
            errors.push(
                Diagnostic::error("project", format!("invalid environment name `{name}`"))
                    .at(env_span)
                    .help("use lowercase letters, digits, `-` and `_`, starting with a letter"),
            );
        }
        if env.layers.get_ref().is_empty() {
            errors.push(
                Diagnostic::error("project", format!("environment `{name}` has no layers"))
                    .at(span(env.layers.span()))
                    .help("list at least one YAML or TOML file in `layers`"),
            );
        }
        for layer in env.layers.get_ref() {
            if layer_format(Path::new(layer.get_ref())).is_none() {
                errors.push(
                    Diagnostic::error("project", "a layer must be a .yaml, .yml or .toml file")
                        .at(span(layer.span()))
                        .label("unknown extension"),
                );
            }
        }
        for r in &env.recipients {
            if let Err(e) = r.get_ref().parse::<crate::secrets::recipient::Recipient>() {
                errors.push(
                    Diagnostic::error("project", format!("invalid recipient for environment `{name}`: {e}"))
                        .at(span(r.span()))
                        .label("not a recipient")
                        .help("list public keys: `age1…` (from `age-keygen -y KEYFILE`) or `ssh-ed25519 …` (a `.pub` file)"),
                );
            }
        }
        environments.push(Environment {
            tier: env.tier.get_ref().clone(),
            span: env_span,
            layers: env.layers.get_ref().iter().map(loc_path).collect(),
            layers_span: span(env.layers.span()),
            secrets: env.secrets.as_ref().map(loc_path),
            recipients: env
                .recipients
                .iter()
                .map(|r| Located {
                    value: r.get_ref().clone(),
                    span: span(r.span()),
                })
                .collect(),
            identity: env.identity.as_ref().map(|p| root.join(p.get_ref())),
            name,
        });
    }

    let output_dir = raw
        .project
        .output_dir
        .as_ref()
        .map_or("deploy".to_string(), |d| {
            d.get_ref().trim_end_matches('/').to_string()
        });
    if let Some(d) = &raw.project.output_dir
        && !safe_relative(d.get_ref())
    {
        errors.push(
            Diagnostic::error(
                "project",
                "`output_dir` must be a relative path inside the project, without `..`",
            )
            .at(span(d.span())),
        );
    }
    let mut outputs = Vec::new();
    for (name, out) in raw.outputs {
        let out_span = span(out.span());
        let out = out.into_inner();
        let mode = match &out.mode {
            None => Ok(if out.secrets { 0o600 } else { 0o644 }),
            Some(m) => u32::from_str_radix(m.get_ref(), 8)
                .ok()
                .filter(|m| *m <= 0o777)
                .ok_or(span(m.span())),
        };
        let mode = mode.unwrap_or_else(|at| {
            errors.push(
                Diagnostic::error(
                    "project",
                    "`mode` must be an octal file mode such as \"0644\"",
                )
                .at(at),
            );
            0
        });
        let p = out.path.get_ref();
        if !safe_relative(p) || !p.starts_with(&format!("{output_dir}/")) {
            errors.push(
                Diagnostic::error(
                    "project",
                    format!("output `{name}` must be written under `{output_dir}/`"),
                )
                .at(span(out.path.span()))
                .label("outside the output folder")
                .help(format!(
                    "use a relative path such as \"{output_dir}/{{env}}/{name}\", without `..`"
                )),
            );
        }
        if !p.contains("{env}") && environments.len() > 1 && out.environments.len() != 1 {
            errors.push(
                Diagnostic::error(
                    "project",
                    format!("output `{name}` would write every environment to the same file"),
                )
                .at(span(out.path.span()))
                .help("put `{env}` in the path"),
            );
        }
        if format_named(out.format.get_ref()).is_none() {
            errors.push(
                Diagnostic::error(
                    "project",
                    format!("unknown output format `{}`", out.format.get_ref()),
                )
                .at(span(out.format.span()))
                .help("use one of: yaml, nginx, dotenv, json, text"),
            );
        }
        for env in &out.environments {
            if !environments.iter().any(|e| &e.name == env.get_ref()) {
                errors.push(
                    Diagnostic::error(
                        "project",
                        format!("output `{name}` names an unknown environment"),
                    )
                    .at(span(env.span())),
                );
            }
        }
        outputs.push(Output {
            span: out_span,
            template: loc_path(&out.template),
            path: Located {
                value: out.path.get_ref().clone(),
                span: span(out.path.span()),
            },
            format: Located {
                value: out.format.get_ref().clone(),
                span: span(out.format.span()),
            },
            secrets: out.secrets,
            mode,
            environments: out
                .environments
                .iter()
                .map(|e| e.get_ref().clone())
                .collect(),
            name,
        });
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let mut policies = raw.policies;
    for policy in &mut policies {
        for rule in policy.require.iter_mut().chain(policy.forbid.iter_mut()) {
            match regex::Regex::new(&rule.pattern) {
                Ok(re) => rule.regex = Some(re),
                Err(e) => errors.push(Diagnostic::error(
                    "project",
                    format!("policy `{}` has an invalid pattern: {e}", policy.name),
                )),
            }
        }
        if let Some(kind) = &policy.structure
            && kind != "cloudbuild"
        {
            errors.push(
                Diagnostic::error(
                    "project",
                    format!(
                        "policy `{}` names an unknown structure `{kind}`",
                        policy.name
                    ),
                )
                .help("the structures cfgc knows: cloudbuild"),
            );
        }
        for o in &policy.outputs {
            if !outputs.iter().any(|out: &Output| &out.name == o) {
                errors.push(Diagnostic::error(
                    "project",
                    format!("policy `{}` names an unknown output `{o}`", policy.name),
                ));
            }
        }
    }
    Ok(Project {
        output_dir,
        policies,
        schema: loc_path(&raw.project.schema),
        name: raw.project.name,
        root,
        file: id,
        environments,
        outputs,
    })
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

/// The output format called `name` in cfgc.toml.
pub fn format_named(name: &str) -> Option<crate::render::escape::Format> {
    crate::render::escape::Format::ALL
        .into_iter()
        .find(|f| f.name() == name)
}
