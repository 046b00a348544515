//! `cfgc docs [--check]`: write the configuration reference (`docs/configuration.md`), a
//! `.env.example`, and the JSON Schema editors use for layer files
//! (`layer.schema.json` next to the project schema), from the schema and the
//! environments; and the project's generated outputs (`generate = "…"`, `crate::codegen`). `--check` writes nothing and exits 1 when a file is stale (for CI).
//! Needs no key: secrets are shown as "secret", never by value.

use serde_json::Value;

use super::emit;
use super::say;
use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::exit::Outcome;
use crate::format::Format;
use crate::fs::{FsError, ProjectFs, Purpose, RelPath, Role};
use crate::merge::Merged;
use crate::pipeline::{self, Inspection};
use crate::render::flatten::flatten;
use crate::report::docs::{self, Docs, Variable, code};
use crate::validate::{credentials, rules};

pub const REFERENCE: &str = "docs/configuration.md";
pub const ENV_EXAMPLE: &str = ".env.example";
pub const LAYER_SCHEMA: &str = "layer.schema.json";

pub fn run(config: &Config, check: bool) -> Outcome {
    let result =
        pipeline::inspect(config, &[], |i| {
            let mut files = generate(&i);
            match pipeline::generated_outputs(i.loaded, i.sources) {
                Ok(generated) => files.extend(generated.into_iter().filter_map(|(g, text)| {
                    Some((RelPath::parse(&g.path.value).ok()?, text, g.mode))
                })),
                Err(errors) => return (Vec::new(), errors),
            }
            let fs = &i.loaded.project.fs;
            let mut stale = Vec::new();
            let mut errors = Vec::new();
            for (rel, text, _) in &files {
                match fs.read_if_exists(rel, Role::Output) {
                    Ok(Some(old)) if old == text.as_bytes() => {}
                    Ok(_) => stale.push(rel.as_str().to_string()),
                    Err(e) => errors.push(e.diagnostic()),
                }
            }
            if errors.is_empty() && !check {
                errors = write(fs, &files, &stale);
            }
            (stale, errors)
        });
    let (stale, errors) = match result {
        Ok(r) => r,
        Err(stopped) => return emit(&stopped.errors, &stopped.sources, config.color_err),
    };
    if !errors.is_empty() {
        return emit(&errors, &Default::default(), config.color_err);
    }
    match (check, stale.is_empty()) {
        (_, true) => {
            say(config, "ok: the docs are current\n");
            Outcome::OK
        }
        (true, false) => {
            // One help, after the last file, rather than the same line under each.
            let last = stale.len() - 1;
            let found: Vec<Diagnostic> = stale
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let mut d = Diagnostic::new(
                        Code::DocsStale,
                        format!("`{f}` is not what `cfgc docs` writes"),
                    );
                    if i != last {
                        d.help = None;
                    }
                    d
                })
                .collect();
            emit(&found, &Default::default(), config.color_err)
        }
        (false, false) => {
            for f in &stale {
                say(config, &format!("wrote {f}\n"));
            }
            Outcome::OK
        }
    }
}

/// Write the stale files under apply's rules (never over an input, never through a
/// symlink, never into `.git`), all or none: every target is checked before anything is
/// written.
fn write(fs: &ProjectFs, files: &[(RelPath, String, u32)], stale: &[String]) -> Vec<Diagnostic> {
    let stale: Vec<(RelPath, &[u8], u32)> = files
        .iter()
        .filter(|(rel, _, _)| stale.iter().any(|s| s == rel.as_str()))
        .map(|(rel, text, mode)| (rel.clone(), text.as_bytes(), *mode))
        .collect();
    let note = |e: FsError| e.diagnostic().note("nothing was written");
    let staged = match fs.stage_all(&stale, Purpose::Output) {
        Ok(staged) => staged,
        Err(refused) => return refused.into_iter().map(note).collect(),
    };
    for s in staged {
        if let Err(e) = s.commit() {
            return vec![e.diagnostic()];
        }
    }
    Vec::new()
}

/// Every file `cfgc docs` writes from the schema, with its text and mode (the project's
/// generated outputs are added by `run`).
fn generate(i: &Inspection) -> Vec<(RelPath, String, u32)> {
    let schema = &i.loaded.schema;
    let project = &i.loaded.project;
    let schema_rel = &project.schema.value.rel;
    let variables = variables(i);
    let reference = docs::markdown(&Docs {
        project: &project.name,
        schema_file: schema_rel.as_str(),
        description: schema.json.get("description").and_then(Value::as_str),
        environments: i
            .merged
            .iter()
            .map(|m| (m.env.name.clone(), m.env.tier.clone()))
            .collect(),
        variables,
    });
    let layer_rel = schema_rel
        .parent()
        .map_or_else(|| RelPath::parse(LAYER_SCHEMA), |p| p.join(LAYER_SCHEMA))
        .expect("a fixed file name joins any folder");
    let rel = |s: &str| RelPath::parse(s).expect("a fixed relative path");
    vec![
        (rel(REFERENCE), reference, 0o644),
        (
            rel(ENV_EXAMPLE),
            docs::env_example(schema_rel.as_str(), &env_example_lines(schema)),
            0o644,
        ),
        (
            layer_rel,
            docs::layer_schema(&schema.json, schema_rel.as_str()),
            0o644,
        ),
    ]
}

fn variables(i: &Inspection) -> Vec<Variable> {
    let schema = &i.loaded.schema;
    let Some(props) = schema.json.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    // Which if/then rules hold in each environment, worked out once.
    let applying: Vec<Vec<rules::Rule>> = i.merged.iter().map(|m| schema.rules_in(m)).collect();
    props
        .iter()
        .map(|(name, prop)| variable(i, &applying, name, prop))
        .collect()
}

/// The variable `name` (declared as `prop`) across every environment: where it is
/// required, the rules that hold there, and its value in each.
fn variable(i: &Inspection, applying: &[Vec<rules::Rule>], name: &str, prop: &Value) -> Variable {
    let schema = &i.loaded.schema;
    let secret = schema.secrets.contains(name);
    let mut required_in = Vec::new();
    let mut env_rules: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    let mut values = Vec::new();
    for (m, rules_here) in i.merged.iter().zip(applying) {
        let env = &m.env.name;
        let mut req = schema.always_required(name);
        for rule in rules_here {
            req |= rules::required_in(rule.then, name);
            let kw = rules::keywords_for(rule.then, name);
            if kw.is_empty() {
                continue;
            }
            let why = rule
                .description
                .map_or_else(|| rule.pointer.clone(), str::to_string);
            add_env_rule(&mut env_rules, why, env, kw);
        }
        let built_in = crate::validate::guardrails::describe(m.env, name, secret);
        if !built_in.is_empty() {
            let why = crate::validate::guardrails::heading(&m.env.tier);
            add_env_rule(&mut env_rules, why, env, built_in);
        }
        if req {
            required_in.push(env.clone());
        }
        values.push((env.clone(), shown_value(m, name, secret)));
    }
    Variable {
        name: name.to_string(),
        type_name: rules::type_name(prop),
        description: prop
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        secret,
        // A secret's default is a committed secret (`check` reports it): not copied.
        default: prop.get("default").filter(|_| !secret).cloned(),
        required_in,
        rules: rules::keywords(prop),
        env_rules,
        values,
    }
}

/// Adds `env` to the rule (`why`, `kw`) if another environment has it already: the docs
/// list each rule once, with every environment it holds in.
fn add_env_rule(
    env_rules: &mut Vec<(String, Vec<String>, Vec<String>)>,
    why: String,
    env: &str,
    kw: Vec<String>,
) {
    match env_rules.iter_mut().find(|(w, _, k)| *w == why && *k == kw) {
        Some((_, envs, _)) => envs.push(env.to_string()),
        None => env_rules.push((why, vec![env.to_string()], kw)),
    }
}

/// The value of `name` in one environment as the docs may show it: "secret" for a
/// secret, a mask for a plain value that looks like a credential, `None` when not set.
fn shown_value(m: &Merged, name: &str, secret: bool) -> Option<String> {
    if secret || m.secret_names.contains_key(name) {
        m.secret_names
            .contains_key(name)
            .then(|| "secret".to_string())
    } else {
        m.vars.get(name).map(|e| {
            let mut strings = Vec::new();
            e.node.strings(&mut strings);
            if strings.iter().any(|(s, _)| credentials::scan(s).is_some()) {
                "(masked: looks like a credential)".to_string()
            } else {
                match e.node.to_json() {
                    Value::String(s) => code(&s),
                    other => code(&other.to_string()),
                }
            }
        })
    }
}

/// `.env.example` lines: plain variables with their default (flattened by the `exec`
/// rule, escaped as cfgc escapes `.env` values), secrets and the rest empty. Variables
/// marked `x-infra` are for the deploy files, not the app: left out, as templates'
/// `app_env` leaves them out of the app's `.env`.
fn env_example_lines(schema: &crate::schema::Schema) -> Vec<(Option<String>, String, String)> {
    let dotenv = Format::named("dotenv").expect("the dotenv format exists");
    let Some(props) = schema.json.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (name, prop) in props.iter().filter(|(n, _)| !schema.infra.contains(*n)) {
        let desc = prop
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let default = prop
            .get("default")
            .filter(|_| !schema.secrets.contains(name));
        let mut flat = Vec::new();
        if let Some(d) = default {
            flatten(name, d, &mut flat);
        }
        if flat.is_empty() {
            flat.push((name.clone(), String::new()));
        }
        for (n, (key, value)) in flat.into_iter().enumerate() {
            let written = dotenv.escape(&Value::String(value)).unwrap_or_default();
            lines.push((if n == 0 { desc.clone() } else { None }, key, written));
        }
    }
    lines
}
