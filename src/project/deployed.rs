//! `[tiers.NAME]` tables of cfgc.toml: which tiers are deployed, so that cfgc's built-in
//! production-readiness rules (no loopback host, https URLs) hold there without a schema
//! copying them, and which variables a rule is switched off for, each with a reason that
//! review can read.

use std::collections::BTreeMap;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{Environment, Located, Resolver};
use crate::diagnostic::{Code, Diagnostic};

/// The built-in rules of a deployed tier, by the name that switches each off.
pub const RULES: &[&str] = &[LOOPBACK, PLAIN_HTTP];
/// No loopback or unspecified host in any string value.
pub const LOOPBACK: &str = "loopback";
/// Every http(s) URL uses https.
pub const PLAIN_HTTP: &str = "plain-http";

/// A `[tiers.NAME]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TierFile {
    #[serde(default)]
    deployed: bool,
    #[serde(default)]
    allow: IndexMap<String, Spanned<AllowFile>>,
}

/// `RULE = { names = [...], reason = "..." }` under `[tiers.NAME.allow]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowFile {
    names: Vec<Spanned<String>>,
    reason: Option<String>,
}

/// What a deployed tier's environments are held to: every built-in rule, except for the
/// variables a rule is switched off for.
#[derive(Clone, Debug, Default)]
pub struct Deployed {
    /// Rule name → the variables it does not apply to, where cfgc.toml names each.
    pub allowed: BTreeMap<String, Vec<Located<String>>>,
}

impl Deployed {
    /// Whether `rule` is switched off for the top-level variable `name`.
    pub fn allows(&self, rule: &str, name: &str) -> bool {
        self.allowed
            .get(rule)
            .is_some_and(|names| names.iter().any(|n| n.value == name))
    }
}

/// Reads the `[tiers]` tables into each environment of a deployed tier. A table for a tier
/// that `[project] tiers` does not declare and no environment has, an unknown rule, a
/// switch-off without a reason, or one in a tier that is not deployed is an error: each
/// would silently mean nothing. A declared tier no environment has yet may have its table
/// (`cfgc init` writes `[tiers.deployed]` before `cfgc env add` makes the first one).
pub(super) fn resolve(
    r: &mut Resolver,
    raw: IndexMap<String, Spanned<TierFile>>,
    declared: &[String],
    environments: &mut [Environment],
) {
    for (tier, table) in raw {
        let at = r.span(table.span());
        let unused = super::tiers::unused(&tier, environments, &format!("`[tiers.{tier}]`"));
        if let Some(d) = unused.filter(|_| !declared.contains(&tier)) {
            r.errors
                .push(d.at(at).label("no environment has this tier"));
            continue;
        }
        let table = table.into_inner();
        let mut deployed = Deployed::default();
        for (rule, allow) in table.allow {
            if let Some(names) = switch_off(r, &tier, &rule, allow, table.deployed) {
                deployed.allowed.entry(rule).or_default().extend(names);
            }
        }
        if !table.deployed {
            continue;
        }
        let deployed = Arc::new(deployed);
        for env in environments.iter_mut().filter(|e| e.tier == tier) {
            env.deployed = Some(Arc::clone(&deployed));
        }
    }
}

/// One switch-off, checked: a known rule, in a deployed tier, with a reason.
fn switch_off(
    r: &mut Resolver,
    tier: &str,
    rule: &str,
    allow: Spanned<AllowFile>,
    deployed: bool,
) -> Option<Vec<Located<String>>> {
    let at = r.span(allow.span());
    let allow = allow.into_inner();
    let problem = if !RULES.contains(&rule) {
        Some((
            format!("`[tiers.{tier}.allow]` names the rule `{rule}`, which cfgc does not have"),
            format!("the built-in rules are {}", RULES.join(", ")),
        ))
    } else if !deployed {
        Some((
            format!("`[tiers.{tier}.allow]` switches off `{rule}` in a tier that is not deployed"),
            format!(
                "the built-in rules hold only in deployed tiers: add `deployed = true` to `[tiers.{tier}]`, or remove the switch-off"
            ),
        ))
    } else if allow.reason.as_deref().is_none_or(|s| s.trim().is_empty()) {
        Some((
            format!("switching off `{rule}` in `{tier}` needs a reason"),
            "say why these variables may break the rule: `reason = \"…\"`, for whoever reviews this file".to_string(),
        ))
    } else {
        None
    };
    match problem {
        Some((message, help)) => {
            r.errors.push(
                Diagnostic::new(Code::TierAllow, message)
                    .at(at)
                    .label("this switch-off")
                    .help(help),
            );
            None
        }
        None => Some(
            allow
                .names
                .iter()
                .map(|n| Located {
                    value: n.get_ref().clone(),
                    span: r.span(n.span()),
                })
                .collect(),
        ),
    }
}
