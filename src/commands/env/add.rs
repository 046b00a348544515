//! `cfgc env add NAME`: declare a new environment in cfgc.toml (edited in place) with its
//! own layer, its secrets file and, unless recipients are given, a new age key kept
//! outside the project, so that `check`, `import` and `secrets set` know it at once.

use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{FsError, ProjectFs, Purpose, RelPath, Role, Staged};
use crate::project::recipient::Recipient;
use crate::project::{self, Project};
use crate::source::SourceMap;

use super::edit::{self, Declaration};
use super::key::{NewKey, key_file};
use super::scaffold;

/// What `env add` was asked for.
pub struct Request<'a> {
    pub name: &'a str,
    pub tier: &'a str,
    pub from: Option<&'a str>,
    pub recipients: &'a [String],
}

/// Adds the environment; `Err` holds every reason it was refused (nothing written).
pub fn add(
    config: &Config,
    req: &Request,
    sources: &mut SourceMap,
) -> Result<String, Vec<Diagnostic>> {
    let one = |d: Diagnostic| vec![d];
    if !project::valid_name(req.name) {
        return Err(one(Diagnostic::new(
            Code::EnvName,
            format!("invalid environment name `{}`", req.name),
        )
        .help(
            "use lowercase letters, digits, `-` and `_`, starting with a letter",
        )));
    }
    let file = project::locate(config.project.as_deref()).map_err(one)?;
    let project = project::load(&file, sources)?;
    let fs = &project.fs;
    let toml_rel = project_rel(&project, &file);
    let text = read_text(fs, &toml_rel, Role::Project).map_err(|e| one(e.diagnostic()))?;
    let mut doc = edit::parse(&text)
        .map_err(|e| one(Diagnostic::new(Code::Project, format!("{toml_rel}: {e}"))))?;
    refuse(&project, &doc, req)?;
    let copied = match req.from {
        Some(from) => Some(from_layer(&project, from)?),
        None => None,
    };
    let layer = scaffold::layer_path(req.name);
    let secrets = scaffold::secrets_path(req.name);
    refuse_existing(fs, &[&layer, &secrets])?;
    let (recipients, key) = recipients(req.recipients)?;
    let key_path = match key {
        Some(_) => Some(key_file(config, req.name).map_err(|d| one(*d))?),
        None => None,
    };
    let mut layers: Vec<String> = base_layer(&project).into_iter().collect();
    layers.push(layer.clone());
    edit::declare(
        &mut doc,
        &Declaration {
            name: req.name,
            tier: req.tier,
            layers,
            secrets: secrets.clone(),
            recipients: recipients.iter().map(|r| r.as_str().to_string()).collect(),
            key_kept_outside: key.is_some(),
        },
    );
    let schema = project.schema.value.rel.to_string();
    let layer_text = scaffold::layer_text(&schema, req.name, copied.as_deref());
    let secrets_text = scaffold::secrets_text(req.name, &recipients).map_err(|d| one(*d))?;
    let staged = stage(
        fs,
        &[
            (&layer, layer_text.as_bytes(), 0o644, Purpose::Output),
            (&secrets, secrets_text.as_bytes(), 0o600, Purpose::Output),
            (
                toml_rel.as_str(),
                doc.to_string().as_bytes(),
                0o644,
                Purpose::ProjectFile,
            ),
        ],
    )
    .map_err(|e| one(e.diagnostic().note("nothing was written")))?;
    let said = format!(
        "added environment `{}` (tier `{}`): {layer}, {secrets}, cfgc.toml\n",
        req.name, req.tier
    );
    let key = key.zip(key_path);
    put_in_place(req.name, staged, key.as_ref(), said).map_err(one)
}

/// The key saved first (a secrets file whose key was not kept could never be opened),
/// then the files, cfgc.toml last: until it names them, the new files are nobody's input.
fn put_in_place(
    name: &str,
    staged: Vec<Staged>,
    key: Option<&(NewKey, std::path::PathBuf)>,
    mut said: String,
) -> Result<String, Diagnostic> {
    if let Some((key, path)) = key {
        key.save(path, name).map_err(|d| *d)?;
        said.push_str(&format!(
            "{name}'s key: {} (outside the project; public key {})\n",
            path.display(),
            key.public()
        ));
    }
    for file in staged {
        file.commit().map_err(|e| e.diagnostic())?;
    }
    said.push_str(&format!(
        "next: `cfgc import {name} .env.{name}` or `cfgc secrets set {name} NAME`, then `cfgc check`\n"
    ));
    Ok(said)
}

/// The new environment's files must not be there yet.
fn refuse_existing(fs: &ProjectFs, paths: &[&str]) -> Result<(), Vec<Diagnostic>> {
    for path in paths {
        let rel = RelPath::parse(path).expect("cfgc's own paths are valid");
        let found = fs
            .read_if_exists(&rel, Role::Layer)
            .map_err(|e| vec![e.diagnostic()])?;
        if found.is_some() {
            return Err(vec![
                Diagnostic::new(
                    Code::EnvExists,
                    format!("{path} already exists: nothing was written"),
                )
                .help("move it away, or declare the environment by hand in cfgc.toml"),
            ]);
        }
    }
    Ok(())
}

/// cfgc.toml as a path inside the project.
/// The tier `import` gives an environment it declares: `local` for the names developers'
/// machines use (`development`, `dev`, `local`, `test`), else `deployed`, when cfgc.toml
/// declares that tier (or declares none); otherwise its first declared tier.
pub fn tier_for(
    config: &Config,
    name: &str,
    sources: &mut SourceMap,
) -> Result<String, Vec<Diagnostic>> {
    let file = project::locate(config.project.as_deref()).map_err(|d| vec![d])?;
    let project = project::load(&file, sources)?;
    let text = read_text(&project.fs, &project_rel(&project, &file), Role::Project)
        .map_err(|e| vec![e.diagnostic()])?;
    let declared = edit::parse(&text).ok().and_then(|doc| edit::tiers(&doc));
    let local = matches!(name, "development" | "dev" | "local" | "test");
    let wanted = if local { "local" } else { "deployed" };
    Ok(match declared {
        Some(tiers) if !tiers.iter().any(|t| t == wanted) => {
            tiers.first().cloned().unwrap_or_else(|| wanted.to_string())
        }
        _ => wanted.to_string(),
    })
}

fn project_rel(project: &Project, file: &std::path::Path) -> RelPath {
    let name = file
        .strip_prefix(&project.root)
        .ok()
        .and_then(|p| p.to_str())
        .unwrap_or(project::PROJECT_FILE);
    RelPath::parse(name)
        .unwrap_or_else(|_| RelPath::parse(project::PROJECT_FILE).expect("a valid path"))
}

fn read_text(fs: &ProjectFs, rel: &RelPath, role: Role) -> Result<String, FsError> {
    fs.read(rel, role)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// An existing name, or a tier the project does not declare.
fn refuse(
    project: &Project,
    doc: &toml_edit::DocumentMut,
    req: &Request,
) -> Result<(), Vec<Diagnostic>> {
    if project.environment(req.name).is_some() {
        return Err(vec![
            Diagnostic::new(
                Code::EnvExists,
                format!(
                    "environment `{}` is already declared in cfgc.toml",
                    req.name
                ),
            )
            .help("choose another name, or edit its `[environments.NAME]` table"),
        ]);
    }
    match edit::tiers(doc) {
        Some(tiers) if !tiers.iter().any(|t| t == req.tier) => Err(vec![
            Diagnostic::new(
                Code::UnknownTier,
                format!(
                    "unknown tier `{}`: cfgc.toml declares {}",
                    req.tier,
                    list(&tiers)
                ),
            )
            .help("give one of them with `--tier`, or add the tier to `[project] tiers` first"),
        ]),
        _ => Ok(()),
    }
}

fn list(tiers: &[String]) -> String {
    let quoted: Vec<String> = tiers.iter().map(|t| format!("`{t}`")).collect();
    quoted.join(", ")
}

/// The content of `from`'s own (last) layer, a YAML file.
fn from_layer(project: &Project, from: &str) -> Result<String, Vec<Diagnostic>> {
    let Some(env) = project.environment(from) else {
        let names: Vec<String> = project
            .environments
            .iter()
            .map(|e| e.name.clone())
            .collect();
        return Err(vec![Diagnostic::new(
            Code::UnknownEnvironment,
            format!(
                "`--from {from}`: no such environment; cfgc.toml declares {}",
                list(&names)
            ),
        )]);
    };
    let last = env.layers.last().expect("every environment has a layer");
    if project::layer_format(&last.value.abs) != Some(project::LayerFormat::Yaml) {
        return Err(vec![Diagnostic::new(
            Code::EnvFrom,
            format!(
                "`--from {from}`: its own layer {} is not YAML; the new layer is",
                last.value.rel
            ),
        )]);
    }
    read_text(&project.fs, &last.value.rel, Role::Layer).map_err(|e| vec![e.diagnostic()])
}

/// The layer every environment starts from, when they all share one.
fn base_layer(project: &Project) -> Option<String> {
    let mut firsts = project
        .environments
        .iter()
        .map(|e| (e.layers.len(), &e.layers[0].value.rel));
    let (len, first) = firsts.next()?;
    let shared = len > 1 && firsts.all(|(n, f)| n > 1 && f == first);
    shared.then(|| first.to_string())
}

/// The recipients given, or a new key's (returned to be saved).
fn recipients(given: &[String]) -> Result<(Vec<Recipient>, Option<NewKey>), Vec<Diagnostic>> {
    if given.is_empty() {
        let key = NewKey::generate();
        return Ok((vec![key.recipient()], Some(key)));
    }
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for text in given {
        match text.parse::<Recipient>() {
            Ok(r) => parsed.push(r),
            Err(e) => errors.push(Diagnostic::new(
                Code::Recipient,
                format!("`--recipient`: {e}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok((parsed, None))
    } else {
        Err(errors)
    }
}

/// Every file staged before any is written: a refusal leaves the project as it was.
fn stage(fs: &ProjectFs, files: &[(&str, &[u8], u32, Purpose)]) -> Result<Vec<Staged>, FsError> {
    files
        .iter()
        .map(|(path, bytes, mode, purpose)| {
            let rel = RelPath::parse(path).expect("cfgc's own paths are valid");
            fs.stage(&rel, bytes, *mode, *purpose)
        })
        .collect()
}
