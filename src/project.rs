//! `cfgc.toml`: the project declaration, read into a validated `Project`
//! before any stage runs. Paths in it are relative to the file's folder, and each is
//! checked here (`fs::RelPath`): an absolute path, `..` or `.git` is an error at load.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{Limits, ProjectFs, RelPath, Role};
use crate::project::recipient::Recipient;
use crate::source::{FileId, Source, SourceMap, Span};

pub mod deployed;
pub mod directives;
mod environments;
pub mod generated;
mod inputs;
mod limits;
mod locate;
mod outputs;
mod pattern;
mod policies;
pub mod recipient;
pub mod store;
pub mod tiers;
pub use generated::{Generated, Language};
pub use locate::locate;
pub use outputs::Output;
use outputs::OutputFile;
pub use policies::{Policy, Rule};

pub const PROJECT_FILE: &str = "cfgc.toml";

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    /// The project's filesystem: every later read and write goes through it. It holds
    /// the limits of cfgc.toml's `[limits]`.
    pub fs: Arc<ProjectFs>,
    pub file: FileId,
    pub name: String,
    pub schema: Located<ProjectPath>,
    pub environments: Vec<Environment>,
    pub outputs: Vec<Output>,
    /// Outputs generated from the schema (`generate = "LANGUAGE"`): one file each.
    pub generated: Vec<Generated>,
    /// The folder every output is written under (`deploy` by default).
    pub output_dir: String,
    pub policies: Vec<Policy>,
    /// `[project] trusted_branch`: the branch whose code may meet decrypted values where
    /// output leaves the key holder (see `trust`).
    pub trusted_branch: Option<Located<String>>,
    /// `[app] external`: variables the app may read that cfgc does not set (the platform's,
    /// such as Cloud Run's `K_SERVICE`): `check --app` does not call their reads undeclared.
    pub app_external: Vec<String>,
}

impl Project {
    /// The outputs rendered for `env`, in declared order.
    pub fn outputs_for<'p>(&'p self, env: &'p Environment) -> impl Iterator<Item = &'p Output> {
        self.outputs
            .iter()
            .filter(|o| o.environments.is_empty() || o.environments.contains(&env.name))
    }
}

/// A path from cfgc.toml: checked to be inside the project (`rel`, for `ProjectFs`), and
/// where that is on disk (`abs`, for display and file ids). It derefs to `abs`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProjectPath {
    pub rel: RelPath,
    pub abs: PathBuf,
}

impl std::ops::Deref for ProjectPath {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.abs
    }
}

impl AsRef<Path> for ProjectPath {
    fn as_ref(&self) -> &Path {
        &self.abs
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
    pub layers: Vec<Located<ProjectPath>>,
    pub layers_span: Span,
    pub secrets: Option<Located<ProjectPath>>,
    /// Parsed once, here: every later use takes these.
    pub recipients: Vec<Located<Recipient>>,
    /// A demo identity for this environment (the example's development key).
    pub identity: Option<ProjectPath>,
    /// Set when `[tiers.TIER] deployed = true`: the built-in rules this environment is held to.
    pub deployed: Option<Arc<deployed::Deployed>>,
    /// The secret store its deploy reads, if it declares one.
    pub store: Option<store::Store>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    project: ProjectSection,
    environments: Spanned<IndexMap<String, Spanned<environments::EnvironmentFile>>>,
    #[serde(default)]
    outputs: IndexMap<String, Spanned<OutputFile>>,
    #[serde(default)]
    policies: Vec<Policy>,
    #[serde(default)]
    limits: limits::LimitsFile,
    #[serde(default)]
    tiers: IndexMap<String, Spanned<deployed::TierFile>>,
    #[serde(default)]
    app: AppSection,
}

/// `[app]`: what `check --app` needs to know of the app beyond the schema.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppSection {
    #[serde(default)]
    external: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProjectSection {
    name: String,
    schema: Spanned<String>,
    output_dir: Option<Spanned<String>>,
    /// The tiers environments may have; any when not given.
    tiers: Option<Spanned<Vec<Spanned<String>>>>,
    /// The branch reviewed code lands on (see `trust`).
    #[serde(alias = "trusted-branch")]
    trusted_branch: Option<Spanned<String>>,
}

pub fn load(file: &Path, sources: &mut SourceMap) -> Result<Project, Vec<Diagnostic>> {
    let root = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let root = root.canonicalize().unwrap_or(root);
    let fs = ProjectFs::open(&root, Limits::default()).map_err(|e| vec![e.diagnostic()])?;
    // The project file itself is read through the root's handle too: a cfgc.toml
    // symlinked out of the project is refused like any other file.
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| RelPath::parse(n).ok())
        .ok_or_else(|| {
            vec![Diagnostic::new(
                Code::Io,
                format!("`{}` is not a file name", file.display()),
            )]
        })?;
    let text = fs
        .read(&name, Role::Project)
        .map_err(|e| vec![e.diagnostic()])?;
    // Messages name the file as the user named it (`-C other.toml`), not as cfgc.toml.
    let shown = name.as_path().display().to_string();
    let text = String::from_utf8(text).map_err(|e| {
        vec![
            Diagnostic::new(
                Code::Io,
                format!(
                    "`{shown}` is not UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
            .help("save the file as UTF-8"),
        ]
    })?;
    let id = sources.add(Source::new(shown.clone(), root.join(name.as_path()), text));
    let raw: ProjectFile = toml::from_str(&sources.get(id).text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid project file")
            .to_string();
        vec![
            Diagnostic::new(Code::Project, format!("invalid {shown}: {message}"))
                .at(Span::new(id, span.start, span.end))
                .label("here")
                .help("see the cfgc.toml reference in the README"),
        ]
    })?;
    resolve(raw, fs, id, sources)
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

/// A path from cfgc.toml refused at load: what is wrong, with the span of the value.
fn bad_path(at: Span, what: &str, e: crate::fs::PathError) -> Diagnostic {
    Diagnostic::new(Code::Project, format!("invalid path for {what}: {e}"))
        .at(at)
        .label("not a path inside the project")
        .help(e.help())
}

impl Resolver {
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        Span::new(self.id, r.start, r.end)
    }

    /// A path inside the project, or `None` with the error recorded.
    fn path(&mut self, s: &Spanned<String>, what: &str) -> Option<Located<ProjectPath>> {
        let span = self.span(s.span());
        match RelPath::parse(s.get_ref()) {
            Ok(rel) => Some(Located {
                value: ProjectPath {
                    abs: self.root.join(rel.as_path()),
                    rel,
                },
                span,
            }),
            Err(e) => {
                self.errors.push(bad_path(span, what, e));
                None
            }
        }
    }
}

fn resolve(
    raw: ProjectFile,
    mut fs: ProjectFs,
    id: FileId,
    sources: &mut SourceMap,
) -> Result<Project, Vec<Diagnostic>> {
    let mut r = Resolver {
        root: fs.root().to_path_buf(),
        id,
        errors: Vec::new(),
        redactions: Vec::new(),
    };
    let limits = limits::limits(&mut r, &raw.limits);
    fs.set_limits(limits);
    let schema = r.path(&raw.project.schema, "the schema");
    if raw.environments.get_ref().is_empty() {
        let at = r.span(raw.environments.span());
        r.errors.push(
            Diagnostic::new(Code::Project, "the project declares no environments")
                .at(at)
                .help("add an [environments.NAME] table with a tier and layers"),
        );
    }
    let mut tier_spans = Vec::new();
    let mut environments =
        environments::environments(&mut r, raw.environments.into_inner(), &mut tier_spans);
    let declared: Vec<String> = raw
        .project
        .tiers
        .as_ref()
        .map(|t| t.get_ref().iter().map(|s| s.get_ref().clone()).collect())
        .unwrap_or_default();
    deployed::resolve(&mut r, raw.tiers, &declared, &mut environments);
    tiers::check_environments(
        &mut r,
        raw.project.tiers.as_ref(),
        &environments,
        &tier_spans,
    );
    let (output_dir, outputs, generate) =
        outputs::outputs(&mut r, &raw.project, raw.outputs, &environments);
    let generated: Vec<Generated> = generate
        .into_iter()
        .filter_map(|(name, out)| generated::generated(&mut r, name, out, &output_dir))
        .collect();
    generated::same_path(&mut r, &generated, &outputs, &environments);
    let project_file = RelPath::parse(&sources.get(id).name).ok();
    let schema_rel = schema.as_ref().map(|s| &s.value.rel);
    let inputs = inputs::inputs(project_file, schema_rel, &environments, &outputs);
    outputs::over_inputs(&mut r, &outputs, &environments, &inputs);
    generated::over_inputs(&mut r, &generated, &inputs);
    fs.set_inputs(inputs);
    let policies = policies::policies(&mut r, raw.policies, &outputs);
    tiers::check_policies(&mut r, &sources.get(id).text, &policies, &environments);
    for span in r.redactions.drain(..) {
        sources.redact(span);
    }
    let app_external = app_external(&mut r, raw.app);
    let trusted_branch = raw.project.trusted_branch.as_ref().map(|b| Located {
        value: b.get_ref().clone(),
        span: r.span(b.span()),
    });
    let Some(schema) = schema.filter(|_| r.errors.is_empty()) else {
        return Err(r.errors);
    };
    Ok(Project {
        trusted_branch,
        app_external,
        output_dir,
        policies,
        schema,
        name: raw.project.name,
        root: r.root,
        fs: Arc::new(fs),
        file: id,
        environments,
        outputs,
        generated,
    })
}

pub(crate) fn valid_name(name: &str) -> bool {
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

/// `[app] external`, each an environment variable name (an error where one is not).
fn app_external(r: &mut Resolver, app: AppSection) -> Vec<String> {
    let mut names = Vec::new();
    for name in app.external {
        if crate::format::dotenv::is_env_name(name.get_ref()) {
            names.push(name.into_inner());
        } else {
            let at = r.span(name.span());
            r.errors.push(
                Diagnostic::new(
                    Code::Project,
                    format!(
                        "`[app] external` lists `{}`, which is no environment variable name",
                        name.get_ref()
                    ),
                )
                .at(at)
                .help("list names of letters, digits and `_`, not starting with a digit"),
            );
        }
    }
    names
}
