//! Stage 5, render: fill each output's template for each environment,
//! escaping every value for the file it lands in, then check the result
//! against the project's policies before anything is written.
//!
//! Outputs that hold no secret render without any key; a secret-bearing
//! output decrypts its environment's secrets only when it is rendered.

pub mod escape;
pub mod policy;
pub mod templates;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use secrecy::ExposeSecret;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::decrypt::{self, DecryptError, Decrypted, Keyring};
use crate::diagnostic::Diagnostic;
use crate::pipeline::Loaded;
use crate::project::{Environment, Output};
use crate::source::SourceMap;
use crate::validate::{MergedEnv, Validated};
pub use templates::Templates;

/// One output of one environment.
pub struct RenderedFile<'a> {
    pub env: &'a Environment,
    pub output: &'a Output,
    /// Path relative to the project root, as shown to the user.
    pub rel: String,
    pub path: PathBuf,
    pub content: Content,
}

pub enum Content {
    Ready {
        text: Zeroizing<String>,
        /// The secret values this file holds, for masking diffs.
        secrets: Vec<Zeroizing<String>>,
    },
    /// Not rendered: the environment's secrets could not be decrypted here.
    Skipped(String),
}

pub fn render<'a>(
    loaded: &'a Loaded,
    validated: &Validated<'a>,
    templates: &Templates,
    keyring: Option<&Keyring>,
    sources: &SourceMap,
) -> Result<Vec<RenderedFile<'a>>, Vec<Diagnostic>> {
    let results: Vec<Result<Vec<RenderedFile>, Vec<Diagnostic>>> = validated
        .environments
        .par_iter()
        .map(|merged| render_env(loaded, merged, templates, keyring, sources))
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.extend(f),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn render_env<'a>(
    loaded: &'a Loaded,
    merged: &MergedEnv<'a>,
    templates: &Templates,
    keyring: Option<&Keyring>,
    sources: &SourceMap,
) -> Result<Vec<RenderedFile<'a>>, Vec<Diagnostic>> {
    let env = merged.env;
    let outputs: Vec<&Output> = loaded
        .project
        .outputs
        .iter()
        .filter(|o| o.environments.is_empty() || o.environments.contains(&env.name))
        .collect();
    let plain = plain_context(merged);
    // Decrypted at most once, and only if a secret-bearing output needs it.
    let mut secrets: Option<Result<Decrypted, String>> = None;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for output in outputs {
        let rel = output.path.value.replace("{env}", &env.name);
        let path = loaded.project.root.join(&rel);
        let mut context = plain.clone();
        if output.secrets {
            let decrypted = secrets.get_or_insert_with(|| {
                match keyring.map(|k| decrypt::decrypt(loaded, env, sources, k)) {
                    None => Err("not decrypted (--no-decrypt)".into()),
                    Some(Ok(d)) => Ok(d),
                    Some(Err(DecryptError::NoIdentity(d))) => Err(d.message),
                    Some(Err(DecryptError::Failed(ds))) => {
                        errors.extend(ds);
                        Err("its secrets could not be decrypted".into())
                    }
                }
            });
            match decrypted {
                Ok(d) => add_secrets(&mut context, d),
                Err(why) => {
                    files.push(RenderedFile {
                        env,
                        output,
                        rel,
                        path,
                        content: Content::Skipped(why.clone()),
                    });
                    continue;
                }
            }
        }
        match templates.render(output, env, &context, loaded, sources) {
            Ok(text) => {
                let held = match (&secrets, output.secrets) {
                    (Some(Ok(d)), true) => d
                        .values
                        .values()
                        .map(|v| Zeroizing::new(v.expose_secret().to_string()))
                        .collect(),
                    _ => Vec::new(),
                };
                files.push(RenderedFile {
                    env,
                    output,
                    rel,
                    path,
                    content: Content::Ready {
                        text,
                        secrets: held,
                    },
                });
            }
            Err(d) => errors.push(d),
        }
    }
    if let Some(Ok(decrypted)) = &secrets {
        errors.extend(policy::no_secret_in_plain_outputs(&files, decrypted));
    }
    errors.extend(files.iter().flat_map(|f| policy::check(f, &loaded.project)));
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// What every template sees: the merged variables at the top level and in
/// `vars`, the environment's `env` and `tier`, and `secret_names` (names
/// only: a plain output may reference a secret by name, e.g. in Secret Manager).
fn plain_context(merged: &MergedEnv) -> serde_json::Map<String, Value> {
    let vars = crate::node::map_to_json(&merged.vars);
    let mut ctx = vars.clone();
    ctx.insert("vars".into(), Value::Object(vars));
    ctx.insert("env".into(), Value::String(merged.env.name.clone()));
    ctx.insert("tier".into(), Value::String(merged.env.tier.clone()));
    ctx.insert(
        "secret_names".into(),
        Value::Array(
            merged
                .secret_names
                .keys()
                .map(|k| Value::String(k.clone()))
                .collect(),
        ),
    );
    ctx
}

/// Secret values join the context only for outputs declared to hold them:
/// at the top level and in `secrets`.
fn add_secrets(ctx: &mut serde_json::Map<String, Value>, decrypted: &Decrypted) {
    let values: BTreeMap<&String, Value> = decrypted
        .values
        .iter()
        .map(|(k, v)| (k, Value::String(v.expose_secret().to_string())))
        .collect();
    for (k, v) in &values {
        ctx.insert((*k).clone(), v.clone());
    }
    ctx.insert(
        "secrets".into(),
        Value::Object(values.into_iter().map(|(k, v)| (k.clone(), v)).collect()),
    );
}
