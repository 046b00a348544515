//! One environment's share of an import, decided and checked before anything is written:
//! where each value goes, which are already set as they are (no change), and what refuses.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::files::Read;
use super::summary::NewName;
use super::{Sorted, Target, already_set, layer_refusal, no_secrets_file, sort};
use crate::commands::secrets::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::Keyring;
use crate::project::Environment;
use crate::secrets::crypto::Plaintext;

/// One environment's share of the import, checked, before anything is written.
pub(super) struct Plan<'a> {
    pub(super) env: &'a Environment,
    pub(super) sorted: Sorted,
    pub(super) target: Target<'a>,
}

pub(super) fn plan<'a>(
    ctx: &'a Context,
    env: &'a Environment,
    read: &Read,
    new: &BTreeMap<String, NewName>,
    keyring: &Keyring,
    force: bool,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let Some(layer) = env.layers.last().map(|l| &l.value) else {
        return Err(vec![
            Diagnostic::new(
                Code::ImportNoLayer,
                format!(
                    "environment `{}` has no layer file to import into",
                    env.name
                ),
            )
            .at(env.layers_span)
            .help("list a layer file for it in cfgc.toml, e.g. `environments/NAME.yaml`"),
        ]);
    };
    let layer_id = ctx.loaded.layers.id(layer);
    let target = Target {
        layer,
        name: crate::source::display_name(&ctx.loaded.project.root, layer),
        text: ctx.sources.get(layer_id).text.clone(),
        map: ctx.loaded.layers.node(layer_id).as_map(),
    };
    let mut sorted = sort(ctx, &read.values, new);
    let current = ctx
        .parsed(env)
        .filter(|_| !sorted.secret.is_empty())
        .and_then(|p| ctx.try_open(env, p, keyring).ok())
        .map(|o| o.values)
        .unwrap_or_default();
    drop_unchanged(&mut sorted, &target, &current);
    let mut refused = Vec::new();
    if !sorted.plain.is_empty() {
        refused.extend(layer_refusal(ctx, env, &target));
    }
    if !force {
        refused.extend(already_set(ctx, env, &sorted, &target));
    }
    refused.extend(no_secrets_file(env, &sorted));
    if refused.is_empty() {
        Ok(Plan {
            env,
            sorted,
            target,
        })
    } else {
        Err(refused)
    }
}

/// Values already set exactly as imported are not changes (and need no `--force`).
fn drop_unchanged(sorted: &mut Sorted, target: &Target, current: &BTreeMap<String, Plaintext>) {
    sorted.plain.retain(|(name, value)| {
        let Some(entry) = target.map.and_then(|m| m.get(name)) else {
            return true;
        };
        let mut flat = Vec::new();
        crate::render::flatten::flatten(name, &entry.node.to_json(), &mut flat);
        flat != [(name.clone(), value.clone())]
    });
    sorted.secret.retain(|(name, value, _)| {
        current
            .get(name)
            .is_none_or(|old| old.expose_secret() != value.expose_secret())
    });
}
