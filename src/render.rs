//! Stage 5, render: fill each output's template for one environment, escaping every value
//! for the file it lands in (the format's room), then check the result against the
//! project's policies before anything is written.
//!
//! Render knows nothing of keys: it is handed the environment's secret values, or the reason
//! there are none, by the pipeline. A secret-bearing output is rendered three times, twice
//! with stand-ins for the secrets, so that which of its lines may be shown is known by
//! construction (see `mask`).

pub mod flatten;

pub mod mask;
pub mod placement;
pub mod policy;
mod secret_findings;
pub mod templates;

use std::collections::BTreeMap;

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::diagnostic::Diagnostic;
use crate::merge::Merged;
use crate::project::{Output, Project};
use crate::schema::Schema;
use crate::secrets::crypto::Plaintext;
use crate::source::Source;
pub use mask::LineMask;
pub use templates::Templates;

/// One output of one environment.
pub struct RenderedFile<'a> {
    pub env: &'a crate::project::Environment,
    pub output: &'a Output,
    /// Path relative to the project root, as shown to the user.
    pub rel: String,
    pub content: Content,
}

pub enum Content {
    /// Rendered. For an output that holds secrets, which lines may be shown is worked out
    /// only when something shows it (a diff, a finding): see [`line_mask`].
    Ready(Zeroizing<String>),
    /// Not to be written: the environment's secrets are not at hand (`why`). `stand_in` is
    /// the render with public stand-ins for the secrets, which the project's checks still
    /// read, so a keyless run finds what the secrets cannot change.
    Skipped { why: String, stand_in: String },
}

/// What render is given of an environment's secrets.
pub enum Secrets<'s> {
    Values(&'s BTreeMap<String, Plaintext>),
    /// Why there are none (no identity, `--no-decrypt`, a file that failed to open).
    Unavailable(&'s str),
}

/// Every output of one environment that failed a check, with the rendered text each
/// finding points into (masked where it holds secrets). The pipeline adds the sources to
/// its map: render runs in parallel and cannot.
pub struct Failed {
    pub diagnostics: Vec<Diagnostic>,
    /// Spans in `diagnostics` name these as `FileId(DETACHED + i)`.
    pub sources: Vec<Source>,
}

/// The first file id of sources a `Failed` carries, before they join the map.
pub const DETACHED: u32 = u32::MAX / 2;

/// Stage 5 for one environment: every output declared for it.
pub fn render_env<'a>(
    project: &'a Project,
    schema: &Schema,
    templates: &Templates,
    merged: &Merged<'a>,
    secrets: Secrets<'_>,
) -> Result<Vec<RenderedFile<'a>>, Failed> {
    let env = merged.env;
    let render = EnvRender {
        project,
        schema,
        templates,
        merged,
        secrets,
        plain: plain_context(merged, schema, templates),
    };
    let mut files = Vec::new();
    let mut failed = Failed {
        diagnostics: Vec::new(),
        sources: Vec::new(),
    };
    for output in project.outputs_for(env) {
        let rel = output.path.value.replace("{env}", &env.name);
        match render.content(output) {
            Ok(content) => files.push(RenderedFile {
                env,
                output,
                rel,
                content,
            }),
            Err(d) => failed.diagnostics.push(d),
        }
    }
    render.check(&files, &mut failed);
    if failed.diagnostics.is_empty() {
        Ok(files)
    } else {
        Err(failed)
    }
}

/// One environment's render: what each of its outputs is filled from and checked with.
struct EnvRender<'r> {
    project: &'r Project,
    schema: &'r Schema,
    templates: &'r Templates,
    merged: &'r Merged<'r>,
    secrets: Secrets<'r>,
    /// The plain context, converted once for every output.
    plain: Context,
}

impl EnvRender<'_> {
    /// `output` rendered: a plain one from the plain context, a secret-bearing one with
    /// the secrets, or, when they are not at hand, with stand-ins and not kept.
    fn content(&self, output: &Output) -> Result<Content, Diagnostic> {
        let (env, project, schema) = (self.merged.env, self.project, self.schema);
        match (&self.secrets, output.secrets) {
            (_, false) => self
                .templates
                .render_value(output, env, self.plain.clone(), project, schema)
                .map(Content::Ready),
            (Secrets::Unavailable(why), true) => {
                // Not written, but rendered with stand-ins for the secrets, so a broken
                // template fails a keyless CI run too.
                let names: Vec<(&String, String)> = self
                    .merged
                    .secret_names
                    .keys()
                    .enumerate()
                    .map(|(i, k)| (k, mask::stand_ins(i)[0].clone()))
                    .collect();
                let ctx = with_secrets(&self.plain, names.iter().map(|(k, v)| (*k, v.as_str())));
                self.templates
                    .render_value(output, env, ctx, project, schema)
                    .map(|text| Content::Skipped {
                        why: why.to_string(),
                        stand_in: text.to_string(),
                    })
            }
            (Secrets::Values(values), true) => {
                let ctx = with_secrets(
                    &self.plain,
                    values.iter().map(|(k, v)| (k, v.expose_secret())),
                );
                self.templates
                    .render_value(output, env, ctx, project, schema)
                    .map(Content::Ready)
            }
        }
    }

    /// The project's policies on every rendered file, and no secret value in a plain
    /// one; a secret-bearing file's findings show only the lines that may be shown.
    fn check(&self, files: &[RenderedFile], failed: &mut Failed) {
        let mut tainted = policy::Tainted::new();
        if let Secrets::Values(values) = &self.secrets {
            let (found, lines) = policy::no_secret_in_plain_outputs(files, values);
            failed.diagnostics.extend(found);
            tainted = lines;
        }
        let (templates, project, schema) = (self.templates, self.project, self.schema);
        let none = Default::default();
        for (i, file) in files.iter().enumerate() {
            let mask = || match &self.secrets {
                Secrets::Values(values) if file.output.secrets => Some(line_mask(
                    file,
                    &self.plain,
                    values,
                    templates,
                    project,
                    schema,
                )),
                _ => None,
            };
            let before = (failed.diagnostics.len(), failed.sources.len());
            policy::check(
                file,
                project,
                tainted.get(&i).unwrap_or(&none),
                mask,
                failed,
            );
            let render = (templates, project, schema);
            match &self.secrets {
                Secrets::Values(values) if file.output.secrets => {
                    secret_findings::redact(failed, before, file, &self.plain, values, render);
                }
                Secrets::Unavailable(_) if file.output.secrets => {
                    let names = self.merged.secret_names.keys();
                    secret_findings::keyless(failed, before, file, &self.plain, names, render);
                }
                _ => {}
            }
        }
    }
}

/// Which lines of a rendered secret-bearing `file` may be shown: the file is rendered again
/// with each of the two stand-ins for every secret (see `mask`). Called only when something
/// is to be shown, so an unchanged file costs one render.
pub fn line_mask(
    file: &RenderedFile,
    plain: &Context,
    values: &BTreeMap<String, Plaintext>,
    templates: &Templates,
    project: &Project,
    schema: &Schema,
) -> LineMask {
    let Content::Ready(text) = &file.content else {
        unreachable!("only rendered files are shown");
    };
    let stand_in = |which: usize| {
        let names: Vec<(&String, String)> = values
            .keys()
            .enumerate()
            .map(|(i, k)| (k, mask::stand_ins(i)[which].clone()))
            .collect();
        let ctx = with_secrets(plain, names.iter().map(|(k, v)| (*k, v.as_str())));
        templates
            .render_value(file.output, file.env, ctx, project, schema)
            .ok()
    };
    let (a, b) = (stand_in(0), stand_in(1));
    let key = mask::fingerprint_key(values.iter().map(|(k, v)| (k.as_str(), v.expose_secret())));
    let pair = a
        .as_deref()
        .zip(b.as_deref())
        .map(|(a, b)| [a.as_str(), b.as_str()]);
    LineMask::new(file.output.format.value, text, pair, key)
        .with_secrets(values.values().map(|v| v.expose_secret()))
}

/// An environment's template context, converted once for all its outputs.
pub type Context = minijinja::Value;

/// What every template sees: the merged variables at the top level and in `vars`; in
/// `app_env` the app's environment: each variable not marked `x-infra` flattened by the
/// one rule `cfgc exec` uses (`flatten`), by name, with `CFGC_ENV` (the environment's name), so `.env` templates can iterate over
/// it and a new variable needs no template edit; the environment's `env` and `tier`; and
/// `secret_names` (names only: a plain output may reference a secret by name, e.g. in
/// Secret Manager). The variables are converted once and shared by every output;
/// `app_env` is built only when a template reads it.
pub fn plain_context(merged: &Merged, schema: &Schema, templates: &Templates) -> Context {
    let json = crate::node::map_to_json(&merged.vars);
    // Absent rather than empty when no template reads it: a read it missed is then an
    // undefined-variable error, never a silently empty file.
    let app_env = templates
        .reads("app_env")
        .then(|| minijinja::context! { app_env => app_env(&json, schema, &merged.env.name) });
    let vars = minijinja::Value::from(minijinja::value::Serde(json));
    let names: Vec<String> = merged.secret_names.keys().cloned().collect();
    // Later maps win a lookup, as later inserts into one map would.
    minijinja::value::merge_maps([
        vars.clone(),
        app_env.unwrap_or_default(),
        minijinja::context! {
            vars => vars,
            env => merged.env.name.clone(),
            tier => merged.env.tier.clone(),
            secret_names => names,
            secret_versions => merged.secret_versions.clone(),
        },
    ])
}

/// Every variable not marked `x-infra`, flattened as `cfgc exec` passes it, and
/// `CFGC_ENV`, the environment's name, which `cfgc exec` sets too.
fn app_env(
    json: &serde_json::Map<String, serde_json::Value>,
    schema: &Schema,
    env: &str,
) -> BTreeMap<String, String> {
    let mut app_env = BTreeMap::new();
    for (name, value) in json {
        if !schema.infra.contains(name) {
            let mut flat = Vec::new();
            flatten::flatten(name, value, &mut flat);
            app_env.extend(flat);
        }
    }
    app_env.insert(flatten::ENV_VARIABLE.to_string(), env.to_string());
    app_env
}

/// The plain context plus secret values, at the top level and in `secrets`: only outputs
/// declared to hold secrets ever see it.
fn with_secrets<'v>(
    plain: &Context,
    values: impl Iterator<Item = (&'v String, &'v str)>,
) -> Context {
    let all: BTreeMap<String, minijinja::Value> = values
        .map(|(k, v)| (k.clone(), minijinja::Value::from(v)))
        .collect();
    let mut top = all.clone();
    top.insert("secrets".to_string(), minijinja::Value::from(all));
    minijinja::value::merge_maps([plain.clone(), minijinja::Value::from(top)])
}
