//! `cfgc explain ENV NAME`: everything about one variable in one environment: its value
//! (masked if secret), what the schema says of it, where it was set and what it
//! overrode, and which template lines use it. Needs no key.

use serde_json::Value;

use super::emit;
use super::out;
use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::exit::Outcome;
use crate::node::{Entry, Kind};
use crate::pipeline::{self, Inspection};
use crate::project::Environment;
use crate::report::explain::{Derived, ExplainFormat, Explanation, Input, Location, Rule, Use};
use crate::report::position;
use crate::source::{SourceMap, Span};
use crate::validate::{credentials, rules};

pub fn run(config: &Config, env: &str, name: &str, format: ExplainFormat) -> Outcome {
    let names = [env.to_string()];
    let result = pipeline::inspect(config, &names, |inspection| {
        explain(&inspection, name).map(|e| out(&crate::report::explain::render(&e, format)))
    });
    match result {
        Ok(Ok(())) => Outcome::OK,
        Ok(Err((errors, sources))) => emit(&errors, &sources, config.color_err),
        Err(stopped) => emit(&stopped.errors, &stopped.sources, config.color_err),
    }
}

fn loc(sources: &SourceMap, span: Span) -> Location {
    let p = position(sources, span);
    Location {
        file: p.file,
        line: p.line,
        column: p.column,
    }
}

type Failed = (Vec<Diagnostic>, SourceMap);

fn explain(i: &Inspection, name: &str) -> Result<Explanation, Failed> {
    let merged = &i.merged[0];
    let env = merged.env;
    let schema = &i.loaded.schema;
    let property = schema.property(name);
    let entry = merged.vars.get(name);
    let secret_at = merged.secret_names.get(name);
    if property.is_none() && entry.is_none() && secret_at.is_none() {
        return Err(unknown_variable(i, name));
    }
    let secret = schema.secrets.contains(name) || secret_at.is_some();
    let mut notes = Vec::new();
    if property.is_none() {
        notes.push(format!(
            "`{name}` is not declared in the schema: `cfgc check` reports it; declare it under `properties` or remove it"
        ));
    }
    let shown = Shown::of(i, entry, secret_at, secret);
    let (rules, required) = applying_rules(i, property, name, secret);
    if shown.value.is_none() && shown.value_note.is_none() {
        notes.push(unset_note(env, name, required, secret));
    }
    if entry.is_some_and(|e| crate::derive::marked(&e.node).is_some()) {
        notes.push(format!(
            "a derived value that could not be resolved in `{}`: `cfgc check {}` says why",
            env.name, env.name
        ));
    }
    Ok(Explanation {
        environment: env.name.clone(),
        name: name.to_string(),
        secret,
        value: shown.value,
        value_note: shown.value_note,
        set_in: shown.set_in,
        default_applied: entry
            .is_some_and(|e| crate::schema::defaults::is_default(&e.node, schema)),
        derived: derivation(i, name),
        merged_map: entry.is_some_and(|e| matches!(e.node.kind, Kind::Map(_))),
        overrides: shown.overrides,
        type_name: property.map(rules::type_name),
        description: property
            .and_then(|p| p.get("description"))
            .and_then(Value::as_str)
            .map(str::to_string),
        // A secret's default is a committed secret: never shown (`check` reports it).
        default: property.and_then(|p| p.get("default")).map(|d| {
            if secret {
                "(masked: a secret takes no default)".into()
            } else {
                d.to_string()
            }
        }),
        required,
        rules,
        uses: uses(i, env, name, secret),
        notes,
    })
}

/// The error for a name that is neither declared, set nor a secret, with the closest
/// declared name.
fn unknown_variable(i: &Inspection, name: &str) -> Failed {
    let schema = &i.loaded.schema;
    let mut d = Diagnostic::new(
        Code::ExplainUnknownVariable,
        format!("`{name}` is not a variable of `{}`", i.merged[0].env.name),
    )
    .key(name);
    if let Some(close) = schema.suggest(name) {
        d = d.note(format!("did you mean `{close}`?"));
    }
    let d = d.help(format!(
        "the schema ({}) declares every variable; `cfgc docs` lists them",
        i.sources.get(schema.file).name
    ));
    // The map is borrowed by the project: errors carry a fresh one (no span needed).
    (vec![d], SourceMap::default())
}

/// What the explanation may show of the value, and where it was set.
struct Shown {
    /// The plain value; `None` for a secret, a masked or an unset value.
    value: Option<Value>,
    /// In place of the value: where the secret is set, or why it is masked.
    value_note: Option<String>,
    set_in: Option<Location>,
    overrides: Vec<Location>,
}

impl Shown {
    fn of(i: &Inspection, entry: Option<&Entry>, secret_at: Option<&Span>, secret: bool) -> Shown {
        match (entry, secret_at) {
            (_, Some(at)) => Shown {
                value: None,
                value_note: Some(format!("secret, set in {}", loc(i.sources, *at).short())),
                set_in: Some(loc(i.sources, *at)),
                overrides: Vec::new(),
            },
            (Some(e), None) => {
                let json = e.node.to_json();
                let (value, value_note) = if secret {
                    (
                        None,
                        Some("secret (in a plain layer: move it to the secrets file)".to_string()),
                    )
                } else if let Some(why) = looks_like_credential(&e.node) {
                    (None, Some(format!("masked: {why}")))
                } else {
                    (Some(json), None)
                };
                Shown {
                    value,
                    value_note,
                    set_in: Some(loc(i.sources, e.key_span)),
                    overrides: e
                        .node
                        .overrides
                        .iter()
                        .map(|s| loc(i.sources, *s))
                        .collect(),
                }
            }
            (None, None) => Shown {
                value: None,
                value_note: None,
                set_in: None,
                overrides: Vec::new(),
            },
        }
    }
}

/// The rules that apply to `name` in this environment (its property, the schema's
/// conditional rules that hold here, the tier's built-in guardrails), and whether one of
/// them requires it.
fn applying_rules(
    i: &Inspection,
    property: Option<&Value>,
    name: &str,
    secret: bool,
) -> (Vec<Rule>, bool) {
    let merged = &i.merged[0];
    let schema = &i.loaded.schema;
    let applying = schema.rules_in(merged);
    let mut required = schema.always_required(name);
    let mut found = Vec::new();
    if let Some(p) = property {
        let kw = rules::keywords(p);
        if !kw.is_empty() {
            found.push(Rule {
                source: "/properties/".to_string() + name,
                description: None,
                keywords: kw,
            });
        }
    }
    for rule in &applying {
        let mut kw = rules::keywords_for(rule.then, name);
        if rules::required_in(rule.then, name) {
            required = true;
            kw.push("required".into());
        }
        if !kw.is_empty() {
            found.push(Rule {
                source: rule.pointer.clone() + "/then",
                description: rule.description.map(str::to_string),
                keywords: kw,
            });
        }
    }
    let built_in = crate::validate::guardrails::describe(merged.env, name, secret);
    if !built_in.is_empty() {
        found.push(Rule {
            source: crate::validate::guardrails::heading(&merged.env.tier),
            description: None,
            keywords: built_in,
        });
    }
    (found, required)
}

/// The note for a variable with no value: what to do if it is required, how templates
/// must treat it if not.
fn unset_note(env: &Environment, name: &str, required: bool, secret: bool) -> String {
    if required {
        format!(
            "required in `{}` but not set: {}",
            env.name,
            if secret {
                format!("store it with `cfgc secrets set {} {name}`", env.name)
            } else {
                "add it to one of the environment's layers".to_string()
            }
        )
    } else {
        format!(
            "not set in `{}`: templates must test it with `{{% if {name} is defined %}}`",
            env.name
        )
    }
}

/// How a derived value was made: its expression and where each input was set.
fn derivation(i: &Inspection, name: &str) -> Option<Derived> {
    i.merged[0].derived.get(name).map(|d| Derived {
        expression: d.expression.clone(),
        inputs: d
            .inputs
            .iter()
            .map(|(n, at)| Input {
                name: n.clone(),
                set_in: loc(i.sources, *at),
            })
            .collect(),
    })
}

/// Why a plain value must not be shown either, if it looks like a credential (`check`
/// reports those too).
fn looks_like_credential(node: &crate::node::Node) -> Option<&'static str> {
    let mut strings = Vec::new();
    node.strings(&mut strings);
    strings.into_iter().find_map(|(s, _)| credentials::scan(s))
}

/// Every template line of the environment's outputs that names `name` as a word, and the
/// lines that loop over every variable (`vars`; `app_env` for a variable not marked
/// `x-infra`; `secrets` for a secret).
fn uses(i: &Inspection, env: &Environment, name: &str, secret: bool) -> Vec<Use> {
    let mut found = Vec::new();
    let in_app_env = !secret && !i.loaded.schema.infra.contains(name);
    for (output, file) in &i.templates {
        if !(output.environments.is_empty() || output.environments.contains(&env.name)) {
            continue;
        }
        let src = i.sources.get(*file);
        for (n, line) in src.text.lines().enumerate() {
            let by_name = has_word(line, name);
            let loops = line.contains("{%")
                && has_word(line, "for")
                && (has_word(line, "vars")
                    || (in_app_env && has_word(line, "app_env"))
                    || (secret && has_word(line, "secrets")));
            if by_name || loops {
                found.push(Use {
                    output: output.name.clone(),
                    path: output.path.value.replace("{env}", &env.name),
                    file: src.name.clone(),
                    line: n + 1,
                    text: line.trim().to_string(),
                    every_variable: loops && !by_name,
                });
            }
        }
    }
    found
}

/// Whether `word` occurs in `line` with no identifier character on either side.
pub fn has_word(line: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        !line[..at].chars().next_back().is_some_and(ident)
            && !line[at + word.len()..].chars().next().is_some_and(ident)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_have_boundaries() {
        assert!(super::has_word("A={{ PORT }}", "PORT"));
        assert!(!super::has_word("A={{ PORTS }}", "PORT"));
        assert!(!super::has_word("{{ X_PORT }}", "PORT"));
        assert!(super::has_word("PORT", "PORT"));
    }
}
