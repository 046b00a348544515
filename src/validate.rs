//! Stage 3, validate: the merged environments against the JSON Schema, plus
//! what a schema cannot say: secrets kept out of plain layers, plaintext
//! credentials, unknown variables.
//!
//! Checks about a file run once per file; checks about a merged environment
//! run once per environment, in parallel, against the schema compiled once.

pub mod app;
pub mod credentials;
pub mod guardrails;
mod integral_float;
pub mod missing;
pub mod rules;
mod schema_error;
mod secret_values;
mod secrets_meta;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::Value;

use crate::schema;
pub use crate::schema::Schema;
pub use secret_values::{check_decrypted, check_secret_values, required_secrets};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Layers;
use crate::merge::Merged;
use crate::node::{Kind, Node};
use crate::project::Environment;
use crate::source::{FileId, SourceMap, Span};

pub use crate::merge::SECRETS_META_KEY;

/// One environment after validation: its merged state, and the findings kept apart from it.
/// The state is valid when `findings` is empty.
pub struct Validated<'p> {
    pub merged: Merged<'p>,
    pub findings: Vec<Diagnostic>,
}

/// What the checks of each file found (once per file, however many environments use it).
pub struct FileFindings {
    pub findings: Vec<Diagnostic>,
    /// Spans whose text must never be shown: secret values and credentials.
    pub redactions: Vec<Span>,
}

/// Checks about a file, once per file: secrets in plain layers, plaintext credentials,
/// unknown names. Only the files parsed at the level of `layers` are checked: the run's
/// shared files once with every environment that uses them, and each environment's own
/// files in its task.
pub fn check_files(envs: &[&Environment], layers: &Layers, schema: &Schema) -> FileFindings {
    let mut users: BTreeMap<FileId, (bool, Vec<String>)> = BTreeMap::new();
    for env in envs {
        let files = env.layers.iter().map(|l| (&l.value, false));
        for (path, is_secrets) in files.chain(env.secrets.iter().map(|s| (&s.value, true))) {
            let id = layers.id(path);
            if layers.owns(id) {
                users
                    .entry(id)
                    .or_insert((is_secrets, Vec::new()))
                    .1
                    .push(env.name.clone());
            }
        }
    }
    let check = |(&file, (is_secrets, names)): (&FileId, &(bool, Vec<String>))| {
        let node = layers.node(file);
        if *is_secrets {
            check_secrets_file(node, schema, names)
        } else {
            check_layer_file(node, schema, names)
        }
    };
    // A few files (an environment's own, or a small project's) are checked on the calling
    // thread: a parallel iterator would start the thread pool for nothing.
    let per_file: Vec<(Vec<Diagnostic>, Vec<Span>)> = if users.len() >= 8 {
        users.par_iter().map(check).collect()
    } else {
        users.iter().map(check).collect()
    };
    let mut out = FileFindings {
        findings: Vec::new(),
        redactions: Vec::new(),
    };
    for (d, r) in per_file {
        out.findings.extend(d);
        out.redactions.extend(r);
    }
    for (name, at) in &schema.defaults.secrets {
        out.redactions.push(at.value);
        out.findings.push(secret_default(name, at.key));
    }
    if let Some(at) = schema.reserved {
        out.findings.push(reserved(at));
    }
    out
}

/// The schema declares the variable cfgc sets itself: `exec` would replace its value with
/// the environment's name, and the app would read that instead.
fn reserved(at: Span) -> Diagnostic {
    let name = crate::schema::ENV_VARIABLE;
    Diagnostic::new(
        Code::SchemaReservedName,
        format!("the schema declares `{name}`, which cfgc sets itself"),
    )
    .at(at)
    .label("declared here")
    .key(name)
    .note(format!("`cfgc exec` sets `{name}` to the environment's name, and templates' `app_env` holds it; the app's loader reads it to know its environment"))
}

/// A secret's `default` is a secret committed in plain text, and never applied.
fn secret_default(name: &str, at: Span) -> Diagnostic {
    Diagnostic::new(Code::SecretDefault,
        format!("secret `{name}` has a default in the schema"),
    )
    .at(at)
    .label("a default is committed in plain text")
    .key(name)
    .note("a secret never takes a default: this one is not used")
    .help(format!(
        "remove `default` from `{name}` in the schema and store the value with `cfgc secrets set <ENV> {name}`; if it was ever a real secret, rotate it"
    ))
}

/// Stage 3 for one environment: the merged variables against the schema, and the
/// secrets file's metadata against cfgc.toml.
pub fn validate<'p>(
    merged: Merged<'p>,
    layers: &Layers,
    schema: &Schema,
    sources: &SourceMap,
) -> Validated<'p> {
    let mut findings = check_env(&merged, schema, sources);
    findings.extend(guardrails::check(&merged, schema));
    findings.extend(secrets_meta::check(merged.env, layers, sources));
    Validated { merged, findings }
}

fn check_layer_file(node: &Node, schema: &Schema, envs: &[String]) -> (Vec<Diagnostic>, Vec<Span>) {
    let mut found = Vec::new();
    let mut redact = Vec::new();
    let Some(map) = node.as_map() else {
        return (found, redact);
    };
    let with_envs = |mut d: Diagnostic| {
        d.environments = envs.to_vec();
        d
    };
    for (key, entry) in map {
        if matches!(entry.node.kind, Kind::Unset) {
            continue;
        }
        if schema.secrets.contains(key) {
            redact.push(entry.node.span);
            found.push(with_envs(
                Diagnostic::new(Code::SecretInPlainLayer, format!("secret `{key}` is defined in a plain layer"))
                    .at(entry.node.span)
                    .label("a secret's value must not be committed in plain text")
                    .key(key)
                    .note("the schema marks this variable `x-secret: true`")
                    .help(format!(
                        "remove it here and store it encrypted with `cfgc secrets set <ENV> {key}`; if this value was ever committed, rotate it"
                    )),
            ));
            continue;
        }
        if !schema.variables.contains(key) {
            found.push(with_envs(unknown(key, entry.key_span, schema, "variable")));
        }
        if schema.unscanned.contains(key) {
            continue;
        }
        let mut strings = Vec::new();
        entry.node.strings(&mut strings);
        for (s, span) in strings {
            if let Some(why) = credentials::scan(s) {
                redact.push(span);
                found.push(with_envs(
                    Diagnostic::new(Code::PlaintextCredential, format!("`{key}` holds a plaintext credential"))
                        .at(span)
                        .label(why)
                        .key(key)
                        .help(format!(
                            "move the credential into the secrets file (`cfgc secrets set <ENV> {key}`, with `x-secret: true` in the schema) and rotate it: it is in plain text in this file. If this is not a credential, set `x-credential-scan: false` on `{key}` in the schema"
                        )),
                ));
            }
        }
    }
    (found, redact)
}

fn check_secrets_file(
    node: &Node,
    schema: &Schema,
    envs: &[String],
) -> (Vec<Diagnostic>, Vec<Span>) {
    let mut found = Vec::new();
    let mut redact = Vec::new();
    let Some(map) = node.as_map() else {
        return (found, redact);
    };
    for (key, entry) in map.iter().filter(|(k, _)| k.as_str() != SECRETS_META_KEY) {
        redact.push(entry.node.span);
        let mut d = if !schema.variables.contains(key) {
            unknown(key, entry.key_span, schema, "secret")
        } else if !schema.secrets.contains(key) {
            Diagnostic::new(
                Code::SecretNotDeclaredSecret,
                format!("`{key}` is stored as a secret but the schema does not mark it secret"),
            )
            .at(entry.key_span)
            .label("stored encrypted here")
            .key(key)
            .help(format!(
                "add `\"x-secret\": true` to `{key}` in the schema, or remove it from this file"
            ))
        } else {
            continue;
        };
        d.environments = envs.to_vec();
        found.push(d);
    }
    (found, redact)
}

fn unknown(key: &str, at: Span, schema: &Schema, what: &str) -> Diagnostic {
    let d = Diagnostic::new(
        if what == "secret" {
            Code::UnknownSecret
        } else {
            Code::UnknownVariable
        },
        format!("unknown {what} `{key}`"),
    )
    .at(at)
    .label("not declared in the schema")
    .key(key);
    match schema.suggest(key) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "declare `{key}` under `properties` in the schema, or remove it"
        )),
    }
}

/// The environment's layers as a JSON instance, without any secret, plus
/// the `$env` and `$tier` that schema rules key on.
pub fn instance(merged: &Merged, schema: &Schema) -> serde_json::Map<String, Value> {
    let mut object = crate::node::map_to_json(&merged.vars);
    for name in &schema.secrets {
        object.remove(name);
    }
    object.insert(
        schema::ENV_KEY.into(),
        Value::String(merged.env.name.clone()),
    );
    object.insert(
        schema::TIER_KEY.into(),
        Value::String(merged.env.tier.clone()),
    );
    object
}

fn check_env(merged: &Merged, schema: &Schema, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut object = instance(merged, schema);
    // Without keys a secret's value is unknown: it counts as present when
    // the secrets file names it, and nothing else is checked about it.
    for name in merged.secret_names.keys() {
        object.insert(name.clone(), Value::String(String::new()));
    }
    let instance = Value::Object(object);
    let mut failing = std::collections::BTreeSet::new();
    let mut findings: Vec<Diagnostic> = schema
        .validator
        .iter_errors(&instance)
        .filter_map(|e| {
            failing.insert(e.instance_path().as_str().to_string());
            schema_error::diagnose(&e, merged, schema, sources)
        })
        .collect();
    findings.extend(integral_float::check(merged, schema, &instance, &failing));
    findings
}
