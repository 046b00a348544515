//! The built-in rules of a deployed tier (`[tiers.NAME] deployed = true` in cfgc.toml): no
//! loopback or unspecified host, and https for every http(s) URL, in every plain string
//! value at any depth. Built in so that every project gets them without copying schema
//! rules, with findings that say which rule and how to switch it off.
//!
//! Secrets are left out: without keys their values are unknown, and a finding about a
//! decrypted value names no rule (SECURITY.md, 9.), so the schema's generic finding covers
//! them there.

use crate::diagnostic::{Code, Diagnostic};
use crate::loopback;
use crate::merge::Merged;
use crate::node::{Kind, Node};
use crate::project::deployed::{Deployed, LOOPBACK, PLAIN_HTTP};
use crate::source::Span;

use super::Schema;

/// The findings of the built-in rules for one environment, if its tier is deployed.
pub fn check(merged: &Merged, schema: &Schema) -> Vec<Diagnostic> {
    let Some(rules) = merged.env.deployed.as_deref() else {
        return Vec::new();
    };
    let mut found = unknown_names(merged, rules, schema);
    for (name, entry) in &merged.vars {
        if schema.secrets.contains(name) {
            continue;
        }
        let mut strings = Vec::new();
        walk(&entry.node, name.clone(), &mut strings);
        for (path, s, span) in strings {
            // One string may hold several hosts (`"https://a.example, http://localhost"`),
            // read as `no-localhost` reads it.
            if !rules.allows(LOOPBACK, name) && loopback::names_local(s) {
                found.push(finding(merged, name, &path, span, LOOPBACK));
            }
            if !rules.allows(PLAIN_HTTP, name) && loopback::any_item(s, is_plain_http) {
                found.push(finding(merged, name, &path, span, PLAIN_HTTP));
            }
        }
    }
    found
}

/// Every string below `node`, with its display path (`NAME`, `NAME[1]`, `NAME.key`).
fn walk<'n>(node: &'n Node, path: String, out: &mut Vec<(String, &'n str, Span)>) {
    match &node.kind {
        Kind::Str(s) => out.push((path, s, node.span)),
        Kind::List(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{i}]"), out);
            }
        }
        Kind::Map(m) => {
            for (k, e) in m {
                walk(&e.node, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// An absolute URL whose scheme is `http`: what a deployed tier must not send in clear.
fn is_plain_http(item: &str) -> bool {
    url::Url::parse(item).is_ok_and(|u| u.scheme() == "http")
}

fn finding(merged: &Merged, name: &str, path: &str, span: Span, rule: &'static str) -> Diagnostic {
    let tier = &merged.env.tier;
    let (code, message, label, fix) = match rule {
        LOOPBACK => (
            Code::Loopback,
            format!(
                "`{path}` points at a loopback or unspecified host in the deployed tier `{tier}`"
            ),
            "localhost, 127.0.0.0/8, ::1, 0.0.0.0 or :: is this machine, not a deployed host",
            "use the deployed service's host name",
        ),
        _ => (
            Code::PlainHttp,
            format!("`{path}` is a plain http URL in the deployed tier `{tier}`"),
            "http sends this traffic in clear text",
            "use `https://`",
        ),
    };
    Diagnostic::new(code, message)
        .at(span)
        .label(label)
        .key(name)
        .env(&merged.env.name)
        .note(format!("rule: built-in `{rule}` of deployed tiers (`[tiers.{tier}] deployed = true` in cfgc.toml)"))
        .help(format!(
            "{fix}; if `{name}` must break this rule, switch it off in cfgc.toml with a reason: `[tiers.{tier}.allow] {rule} = {{ names = [\"{name}\"], reason = \"…\" }}`"
        ))
}

/// A switch-off naming a variable the schema does not declare switches nothing off: a typo
/// there would leave the variable it meant under the rule, or hide that the rule is off.
fn unknown_names(merged: &Merged, rules: &Deployed, schema: &Schema) -> Vec<Diagnostic> {
    let tier = &merged.env.tier;
    let mut found = Vec::new();
    for (rule, names) in &rules.allowed {
        for name in names
            .iter()
            .filter(|n| !schema.variables.contains(&n.value))
        {
            let d = Diagnostic::new(
                Code::UnknownVariable,
                format!(
                    "`[tiers.{tier}.allow] {rule}` names `{}`, which the schema does not declare",
                    name.value
                ),
            )
            .at(name.span)
            .label("not declared in the schema")
            .env(&merged.env.name);
            found.push(match schema.suggest(&name.value) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("name a variable the schema declares, or remove it"),
            });
        }
    }
    found
}

/// What the built-in rules ask of the variable `name` in `env`, in words, for `explain` and
/// `docs`: one item per rule that holds for it (none in a tier not deployed, or for a
/// secret, which the rules do not check).
pub fn describe(env: &crate::project::Environment, name: &str, secret: bool) -> Vec<String> {
    let Some(rules) = env.deployed.as_deref() else {
        return Vec::new();
    };
    if secret {
        return Vec::new();
    }
    [
        (LOOPBACK, "no loopback or unspecified host"),
        (PLAIN_HTTP, "http(s) URLs use https"),
    ]
    .into_iter()
    .map(|(rule, what)| {
        if rules.allows(rule, name) {
            format!("{rule}: switched off in cfgc.toml")
        } else {
            format!("{rule}: {what}")
        }
    })
    .collect()
}

/// The heading `explain` and `docs` give the built-in rules of `tier`.
pub fn heading(tier: &str) -> String {
    format!("built-in rules of deployed tiers, cfgc.toml [tiers.{tier}]")
}
