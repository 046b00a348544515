//! `check --app`: the variables the app's code reads, against the schema. A read of a name
//! the schema does not give the app, a variable given to the app that no code reads, and a
//! read that falls back to a literal where a deployed environment sets the variable (the
//! literal would hide a deploy that lost it).

use std::collections::BTreeSet;

use crate::app::{App, Read};
use crate::diagnostic::{Code, Diagnostic};
use crate::schema::Schema;
use crate::source::{FileId, SourceMap, Span};

/// Set by cfgc itself for the app (`cfgc exec`): read, never declared.
pub const CFGC_ENV: &str = "CFGC_ENV";

/// A deployed environment and the variables it gives a value (layers, defaults, derived
/// values, secrets), in the project's declared order.
pub struct DeployedEnv {
    pub name: String,
    pub set: BTreeSet<String>,
}

/// The findings, and the spans never shown (a secret's fallback literal).
#[derive(Default)]
pub struct Found {
    pub findings: Vec<Diagnostic>,
    pub redactions: Vec<Span>,
}

pub fn check_app(
    app: &App,
    external: &[String],
    schema: &Schema,
    deployed: &[DeployedEnv],
    sources: &SourceMap,
) -> Found {
    let mut found = Found::default();
    let mut read = BTreeSet::new();
    for file in &app.files {
        for r in &file.reads {
            if r.name == CFGC_ENV {
                continue;
            }
            let Some(variable) = variable_of(schema, &r.name) else {
                // `[app] external`: set by the platform, not by cfgc.
                if !external.contains(&r.name) {
                    found.findings.push(undeclared(schema, file.file, r));
                }
                continue;
            };
            read.insert(variable.to_string());
            if schema.infra.contains(variable) {
                found.findings.push(infra(file.file, r, variable));
            } else if let Some(d) = hidden_default(file.file, r, variable, deployed) {
                if let Some(span) = d.span.filter(|_| schema.secrets.contains(variable)) {
                    found.redactions.push(span);
                }
                found.findings.push(d);
            }
        }
    }
    for v in schema
        .variables
        .iter()
        .filter(|v| !schema.infra.contains(*v))
    {
        if !read.contains(v) {
            found.findings.push(
                Diagnostic::new(
                    Code::AppUnused,
                    format!(
                        "`{v}` is declared for the app, but no code under `{}` reads it",
                        app.dir
                    ),
                )
                .at(schema.property_span(sources, v))
                .label("declared here")
                .key(v),
            );
        }
    }
    found
}

/// The schema variable a read of `name` gets: the one of that name, or a map variable
/// `PARENT` whose key it is once flattened (`PARENT_KEY`, as `cfgc exec` passes it).
fn variable_of<'s>(schema: &'s Schema, name: &str) -> Option<&'s str> {
    if let Some(v) = schema.variables.get(name) {
        return Some(v);
    }
    let props = schema.json.get("properties")?.as_object()?;
    schema.variables.iter().map(String::as_str).find(|v| {
        name.strip_prefix(*v)
            .is_some_and(|rest| rest.starts_with('_'))
            && props
                .get(*v)
                .and_then(|p| p.get("type"))
                .is_some_and(|t| t == "object")
    })
}

fn undeclared(schema: &Schema, file: FileId, r: &Read) -> Diagnostic {
    let name = &r.name;
    let d = Diagnostic::new(
        Code::AppUndeclared,
        format!("the app reads `{name}`, which the schema does not declare"),
    )
    .at(Span::new(file, r.at.start, r.at.end))
    .label("read here")
    .key(name);
    match schema.suggest(name) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "declare `{name}` under `properties` in the schema, or stop reading it"
        )),
    }
}

fn infra(file: FileId, r: &Read, variable: &str) -> Diagnostic {
    Diagnostic::new(
        Code::AppUndeclared,
        format!("the app reads `{}`, but the schema marks `{variable}` `x-infra`: cfgc leaves it out of the app's environment", r.name),
    )
    .at(Span::new(file, r.at.start, r.at.end))
    .label("read here")
    .key(&r.name)
    .help(format!("remove `\"x-infra\": true` from `{variable}` if the app needs it, or stop reading it"))
}

/// A read with a fallback literal, where a deployed environment sets the variable: one
/// finding per read, naming those environments.
fn hidden_default(
    file: FileId,
    r: &Read,
    variable: &str,
    deployed: &[DeployedEnv],
) -> Option<Diagnostic> {
    let fallback = r.fallback.as_ref()?;
    let envs: Vec<&DeployedEnv> = deployed
        .iter()
        .filter(|e| e.set.contains(variable))
        .collect();
    if envs.is_empty() {
        return None;
    }
    let mut d = Diagnostic::new(
        Code::AppHiddenDefault,
        format!("`{}` is read with a fallback literal, a hidden default in a deployed tier", r.name),
    )
    .at(Span::new(file, fallback.start, fallback.end))
    .label("fallback")
    .key(&r.name)
    .note("the deployed environments named set it: if a deploy ever lacks it (a console edit, a platform default), the app starts on this literal instead of failing");
    for e in envs {
        d = d.env(&e.name);
    }
    Some(d)
}
