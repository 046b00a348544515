//! The language-neutral model every codegen target is written from: what an app's loader
//! must know to refuse at start-up exactly what `cfgc check` refuses, read once from the
//! compiled schema and cfgc.toml. A target (TypeScript today, Python next) only renders it.
//!
//! # API (stable: targets are written against it)
//!
//! [`Model::read`]`(project, schema, sources) -> Result<Model, Vec<Diagnostic>>`. On `Ok`:
//!
//! - [`Model::variables`]: the app's variables in the schema's order, `x-infra` ones left out
//!   as templates' `app_env` leaves them out. Each has its [`Type`] (the shape of the text the
//!   app gets: `cfgc exec` flattens a list into one variable, items joined with `,`; a
//!   boolean is `true`/`false`; a number as written), its [`Checks`] (JSON Schema keywords,
//!   each applying to the JSON type it applies to in JSON Schema: `minimum` to numbers,
//!   `minLength` to strings, `items` to each list item), whether it is required in every
//!   environment, its default as the text `cfgc exec` would pass (a loader reads an absent
//!   variable as this text), and whether it is a secret (`x-secret`).
//! - [`Model::environments`]: each environment's name, tier, and for a deployed tier the
//!   built-in [`Guardrails`] with the variables `[tiers.T.allow]` switches each off for.
//!   The loader learns its environment from `CFGC_ENV` (set by `cfgc exec`) or an argument.
//! - [`Model::rules`]: the schema's `allOf` `if`/`then` blocks, as [`Rule`]s: every [`Test`]
//!   of `when` holds → `then`'s checks and required names hold too. A test reads `$env`,
//!   `$tier` or a plain variable's value (compared as parsed: `8080` is the number).
//!
//! The built-in guardrails apply, as `validate/guardrails.rs` applies them, to every string
//! of every non-secret variable (each item of a list of strings), unless switched off for
//! it: `loopback` refuses a value in which any comma- or space-separated item names this
//! machine as a WHATWG URL parser reads it (`loopback.rs`; Node's `URL` agrees,
//! `tests/loopback_node.rs`); `plain-http` refuses an item that parses as an absolute URL
//! whose scheme is `http`.
//!
//! Patterns are ECMA-262 source text, as cfgc's validator reads them (jsonschema's ECMA
//! translation), limited by [`pattern::problem`] to a subset that JavaScript's `u` mode
//! reads the same way: no `\b`, no `\p{…}`, no inline flags, named groups or
//! backreferences. A target for another regex dialect translates `\d` `\w` `\s` and `.`
//! to their ECMA (ASCII, line-terminator) meanings.
//!
//! Fail closed: anything the model cannot express (an object variable, `anyOf`, `$ref`,
//! `multipleOf`, an `else`, a condition on a secret, a format no target implements, …) is an
//! error naming its place in the schema, never left out. What is left out on purpose is only
//! what the app never sees: `x-infra` variables, and the parts of rules about them.

use serde::Serialize;
use serde_json::{Number, Value};

use crate::diagnostic::{Code, Diagnostic};
use crate::project::Project;
use crate::schema::Schema;
use crate::source::SourceMap;

pub mod pattern;
mod read;
mod rules;

/// The variable `cfgc exec` sets to the environment's name; a schema may not declare it.
pub use crate::render::flatten::ENV_VARIABLE;

/// Everything a target renders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Model {
    /// `[project] name`.
    pub project: String,
    /// The schema's path from the project root, for the generated file's header.
    pub schema_file: String,
    pub variables: Vec<Variable>,
    pub environments: Vec<Environment>,
    pub rules: Vec<Rule>,
}

/// One app variable (a top-level schema property not marked `x-infra`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variable {
    pub name: String,
    pub description: Option<String>,
    pub ty: Type,
    pub checks: Checks,
    /// In the schema's top-level `required`: missing is refused in every environment.
    pub required: bool,
    /// The schema's `default` as `cfgc exec` would pass it (never for a secret).
    pub default: Option<String>,
    /// `x-secret: true`: a target keeps its value out of every print.
    pub secret: bool,
    /// JSON pointer of its schema (`/properties/NAME`).
    pub pointer: String,
}

/// The shape of a variable's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "item")]
pub enum Type {
    Scalar(Scalar),
    /// Items joined with `,` (an empty text is the empty list), as `cfgc exec` flattens it.
    List(Scalar),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scalar {
    String,
    /// A whole number written in digits alone (`8080`): cfgc refuses a float where the
    /// schema wants an integer, even a whole one (`8080.0`; `validate/integral_float.rs`).
    Integer,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// JSON Schema keywords on one value, each applying only to the JSON type it applies to.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    /// `enum`, or `const` as a one-value `enum`: JSON scalars.
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Number>,
    /// In Unicode code points, as JSON Schema counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// ECMA-262 source, unanchored (see the module documentation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    /// Checks on each item of a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Checks>>,
}

/// The string formats a target implements, with cfgc's meaning (`schema/formats.rs`) or,
/// for JSON Schema's own, jsonschema's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// An absolute URL (WHATWG) with a host.
    Url,
    /// A `Url` whose scheme is `https`.
    HttpsUrl,
    /// No item names this machine (the `loopback` guardrail's reading).
    NoLocalhost,
    /// Digits then a unit (`ms s m h d w`), repeated: `15m`, `1h30m`.
    Duration,
    /// An optional `+`, digits not starting with `0`, from 1 to 65535 (Rust's `u32` parse).
    Port,
    /// `local@domain`: a dot-atom local part and a `Hostname` domain (stricter than
    /// jsonschema's RFC 5321 reading: no quoted local part, no address literal).
    Email,
    /// RFC 1034 labels of letters, digits and `-`, at most 253 characters, no trailing dot;
    /// a label with `--` at its third character is refused (jsonschema accepts a valid
    /// punycode A-label there: stricter, never looser).
    Hostname,
    /// Dotted-decimal IPv4, no leading zeros (Rust's `Ipv4Addr`).
    Ipv4,
}

impl Format {
    pub fn named(name: &str) -> Option<Format> {
        Some(match name {
            "url" => Format::Url,
            "https-url" => Format::HttpsUrl,
            "no-localhost" => Format::NoLocalhost,
            "duration" => Format::Duration,
            "port" => Format::Port,
            "email" => Format::Email,
            "hostname" => Format::Hostname,
            "ipv4" => Format::Ipv4,
            _ => return None,
        })
    }

    pub const NAMES: &str = "url, https-url, no-localhost, duration, port, email, hostname, ipv4";
}

/// One environment of cfgc.toml.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Environment {
    pub name: String,
    pub tier: String,
    /// Set when the tier is deployed: the built-in rules hold there.
    pub deployed: Option<Guardrails>,
}

/// The built-in rules of a deployed tier, and the variables each is switched off for.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Guardrails {
    /// `[tiers.T.allow] loopback = { names = [...] }`.
    pub loopback_allowed: Vec<String>,
    /// `[tiers.T.allow] plain-http = { names = [...] }`.
    pub plain_http_allowed: Vec<String>,
}

/// An `allOf` `if`/`then` block: when every test holds, `then` holds too.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// `/allOf/N`.
    pub pointer: String,
    pub description: Option<String>,
    pub when: Vec<Test>,
    pub then: Then,
}

/// One test of a rule's `if`: the subject's value is one of `values` (any value when
/// `None`); a variable that is absent passes only when `if_absent` (JSON Schema's
/// `properties` holds for a missing key unless `required` names it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Test {
    pub subject: Subject,
    pub values: Option<Vec<Value>>,
    pub if_absent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Subject {
    /// `$env`: the environment's name.
    Env,
    /// `$tier`: its tier.
    Tier,
    /// A plain app variable.
    Variable(String),
}

/// What a rule asks when it holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Then {
    /// Further checks on variables, by name, in the schema's order.
    pub checks: Vec<(String, Checks)>,
    /// Variables that must be set.
    pub required: Vec<String>,
}

impl Model {
    /// The model of the project's schema, or every place it cannot express (fail closed).
    pub fn read(
        project: &Project,
        schema: &Schema,
        sources: &SourceMap,
    ) -> Result<Model, Vec<Diagnostic>> {
        let mut r = Refusals::new(schema, sources);
        read::top_level(&mut r, &schema.json);
        let variables = read::variables(&mut r);
        let rules = rules::rules(&mut r, &variables);
        if !r.found.is_empty() {
            return Err(r.found);
        }
        Ok(Model {
            project: project.name.clone(),
            schema_file: project.schema.value.rel.as_str().to_string(),
            variables,
            environments: project.environments.iter().map(environment).collect(),
            rules,
        })
    }

    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }
}

fn environment(env: &crate::project::Environment) -> Environment {
    use crate::project::deployed::{LOOPBACK, PLAIN_HTTP};
    let names = |d: &crate::project::deployed::Deployed, rule: &str| -> Vec<String> {
        let mut names: Vec<String> = d
            .allowed
            .get(rule)
            .into_iter()
            .flatten()
            .map(|n| n.value.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    Environment {
        name: env.name.clone(),
        tier: env.tier.clone(),
        deployed: env.deployed.as_deref().map(|d| Guardrails {
            loopback_allowed: names(d, LOOPBACK),
            plain_http_allowed: names(d, PLAIN_HTTP),
        }),
    }
}

/// What the model could not express, each at its place in the schema.
pub(super) struct Refusals<'s> {
    pub schema: &'s Schema,
    sources: &'s SourceMap,
    pub found: Vec<Diagnostic>,
}

impl<'s> Refusals<'s> {
    fn new(schema: &'s Schema, sources: &'s SourceMap) -> Self {
        Refusals {
            schema,
            sources,
            found: Vec::new(),
        }
    }

    /// `what` at the JSON pointer `pointer` cannot be generated.
    pub fn refuse(&mut self, pointer: &str, what: impl Into<String>) {
        let span = self.schema.pointer_span(self.sources, pointer);
        self.found.push(
            Diagnostic::new(Code::CodegenUnsupported, what)
                .at(span)
                .label(format!("at `{pointer}`"))
                .note("codegen writes only what the app's loader can check exactly as `cfgc check` does; it refuses the rest rather than leave it unchecked"),
        );
    }
}
