//! The project's tiers: declared in `[project] tiers`, so that a typo (`tier = "deploy"`)
//! is an error instead of silently turning off every rule and policy for `deployed`. A
//! policy or schema rule that names a tier no environment has is an error too: it would
//! never apply.

use toml::Spanned;

use super::{Environment, Policy, Resolver};
use crate::diagnostic::{Code, Diagnostic};

/// Every environment's tier is declared (when `tiers` is given), and every declared tier is
/// spelled once.
pub(super) fn check_environments(
    r: &mut Resolver,
    declared: Option<&Spanned<Vec<Spanned<String>>>>,
    environments: &[Environment],
    tier_spans: &[std::ops::Range<usize>],
) {
    let Some(declared) = declared else {
        return;
    };
    let names: Vec<&str> = declared
        .get_ref()
        .iter()
        .map(|t| t.get_ref().as_str())
        .collect();
    if names.is_empty() {
        let at = r.span(declared.span());
        r.errors.push(
            Diagnostic::new(Code::Project, "`tiers` declares no tier")
                .at(at)
                .help("list the tiers environments use, e.g. `tiers = [\"local\", \"deployed\"]`"),
        );
    }
    for (env, span) in environments.iter().zip(tier_spans) {
        if names.contains(&env.tier.as_str()) {
            continue;
        }
        let at = r.span(span.clone());
        let mut d = Diagnostic::new(
            Code::UndeclaredTier,
            format!(
                "environment `{}` has the tier `{}`, which `[project] tiers` does not declare",
                env.name, env.tier
            ),
        )
        .at(at)
        .label("not a declared tier");
        d = match closest(&env.tier, names.iter().copied()) {
            Some(s) => d.help(format!(
                "did you mean `{s}`? (declared: {})",
                names.join(", ")
            )),
            None => d.help(format!(
                "use one of {}, or add it to `tiers`",
                names.join(", ")
            )),
        };
        r.errors.push(d);
    }
}

/// Every tier a policy names is some environment's. `text` is cfgc.toml's, to point at the
/// tier (policies are read without spans): its first quoted spelling after the policy's name.
pub(super) fn check_policies(
    r: &mut Resolver,
    text: &str,
    policies: &[Policy],
    environments: &[Environment],
) {
    for policy in policies {
        for tier in &policy.tiers {
            if let Some(d) = unused(tier, environments, &format!("policy `{}`", policy.name)) {
                let named = text.find(&format!("\"{}\"", policy.name)).unwrap_or(0);
                let quoted = format!("\"{tier}\"");
                let d = match text[named..].find(&quoted) {
                    Some(i) => d
                        .at(r.span(named + i..named + i + quoted.len()))
                        .label("no environment has this tier"),
                    None => d,
                };
                r.errors.push(d);
            }
        }
    }
}

/// The error for `tier`, named by `what`, when no environment has it.
pub fn unused(tier: &str, environments: &[Environment], what: &str) -> Option<Diagnostic> {
    if environments.iter().any(|e| e.tier == tier) {
        return None;
    }
    let mut have: Vec<&str> = environments.iter().map(|e| e.tier.as_str()).collect();
    have.sort_unstable();
    have.dedup();
    let d = Diagnostic::new(
        Code::UnknownTier,
        format!("{what} names the tier `{tier}`, which no environment has: it would never apply"),
    );
    Some(match closest(tier, have.iter().copied()) {
        Some(s) => d.help(format!(
            "did you mean `{s}`? (environments' tiers: {})",
            have.join(", ")
        )),
        None => d.help(format!("environments' tiers: {}", have.join(", "))),
    })
}

fn closest<'a>(name: &str, among: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    among
        .map(|c| (strsim::jaro_winkler(c, name), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
