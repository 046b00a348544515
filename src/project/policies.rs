//! The `[[policies]]` part of cfgc.toml: what every rendered file must satisfy, as data
//! (patterns an output must or must not contain, and directive rules for nginx).

use serde::Deserialize;

use super::{Output, Resolver};
use crate::diagnostic::{Code, Diagnostic};
use crate::format::Format;

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
    /// Formerly a structural check (`"cloudbuild"`); the `cloudbuild` format checks that
    /// structure itself now. Kept so that an old cfgc.toml gets an error saying so.
    pub structure: Option<String>,
    /// Structural rules over an output's directives (`[[policies.directives]]`), for outputs
    /// whose room reads them as directives (nginx).
    #[serde(default)]
    pub directives: Vec<super::directives::DirectiveRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A regular expression (Rust `regex` syntax; `(?m)` for line anchors).
    pub pattern: String,
    /// What the rule protects, shown when it fails.
    pub message: String,
    /// `pattern`, compiled when the project is loaded.
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
}

impl Rule {
    /// The compiled pattern, or why it cannot run.
    pub fn regex(&self) -> Result<&regex::Regex, &str> {
        self.regex
            .as_ref()
            .ok_or("the pattern was not compiled when the project loaded")
    }
}

pub(super) fn policies(r: &mut Resolver, raw: Vec<Policy>, outputs: &[Output]) -> Vec<Policy> {
    let mut policies = raw;
    for policy in &mut policies {
        for rule in policy.require.iter_mut().chain(policy.forbid.iter_mut()) {
            match super::pattern::compile(&rule.pattern) {
                Ok(re) => rule.regex = Some(re),
                Err(e) => r.errors.push(Diagnostic::new(
                    Code::Project,
                    format!("policy `{}` has an invalid pattern: {e}", policy.name),
                )),
            }
        }
        if let Some(kind) = &policy.structure {
            r.errors.push(
                Diagnostic::new(Code::Project,
                    format!(
                        "policy `{}` names a structure (`{kind}`): structures are checked by an output's format now",
                        policy.name
                    ),
                )
                .help("remove `structure` and set `format = \"cloudbuild\"` on the Cloud Build output: that format checks its steps, secretEnv and substitutions on every render"),
            );
        }
        for o in &policy.outputs {
            if !outputs.iter().any(|out: &Output| &out.name == o) {
                r.errors.push(Diagnostic::new(
                    Code::Project,
                    format!("policy `{}` names an unknown output `{o}`", policy.name),
                ));
            }
        }
        directive_rules(r, policy, outputs);
    }
    policies
}

/// Directive rules must have one of their shapes, and apply only to outputs whose room reads
/// directives (nginx): on any other output they would silently check nothing.
fn directive_rules(r: &mut Resolver, policy: &Policy, outputs: &[Output]) {
    for (i, rule) in policy.directives.iter().enumerate() {
        if let Some(problem) = rule.shape_problem() {
            r.errors.push(
                Diagnostic::new(
                    Code::Project,
                    format!(
                        "directive rule {} of policy `{}` {problem}",
                        i + 1,
                        policy.name
                    ),
                )
                .help("see \"cfgc.toml reference\" in README.md for the rule shapes"),
            );
        }
    }
    if policy.directives.is_empty() {
        return;
    }
    let without: Vec<&str> = outputs
        .iter()
        .filter(|o| policy.outputs.is_empty() || policy.outputs.contains(&o.name))
        .filter(|o| o.format.value.directives().is_none())
        .map(|o| o.name.as_str())
        .collect();
    if !without.is_empty() {
        let formats = Format::with_directives();
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!(
                    "policy `{}` has directive rules but applies to outputs that are not {formats}: {}",
                    policy.name,
                    without.join(", ")
                ),
            )
            .help(format!("list only {formats} outputs in the policy's `outputs`")),
        );
    }
}
