//! `cfgc import ENV FILE`: bootstrap an environment from an existing `.env` (read by the
//! dotenv room's reader). Plain values go into the environment's own layer (its last),
//! edited in place; values the schema marks secret, and values that look like credentials,
//! go encrypted into its secrets file. Names the schema does not declare are reported and
//! not imported. Nothing is overwritten without `--force`, and no value is ever printed.

mod layer_edit;
mod source;

use std::collections::BTreeMap;
use std::path::Path;

use secrecy::ExposeSecret;

use super::secrets::context::{self, Context};
use super::secrets::values::check_values;
use crate::cli::Config;
use crate::commands::{Exit, err, say};
use crate::diagnostic::Diagnostic;
use crate::pipeline::Keyring;
use crate::project::Environment;
use crate::render::format::dotenv::parse_dotenv;
use crate::secrets::crypto::Plaintext;
use crate::secrets::file::{Change, update};

/// Where each imported name goes.
#[derive(Default)]
struct Sorted {
    plain: Vec<(String, String)>,
    /// With why it is encrypted when the schema does not say it is a secret.
    secret: Vec<(String, Plaintext, Option<&'static str>)>,
    unknown: Vec<String>,
}

pub fn run(config: &Config, environment: &str, file: &Path, force: bool) -> Exit {
    match import(config, environment, file, force) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn import(config: &Config, environment: &str, file: &Path, force: bool) -> Result<Exit, Exit> {
    let ctx = context::load_to_write(config, &[environment.to_string()], true)?;
    let env = ctx.env();
    let text = source::read(file).map_err(|d| ctx.fatal(&[d]))?;
    let entries = parse_dotenv(&text).map_err(|e| {
        ctx.fatal(&[Diagnostic::error(
            "import-syntax",
            format!("{}:{}:1: {}", file.display(), e.line, e.reason),
        )
        .help("import reads `KEY=value` lines, `# comments`, and values plain or in single quotes; fix that line (its text is not shown: it may hold a secret)")])
    })?;
    let sorted = sort(&ctx, entries);
    let Some(layer) = env.layers.last().map(|l| &l.value) else {
        return Err(ctx.fatal(&[Diagnostic::error(
            "import-no-layer",
            format!(
                "environment `{}` has no layer file to import into",
                env.name
            ),
        )
        .at(env.layers_span)
        .help("list a layer file for it in cfgc.toml, e.g. `environments/NAME.yaml`")]));
    };
    let layer_id = ctx.loaded.layers.id(layer);
    let target = Target {
        layer,
        name: crate::source::display_name(&ctx.loaded.project.root, layer),
        text: ctx.sources.get(layer_id).text.clone(),
        map: ctx.loaded.layers.node(layer_id).as_map(),
    };
    let mut refused = Vec::new();
    if !sorted.plain.is_empty() {
        refused.extend(layer_refusal(&ctx, env, &target));
        // The write rule every writer obeys: the layer is no other input too.
        let writable = ctx
            .fs()
            .check_writable(&layer.rel, crate::fs::Purpose::Layer);
        refused.extend(writable.err().map(|e| e.diagnostic()));
    }
    if !force {
        refused.extend(already_set(&ctx, env, &sorted, &target));
    }
    refused.extend(no_secrets_file(env, &sorted));
    if !refused.is_empty() {
        let exit = ctx.fatal(&refused);
        err(&format!(
            "error: {} problem(s); nothing was imported\n",
            refused.len()
        ));
        return Err(exit);
    }
    warn_unknown(&ctx, &sorted.unknown, file);
    if sorted.plain.is_empty() && sorted.secret.is_empty() {
        say(config, "import: nothing to import\n");
        return Ok(Exit::Ok);
    }
    write(config, &ctx, env, &sorted, &target)?;
    report(config, &ctx, env, &sorted, &target.name);
    Ok(Exit::Ok)
}

/// The layer plain values go to: the environment's last, as read.
struct Target<'a> {
    layer: &'a crate::project::ProjectPath,
    /// As shown to the user.
    name: String,
    text: String,
    map: Option<&'a crate::node::Map>,
}

/// Why plain values cannot go into the layer: shared with other environments, not YAML,
/// or a flow map that lines cannot be appended to.
fn layer_refusal(ctx: &Context, env: &Environment, target: &Target) -> Option<Diagnostic> {
    let layer_name = &target.name;
    let sharing: Vec<&str> = ctx
        .loaded
        .project
        .environments
        .iter()
        .filter(|other| other.name != env.name)
        .filter(|other| other.layers.iter().any(|l| l.value.abs == target.layer.abs))
        .map(|other| other.name.as_str())
        .collect();
    if !sharing.is_empty() {
        return Some(
            Diagnostic::error(
                "import-shared-layer",
                format!(
                    "`{layer_name}`, {}'s last layer, is shared with {}: importing there would change them too",
                    env.name,
                    sharing.join(", ")
                ),
            )
            .at(env.layers_span)
            .help(format!(
                "give `{}` a layer of its own last (e.g. `environments/{}.yaml`), then import again",
                env.name, env.name
            )),
        );
    }
    if !is_yaml(target.layer) {
        return Some(
            Diagnostic::error(
                "import-layer-format",
                format!("`{layer_name}` is not a YAML file; import edits YAML layers only"),
            )
            .help("add the values by hand, or make the environment's last layer a .yaml file"),
        );
    }
    (!layer_edit::appendable(&target.text)).then(|| {
        Diagnostic::error(
            "import-layer-format",
            format!("`{layer_name}` is a flow map (`{{…}}`); import appends `NAME: value` lines to a block map"),
        )
        .help("rewrite it as one `NAME: value` per line, then import again")
    })
}

/// Names the layer or the secrets file already holds (refused without `--force`).
fn already_set(
    ctx: &Context,
    env: &Environment,
    sorted: &Sorted,
    target: &Target,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (name, _) in &sorted.plain {
        if let Some(entry) = target.map.and_then(|m| m.get(name)) {
            found.push(
                exists(name, &target.name)
                    .at(entry.key_span)
                    .label("set here"),
            );
        }
    }
    let secrets: Vec<&str> = ctx
        .parsed(env)
        .map(|p| p.file.values.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for (name, _, _) in &sorted.secret {
        if secrets.contains(&name.as_str()) {
            found.push(exists(name, &ctx.display_name(env)));
        }
    }
    found
}

/// Secrets to import into an environment that declares no secrets file.
fn no_secrets_file(env: &Environment, sorted: &Sorted) -> Option<Diagnostic> {
    if sorted.secret.is_empty() || env.secrets.is_some() {
        return None;
    }
    let names: Vec<&str> = sorted.secret.iter().map(|s| s.0.as_str()).collect();
    Some(
        Diagnostic::error(
            "no-secrets-file",
            format!(
                "environment `{}` declares no secrets file for {}",
                env.name,
                names.join(", ")
            ),
        )
        .at(env.span)
        .help(format!(
            "add `secrets = \"environments/{}.secrets.yaml\"` and its `recipients` to this table in cfgc.toml",
            env.name
        )),
    )
}

/// Each entry's destination: unknown to the schema, secret (by the schema or by its
/// look), or plain. A name given twice keeps its last value, as dotenv readers do.
fn sort(ctx: &Context, entries: Vec<(String, String)>) -> Sorted {
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let mut order = Vec::new();
    for (name, value) in entries {
        if last.insert(name.clone(), value).is_none() {
            order.push(name);
        }
    }
    let schema = &ctx.loaded.schema;
    let mut sorted = Sorted::default();
    for name in order {
        let value = last.remove(&name).expect("every name was inserted");
        if !schema.variables.contains(&name) {
            sorted.unknown.push(name);
        } else if schema.secrets.contains(&name) {
            sorted.secret.push((name, Plaintext::from(value), None));
        } else if let Some(why) = (!schema.unscanned.contains(&name))
            .then(|| crate::validate::credentials::scan(&value))
            .flatten()
        {
            sorted
                .secret
                .push((name, Plaintext::from(value), Some(why)));
        } else {
            sorted.plain.push((name, value));
        }
    }
    sorted
}

/// Stages the secrets file and the layer, then puts both in place under the project lock.
fn write(
    config: &Config,
    ctx: &Context,
    env: &Environment,
    sorted: &Sorted,
    target: &Target,
) -> Result<(), Exit> {
    let (layer, layer_text) = (target.layer, target.text.as_str());
    let io = |e: crate::fs::FsError| ctx.fatal(&[e.diagnostic().note("nothing was imported")]);
    let mut staged = Vec::new();
    if !sorted.secret.is_empty() {
        let keyring = Keyring::from_sources(config.identity_sources.clone());
        let (file, key, current) = ctx.open_or_create(env, &keyring)?;
        let changed: Vec<(&str, &Plaintext)> = sorted
            .secret
            .iter()
            .map(|(n, v, _)| (n.as_str(), v))
            .collect();
        let found = check_values(ctx, env, &current, &changed);
        if !found.is_empty() {
            return Err(ctx.findings(&found));
        }
        let changes = sorted
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
        staged.push(ctx.stage(env, &next).map_err(io)?);
    }
    if !sorted.plain.is_empty() {
        let properties = ctx.loaded.schema.json.get("properties");
        let lines: Vec<String> = sorted
            .plain
            .iter()
            .map(|(n, v)| layer_edit::line(n, v, properties.and_then(|p| p.get(n))))
            .collect();
        let replace: Vec<&str> = sorted.plain.iter().map(|(n, _)| n.as_str()).collect();
        let text = layer_edit::edit(layer_text, target.map, &replace, &lines);
        staged.push(
            ctx.fs()
                .stage(
                    &layer.rel,
                    text.as_bytes(),
                    0o644,
                    crate::fs::Purpose::Layer,
                )
                .map_err(io)?,
        );
    }
    let _lock = ctx.lock()?;
    if !sorted.secret.is_empty() {
        ctx.still_as_read(env)?;
    }
    let now = ctx
        .fs()
        .read_if_exists(&layer.rel, crate::fs::Role::Layer)
        .map_err(io)?;
    if !sorted.plain.is_empty() && now.as_deref() != Some(layer_text.as_bytes()) {
        return Err(ctx.fatal(&[Diagnostic::error(
            "layer-changed",
            "the layer changed while cfgc was working on it: nothing was imported",
        )]));
    }
    for file in staged {
        file.commit().map_err(io)?;
    }
    Ok(())
}

/// What went where, by name only.
fn report(config: &Config, ctx: &Context, env: &Environment, sorted: &Sorted, layer_name: &str) {
    let names = |list: Vec<&str>| list.join(", ");
    if !sorted.plain.is_empty() {
        say(
            config,
            &format!(
                "imported {} plain value(s) into {layer_name}: {}\n",
                sorted.plain.len(),
                names(sorted.plain.iter().map(|p| p.0.as_str()).collect())
            ),
        );
    }
    if !sorted.secret.is_empty() {
        say(
            config,
            &format!(
                "imported {} secret(s) into {}, encrypted: {}\n",
                sorted.secret.len(),
                ctx.display_name(env),
                names(sorted.secret.iter().map(|s| s.0.as_str()).collect())
            ),
        );
    }
    for (name, _, why) in &sorted.secret {
        if let Some(why) = why {
            let d = Diagnostic::warning(
                "import-credential",
                format!("`{name}` was encrypted because {why}, but the schema does not mark it secret"),
            )
            .help(format!("add `\"x-secret\": true` to `{name}` in the schema (`cfgc check` reports it until then)"));
            err(&crate::report::human::render(
                &[d],
                &ctx.sources,
                &[],
                ctx.color,
            ));
        }
    }
    say(config, "next: `cfgc check` validates the imported values\n");
}

fn warn_unknown(ctx: &Context, unknown: &[String], file: &Path) {
    if unknown.is_empty() {
        return;
    }
    let d = Diagnostic::warning(
        "import-unknown",
        format!(
            "{} name(s) in {} are not in the schema and were not imported: {}",
            unknown.len(),
            file.display(),
            unknown.join(", ")
        ),
    )
    .help("declare them in the schema (with `\"x-secret\": true` for secrets) and import again, or leave them out");
    err(&crate::report::human::render(
        &[d],
        &ctx.sources,
        &[],
        ctx.color,
    ));
}

fn exists(name: &str, file: &str) -> Diagnostic {
    Diagnostic::error(
        "import-exists",
        format!("`{name}` is already set in {file}"),
    )
    .help("pass `--force` to replace it (its old value is not shown), or remove it from the .env")
}

fn is_yaml(path: &crate::project::ProjectPath) -> bool {
    matches!(
        path.abs.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}
