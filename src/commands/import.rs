//! `cfgc import FILES...`: bootstrap environments from existing `.env` files, read as the
//! .env readers read them (`dotenv`, `refs`), every problem of every file reported in one
//! run. Names the schema lacks are added to it with a type inferred from all their values
//! (`summary`, `infer`). Plain values go into each environment's own layer (its last),
//! edited in place; secrets go encrypted into its secrets file. A different value already
//! set is not replaced without `--force`; an identical one is no change. No value is printed.

mod args;
mod dotenv;
mod files;
mod infer;
mod layer_edit;
mod plan;
mod refs;
mod schema_edit;
mod schema_edit_yaml;
mod source;
mod summary;
mod write;

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::env;
use super::secrets::context::Context;
use crate::cli::Config;
use crate::commands::{Outcome, err, say};
use crate::diagnostic::human::summary_line;
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::Keyring;
use crate::project::Environment;
use crate::secrets::crypto::Plaintext;
use summary::NewName;

/// Where each imported name goes.
#[derive(Default)]
struct Sorted {
    plain: Vec<(String, String)>,
    /// With why it is encrypted when the schema does not say it is a secret.
    secret: Vec<(String, Plaintext, Option<&'static str>)>,
}

pub fn run(config: &Config, args: &[String], force: bool) -> Outcome {
    match import(config, args, force) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn import(config: &Config, args: &[String], force: bool) -> Result<Outcome, Outcome> {
    let plain_fatal = |ds: &[Diagnostic]| {
        crate::commands::emit(ds, &crate::source::SourceMap::default(), config.color_err)
    };
    let pairs = args::resolve(args).map_err(|ds| plain_fatal(&ds))?;
    let names: Vec<String> = pairs.iter().map(|(e, _)| e.clone()).collect();
    let gathered = files::gather(pairs);
    let mut errors = gathered.errors;
    if errors.is_empty() {
        let mut sources = crate::source::SourceMap::default();
        if let Err(found) = declare_missing(config, &names, &mut sources) {
            return Err(refuse(config, &gathered.warnings, &found, &sources));
        }
    }
    let mut sources = crate::source::SourceMap::default();
    let loaded = match crate::pipeline::load_for_secrets(config, &names, true, &mut sources) {
        Ok(loaded) => loaded,
        Err(found) => {
            errors.extend(found.into_iter().map(declare_hint));
            return Err(refuse(config, &gathered.warnings, &errors, &sources));
        }
    };
    let ctx = Context {
        sources,
        loaded,
        color: config.color_err,
    };
    // The write rule every writer obeys, before any value is decrypted or compared.
    errors.extend(ctx.write_refusals());
    let new = summary::new_names(&ctx.loaded, &gathered.files);
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let mut plans = Vec::new();
    for read in &gathered.files {
        let env = environment(&ctx, &read.env);
        match plan::plan(&ctx, env, read, &new, &keyring, force) {
            Ok(p) => plans.push(p),
            Err(found) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(refuse(config, &gathered.warnings, &errors, &ctx.sources));
    }
    show_warnings(&ctx, &gathered.warnings);
    say(config, &summary::table(&ctx.loaded, &gathered.files, &new));
    if plans
        .iter()
        .all(|p| p.sorted.plain.is_empty() && p.sorted.secret.is_empty())
    {
        say(
            config,
            "import: nothing to import (every value is already set as it is)\n",
        );
        return Ok(Outcome::OK);
    }
    write::write(config, &ctx, &plans, &new)?;
    for p in &plans {
        report(config, &ctx, p.env, &p.sorted, &p.target.name);
    }
    say(
        config,
        if new.is_empty() {
            "next: `cfgc check` validates the imported values\n"
        } else {
            "next: review the names marked (new), added to the schema, then `cfgc check`\n"
        },
    );
    Ok(Outcome::OK)
}

/// An environment `load` selected; it reported every name it does not know.
fn environment<'a>(ctx: &'a Context, name: &str) -> &'a Environment {
    ctx.loaded
        .environments()
        .find(|e| e.name == name)
        .expect("load selected every named environment")
}

/// The environments the files are for that cfgc.toml does not declare yet, declared as
/// `cfgc env add` declares them (layer, secrets file, a key outside the project), and said
/// so. It runs only once every file has been read without a problem, so an import refused
/// for its files declares nothing.
fn declare_missing(
    config: &Config,
    names: &[String],
    sources: &mut crate::source::SourceMap,
) -> Result<(), Vec<Diagnostic>> {
    let file = crate::project::locate(config.project.as_deref()).map_err(|d| vec![d])?;
    let project = crate::project::load(&file, sources)?;
    let mut missing: Vec<&String> = names
        .iter()
        .filter(|n| project.environment(n).is_none())
        .collect();
    missing.sort();
    missing.dedup();
    for name in missing {
        let tier = env::add::tier_for(config, name, sources)?;
        let request = env::add::Request {
            name,
            tier: &tier,
            from: None,
            recipients: &[],
        };
        let said = env::add::add(config, &request, sources)?;
        say(
            config,
            &format!(
                "import: `{name}` is not declared in cfgc.toml; declaring it as `cfgc env add {name} --tier {tier}` would:\n{said}"
            ),
        );
    }
    Ok(())
}

fn declare_hint(d: Diagnostic) -> Diagnostic {
    if d.code != Code::UnknownEnvironment {
        return d;
    }
    d.note("import declares a missing environment once every file reads without a problem; or declare it first with `cfgc env add NAME --tier TIER`")
}

/// Every problem of the run on stderr (exit 2): nothing was imported.
fn refuse(
    config: &Config,
    warnings: &[Diagnostic],
    errors: &[Diagnostic],
    sources: &crate::source::SourceMap,
) -> Outcome {
    let mut all = warnings.to_vec();
    all.extend_from_slice(errors);
    let exit = crate::commands::emit(&all, sources, config.color_err);
    err(&summary_line(&format!(
        "{} problem(s); nothing was imported",
        errors.len()
    )));
    exit
}

fn show_warnings(ctx: &Context, warnings: &[Diagnostic]) {
    if !warnings.is_empty() {
        err(&crate::diagnostic::human::render(
            warnings,
            &ctx.sources,
            &[],
            ctx.color,
        ));
    }
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
            Diagnostic::new(Code::ImportSharedLayer,
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
            Diagnostic::new(
                Code::ImportLayerFormat,
                format!("`{layer_name}` is not a YAML file; import edits YAML layers only"),
            )
            .help("add the values by hand, or make the environment's last layer a .yaml file"),
        );
    }
    (!layer_edit::appendable(&target.text)).then(|| {
        Diagnostic::new(Code::ImportLayerFormat,
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
        Diagnostic::new(Code::NoSecretsFile,
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

/// Each name's destination: secret (by the schema, by what import adds to it, or by its
/// look), or plain.
fn sort(ctx: &Context, values: &[(String, Plaintext)], new: &BTreeMap<String, NewName>) -> Sorted {
    let schema = &ctx.loaded.schema;
    let mut sorted = Sorted::default();
    for (name, value) in values {
        let secret = Plaintext::from(value.expose_secret().to_string());
        if let Some(added) = new.get(name) {
            if added.secret {
                sorted.secret.push((name.clone(), secret, None));
            } else {
                sorted
                    .plain
                    .push((name.clone(), value.expose_secret().to_string()));
            }
        } else if schema.secrets.contains(name) {
            sorted.secret.push((name.clone(), secret, None));
        } else if let Some(why) = (!schema.unscanned.contains(name))
            .then(|| crate::validate::credentials::scan(value.expose_secret()))
            .flatten()
        {
            sorted.secret.push((name.clone(), secret, Some(why)));
        } else {
            sorted
                .plain
                .push((name.clone(), value.expose_secret().to_string()));
        }
    }
    sorted
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
            let d = Diagnostic::new(Code::ImportCredential,
                format!("`{name}` was encrypted because {why}, but the schema does not mark it secret"),
            )
            .help(format!("add `\"x-secret\": true` to `{name}` in the schema (`cfgc check` reports it until then)"));
            err(&crate::diagnostic::human::render(
                &[d],
                &ctx.sources,
                &[],
                ctx.color,
            ));
        }
    }
}

fn exists(name: &str, file: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ImportExists,
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
