//! Putting an import in place: the schema (when names are added), then each environment's
//! secrets file and layer, all staged first and committed together under the project lock,
//! once nothing they were computed from has changed meanwhile.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::plan::Plan;
use super::summary::NewName;
use super::{layer_edit, schema_edit, schema_edit_yaml};
use crate::cli::Config;
use crate::commands::Outcome;
use crate::commands::secrets::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{FsError, Purpose, Role, Staged};
use crate::pipeline::Keyring;
use crate::secrets::crypto::Plaintext;
use crate::secrets::file::{Change, update};

pub(super) fn write(
    config: &Config,
    ctx: &Context,
    plans: &[Plan],
    new: &BTreeMap<String, NewName>,
) -> Result<(), Outcome> {
    let io = |e: FsError| ctx.emit(&[e.diagnostic().note("nothing was imported")]);
    let mut staged = Vec::new();
    let mut as_read = Vec::new();
    if !new.is_empty() {
        let (file, text) = stage_schema(ctx, new)?;
        staged.push(file);
        as_read.push((
            ctx.loaded.project.schema.value.rel.clone(),
            Role::Schema,
            text,
        ));
    }
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    for p in plans {
        if !p.sorted.secret.is_empty() {
            staged.push(stage_secrets(ctx, p, new, &keyring)?);
        }
        if !p.sorted.plain.is_empty() {
            staged.push(stage_layer(ctx, p, new).map_err(io)?);
            as_read.push((
                p.target.layer.rel.clone(),
                Role::Layer,
                p.target.text.clone(),
            ));
        }
    }
    let _lock = ctx.lock()?;
    for p in plans.iter().filter(|p| !p.sorted.secret.is_empty()) {
        ctx.still_as_read(p.env)?;
    }
    for (rel, role, text) in &as_read {
        let now = ctx.fs().read_if_exists(rel, *role).map_err(io)?;
        if now.as_deref() != Some(text.as_bytes()) {
            return Err(ctx.emit(&[Diagnostic::new(
                Code::LayerChanged,
                format!("{rel} changed while cfgc was working on it: nothing was imported"),
            )]));
        }
    }
    for file in staged {
        file.commit().map_err(io)?;
    }
    Ok(())
}

/// The schema with every new name added at the end of its `properties`, in its own style.
fn stage_schema(
    ctx: &Context,
    new: &BTreeMap<String, NewName>,
) -> Result<(Staged, String), Outcome> {
    let io = |e: FsError| ctx.emit(&[e.diagnostic().note("nothing was imported")]);
    let rel = &ctx.loaded.project.schema.value.rel;
    let bytes = ctx.fs().read_if_exists(rel, Role::Schema).map_err(io)?;
    let text = bytes
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let properties: Vec<(String, Vec<(&str, &str)>)> = new
        .iter()
        .map(|(name, n)| (name.clone(), n.kind.property(n.secret)))
        .collect();
    let yaml = crate::schema::yaml_text::is_yaml(rel.as_str());
    let added = match yaml {
        true => schema_edit_yaml::add(&text, &properties),
        false => schema_edit::add(&text, &properties),
    };
    let Some(next) = added else {
        let (what, fix) = match yaml {
            true => (
                "`properties:` block mapping",
                "a `properties:` block mapping with one property",
            ),
            false => ("`\"properties\": {…}` object", "`\"properties\": {}`"),
        };
        return Err(ctx.emit(&[Diagnostic::new(
            Code::ImportSchemaFormat,
            format!("{rel} has no top-level {what} to add the new names to"),
        )
        .help(format!(
            "add {fix} to the schema's top-level map, then import again"
        ))]));
    };
    let staged = ctx
        .fs()
        .stage(rel, next.as_bytes(), 0o644, Purpose::Schema)
        .map_err(io)?;
    Ok((staged, text))
}

fn stage_secrets(
    ctx: &Context,
    p: &Plan,
    new: &BTreeMap<String, NewName>,
    keyring: &Keyring,
) -> Result<Staged, Outcome> {
    let (file, key, current) = ctx.open_or_create(p.env, keyring)?;
    // Names added to the schema by this run are typed from these very values.
    let changed: Vec<(&str, &Plaintext)> = p
        .sorted
        .secret
        .iter()
        .filter(|(n, _, _)| !new.contains_key(n))
        .map(|(n, v, _)| (n.as_str(), v))
        .collect();
    let found = ctx.check_values(p.env, &current, &changed);
    if !found.is_empty() {
        return Err(ctx.emit(&found));
    }
    let changes = p
        .sorted
        .secret
        .iter()
        .map(|(n, v, _)| {
            (
                n.clone(),
                Change::Set(Plaintext::from(v.expose_secret().to_string())),
            )
        })
        .collect();
    let next = update(&file, &key, &current, changes);
    ctx.stage(p.env, &next)
        .map_err(|e| ctx.emit(&[e.diagnostic().note("nothing was imported")]))
}

fn stage_layer(
    ctx: &Context,
    p: &Plan,
    new: &BTreeMap<String, NewName>,
) -> Result<Staged, FsError> {
    let properties = ctx.loaded.schema.json.get("properties");
    let lines: Vec<String> = p
        .sorted
        .plain
        .iter()
        .map(|(n, v)| {
            let added = new.get(n).map(NewName::json);
            let declared = properties.and_then(|props| props.get(n)).cloned();
            layer_edit::line(n, v, added.or(declared).as_ref())
        })
        .collect();
    let replace: Vec<&str> = p.sorted.plain.iter().map(|(n, _)| n.as_str()).collect();
    let text = layer_edit::edit(&p.target.text, p.target.map, &replace, &lines);
    ctx.fs()
        .stage(&p.target.layer.rel, text.as_bytes(), 0o644, Purpose::Layer)
}
