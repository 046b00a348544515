//! `cfgc secrets set|get|rm ENV NAME`: one value at a time. The file is verified in full
//! before it is changed, so a tampered file is never re-signed by accident.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::context::{self, Context};
use super::input::read_value;
use crate::cli::Config;
use crate::commands::{Outcome, out, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Keyring, Opened};
use crate::project::Environment;
use crate::secrets::crypto::Plaintext;
use crate::secrets::file::{Change, META_KEY, Parsed, update};

pub fn set(config: &Config, environment: &str, name: &str) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, &[environment.to_string()], true)?;
    let env = ctx.env();
    ctx.secrets_path(env)?;
    check_name(&ctx, env, name)?;
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    // Without a key for an existing file, the value can still be contributed, as pending.
    if let Some(parsed) = ctx.parsed(env)
        && crate::pipeline::open_secrets_if_held(env, parsed, &keyring, &ctx.sources)
            .map_err(|ds| ctx.emit(&ds))?
            .is_none()
    {
        let value = read(&ctx, env, name)?;
        warn_unplaceable(&ctx, env, name, &value);
        return super::pending::set(config, &ctx, env, parsed, name, value);
    }
    // Open (and verify) before asking for the value: a wrong key fails fast.
    let (file, key, current) = ctx.open_or_create(env, &keyring)?;
    let value = read(&ctx, env, name)?;
    let found = ctx.check_values(env, &current, &[(name, &value)]);
    if !found.is_empty() {
        return Ok(ctx.emit(&found));
    }
    warn_unplaceable(&ctx, env, name, &value);
    if current
        .get(name)
        .is_some_and(|old| old.expose_secret() == value.expose_secret())
        && ctx.parsed(env).is_some()
    {
        say(
            config,
            &format!("`{name}` in {} is unchanged\n", ctx.display_name(env)),
        );
        return Ok(Outcome::OK);
    }
    let existed = current.contains_key(name);
    let changes = BTreeMap::from([(name.to_string(), Change::Set(value))]);
    let next = update(&file, &key, &current, changes);
    ctx.write(env, &next)?;
    say(
        config,
        &format!(
            "{} `{name}` in {} ({})\n",
            if existed { "updated" } else { "added" },
            ctx.display_name(env),
            env.name
        ),
    );
    say(config, &ctx.recipients_note(env));
    Ok(Outcome::OK)
}

/// Warnings, on stderr, for the outputs that use `name` and cannot hold `value`: the value
/// is stored all the same (it may be meant for a format not declared yet), but the user
/// hears now, not at the next `plan`, and which format would take it.
fn warn_unplaceable(ctx: &Context, env: &Environment, name: &str, value: &Plaintext) {
    let (sources, found) =
        crate::pipeline::unplaceable(&ctx.loaded, env, name, value.expose_secret());
    if !found.is_empty() {
        crate::commands::err(&crate::diagnostic::human::render(
            &found,
            &sources,
            &[],
            ctx.color,
        ));
    }
}

/// The value to store, from stdin or a hidden prompt.
fn read(ctx: &Context, env: &Environment, name: &str) -> Result<Plaintext, Outcome> {
    read_value(&format!("Value for {name} in {} (input hidden): ", env.name))
        .map_err(|e| ctx.emit(&[Diagnostic::new(Code::Input, e.message()).help(format!(
            "pipe the value in: `printf %s \"$VALUE\" | cfgc secrets set {} {name}`, or run on a terminal to be prompted",
            env.name
        ))]))
}

/// The environment's secrets file, verified and opened, once it is known
/// to hold `name`.
fn open_holding<'c>(
    ctx: &'c Context,
    config: &Config,
    name: &str,
) -> Result<(&'c Parsed, Opened), Outcome> {
    let env = ctx.env();
    ctx.secrets_path(env)?;
    let Some(parsed) = ctx.parsed(env) else {
        return Err(ctx.no_such_secret(env, name, &BTreeMap::<String, ()>::new()));
    };
    if !parsed.file.values.contains_key(name) {
        return Err(ctx.no_such_secret(env, name, &parsed.file.values));
    }
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let opened = ctx.open(env, parsed, &keyring)?;
    Ok((parsed, opened))
}

pub fn get(config: &Config, environment: &str, name: &str) -> Result<Outcome, Outcome> {
    let ctx = context::load(config, &[environment.to_string()], false)?;
    let (_, opened) = open_holding(&ctx, config, name)?;
    let value = &opened.values[name];
    let mut text = zeroize::Zeroizing::new(String::with_capacity(value.expose_secret().len() + 1));
    text.push_str(value.expose_secret());
    text.push('\n');
    out(&text);
    Ok(Outcome::OK)
}

pub fn rm(config: &Config, environment: &str, name: &str) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, &[environment.to_string()], false)?;
    let env = ctx.env();
    let (parsed, opened) = open_holding(&ctx, config, name)?;
    let changes = BTreeMap::from([(name.to_string(), Change::Remove)]);
    let next = update(&parsed.file, &opened.key, &opened.values, changes);
    ctx.write(env, &next)?;
    say(
        config,
        &format!(
            "removed `{name}` from {} ({})\n",
            ctx.display_name(env),
            env.name
        ),
    );
    say(config, &ctx.recipients_note(env));
    if crate::pipeline::required_secrets(&ctx.loaded, env).contains(name) {
        say(
            config,
            &format!(
                "note: the schema requires `{name}` in {}; `cfgc check` reports it missing until it is set again\n",
                env.name
            ),
        );
    }
    Ok(Outcome::OK)
}

/// A name `set` or `edit` may store: declared in the schema and marked secret.
pub fn check_name(ctx: &Context, env: &Environment, name: &str) -> Result<(), Outcome> {
    match name_problem(ctx, env, name) {
        None => Ok(()),
        Some(d) => Err(ctx.emit(&[d])),
    }
}

/// Why `name` cannot be stored in the environment's secrets file, if it cannot.
pub fn name_problem(ctx: &Context, env: &Environment, name: &str) -> Option<Diagnostic> {
    let schema = &ctx.loaded.schema;
    if name == META_KEY {
        return Some(Diagnostic::new(
            Code::ReservedName,
            format!("`{META_KEY}` is reserved for the secrets file's metadata"),
        ));
    }
    let d = if !schema.variables.contains(name) {
        let d = Diagnostic::new(Code::UnknownSecret, format!("unknown secret `{name}`"))
            .key(name)
            .env(&env.name);
        match schema.suggest(name) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!(
                "declare `{name}` under `properties` in the schema, with `\"x-secret\": true`"
            )),
        }
    } else if !schema.secrets.contains(name) {
        Diagnostic::new(
            Code::SecretNotDeclaredSecret,
            format!("the schema does not mark `{name}` secret"),
        )
        .key(name)
        .env(&env.name)
        .help(format!(
            "set `{name}` in a layer, or add `\"x-secret\": true` to it in the schema"
        ))
    } else if !crate::secrets::file::is_secret_name(name) {
        // Secrets files hold variable names only (`secrets::file::names`): anything else
        // would be written here and refused by every later read.
        Diagnostic::new(
            Code::SchemaSecretName,
            format!(
                "`{}` cannot be a secret's name: a secret's name is a variable name",
                crate::secrets::file::shown::field(name)
            ),
        )
        .key(name)
        .env(&env.name)
        .help("rename it in the schema to a letter or `_`, then letters, digits or `_`")
    } else {
        return None;
    };
    Some(d)
}
