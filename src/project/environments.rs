//! `[environments.NAME]` tables resolved into `Environment`s: names, layers, recipients,
//! the secrets file and identity paths, each problem reported at its span.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::recipient::{Recipient, RecipientError};
use super::{Environment, Located, Resolver, layer_format, valid_name};
use crate::diagnostic::{Code, Diagnostic};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EnvironmentFile {
    tier: Spanned<String>,
    layers: Spanned<Vec<Spanned<String>>>,
    secrets: Option<Spanned<String>>,
    #[serde(default)]
    recipients: Vec<Spanned<String>>,
    identity: Option<Spanned<String>>,
    store: Option<Spanned<super::store::StoreFile>>,
}

/// The environments, in declared order; `tier_spans` gets where each one's tier is written.
pub(super) fn environments(
    r: &mut Resolver,
    raw: IndexMap<String, Spanned<EnvironmentFile>>,
    tier_spans: &mut Vec<std::ops::Range<usize>>,
) -> Vec<Environment> {
    raw.into_iter()
        .map(|(name, env)| environment(r, name, env, tier_spans))
        .collect()
}

fn environment(
    r: &mut Resolver,
    name: String,
    env: Spanned<EnvironmentFile>,
    tier_spans: &mut Vec<std::ops::Range<usize>>,
) -> Environment {
    let env_span = r.span(env.span());
    let env = env.into_inner();
    if !valid_name(&name) {
        r.errors.push(
            Diagnostic::new(Code::Project, format!("invalid environment name `{name}`"))
                .at(env_span)
                .help("use lowercase letters, digits, `-` and `_`, starting with a letter"),
        );
    }
    check_layers(r, &name, &env.layers);
    let recipients = recipients(r, &name, &env.recipients);
    let what = format!("a layer of `{name}`");
    let layers = env
        .layers
        .get_ref()
        .iter()
        .filter_map(|p| r.path(p, &what))
        .collect();
    let secrets = env
        .secrets
        .as_ref()
        .and_then(|p| r.path(p, &format!("the secrets file of `{name}`")));
    let identity = env
        .identity
        .as_ref()
        .and_then(|p| r.path(p, &format!("the identity of `{name}`")))
        .map(|l| l.value);
    let store = env
        .store
        .as_ref()
        .and_then(|s| super::store::store(r, &name, s, secrets.as_ref()));
    tier_spans.push(env.tier.span());
    Environment {
        tier: env.tier.get_ref().clone(),
        span: env_span,
        layers,
        layers_span: r.span(env.layers.span()),
        secrets,
        recipients,
        identity,
        store,
        name,
        deployed: None,
    }
}

/// An environment has at least one layer, each a file cfgc reads by its extension.
fn check_layers(r: &mut Resolver, name: &str, layers: &Spanned<Vec<Spanned<String>>>) {
    if layers.get_ref().is_empty() {
        r.errors.push(
            Diagnostic::new(Code::Project, format!("environment `{name}` has no layers"))
                .at(r.span(layers.span()))
                .help("list at least one YAML or TOML file in `layers`"),
        );
    }
    for layer in layers.get_ref() {
        if layer_format(std::path::Path::new(layer.get_ref())).is_none() {
            r.errors.push(
                Diagnostic::new(Code::Project, "a layer must be a .yaml, .yml or .toml file")
                    .at(r.span(layer.span()))
                    .label("unknown extension"),
            );
        }
    }
}

/// The environment's recipients, parsed once here; a private key pasted in their place is
/// redacted from every source line shown.
fn recipients(r: &mut Resolver, name: &str, raw: &[Spanned<String>]) -> Vec<Located<Recipient>> {
    let mut recipients = Vec::new();
    for recipient in raw {
        let at = r.span(recipient.span());
        match recipient.get_ref().parse::<Recipient>() {
            Ok(value) => recipients.push(Located { value, span: at }),
            Err(e) => {
                // A pasted private key must not be shown back in the source line.
                if matches!(e, RecipientError::SecretKey | RecipientError::PrivateKey) {
                    r.redactions.push(at);
                }
                r.errors.push(
                    Diagnostic::new(Code::Project, format!("invalid recipient for environment `{name}`: {e}"))
                        .at(at)
                        .label("not a recipient")
                        .help("list public keys: `age1…` (from `age-keygen -y KEYFILE`) or `ssh-ed25519 …` (a `.pub` file)"),
                );
            }
        }
    }
    recipients
}
