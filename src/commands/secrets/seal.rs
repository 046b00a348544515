//! `cfgc secrets seal ENV [--show]`: a key holder reviews the values others set without a
//! key (names listed; values only with `--show`), checks them against the schema, and
//! folds them into the file under its data key and MAC, raising the generation.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::context::{self, Context};
use crate::cli::Config;
use crate::commands::{Outcome, out, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::Keyring;
use crate::project::Environment;
use crate::secrets::crypto::Plaintext;
use crate::secrets::file::{Change, Parsed, update};
use crate::secrets::pending::open;

pub fn run(config: &Config, environment: &str, show: bool) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, &[environment.to_string()], false)?;
    let env = ctx.env();
    ctx.secrets_path(env)?;
    let file_name = ctx.display_name(env);
    let Some(parsed) = ctx.parsed(env).filter(|p| !p.file.pending.is_empty()) else {
        say(
            config,
            &format!("nothing pending in {file_name} ({})\n", env.name),
        );
        return Ok(Outcome::OK);
    };
    // A pending name is held to the rules `set` applies: declared, and a secret.
    for name in parsed.file.pending.keys() {
        super::values::check_name(&ctx, env, name)?;
    }
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    // The file itself first: a tampered file is never re-signed.
    let opened = ctx.open(env, parsed, &keyring)?;
    let values = open_pending(&ctx, env, parsed, &keyring, &file_name)?;
    list_pending(config, env, &file_name, &values, &opened.values, show);
    let changed: Vec<(&str, &Plaintext)> = values.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let found = ctx.check_values(env, &opened.values, &changed);
    if !found.is_empty() {
        return Ok(ctx.emit(&found));
    }
    let changes: BTreeMap<String, Change> = values
        .into_iter()
        .map(|(k, v)| (k, Change::Set(v)))
        .collect();
    let count = changes.len();
    let mut next = update(&parsed.file, &opened.key, &opened.values, changes);
    // Pending values are outside the MAC: clearing them leaves it valid.
    next.pending.clear();
    ctx.write(env, &next)?;
    say(
        config,
        &format!(
            "sealed {count} {} into {file_name} ({}), generation {}\n",
            if count == 1 { "value" } else { "values" },
            env.name,
            next.generation
        ),
    );
    Ok(Outcome::OK)
}

/// Every pending value opened with the run's identities for `env`; each one that cannot
/// be is reported, at its line.
fn open_pending(
    ctx: &Context,
    env: &Environment,
    parsed: &Parsed,
    keyring: &Keyring,
    file_name: &str,
) -> Result<BTreeMap<String, Plaintext>, Outcome> {
    let identities = keyring
        .for_environment(env)
        .map_err(|e| ctx.emit(&e.into_diagnostics()))?;
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, text) in &parsed.file.pending {
        match open(&env.name, name, text, identities.iter()) {
            Ok(value) => {
                values.insert(name.clone(), value);
            }
            Err(e) => {
                let mut d = Diagnostic::new(Code::SealFailed,
                    format!("the pending value of `{name}` cannot be sealed: {}", e.describe()),
                )
                .key(name)
                .env(&env.name)
                .help(format!("remove it from `cfgc.pending` in {file_name} and ask for it to be set again with `cfgc secrets set {} {name}`", env.name));
                if let Some(at) = parsed.spans.pending.get(name) {
                    d = d.at(*at);
                }
                errors.push(d);
            }
        }
    }
    if !errors.is_empty() {
        return Err(ctx.emit(&errors));
    }
    Ok(values)
}

/// The review: each pending name, new or replacing a value (unless `-q`); with `show`,
/// the values themselves.
fn list_pending(
    config: &Config,
    env: &Environment,
    file_name: &str,
    values: &BTreeMap<String, Plaintext>,
    current: &BTreeMap<String, Plaintext>,
    show: bool,
) {
    let mut listing = format!(
        "pending in {file_name} ({}), set without a key and unauthenticated until sealed:\n",
        env.name
    );
    for name in values.keys() {
        let what = if current.contains_key(name) {
            "replaces the current value"
        } else {
            "new"
        };
        listing.push_str(&format!("  {name} ({what})\n"));
    }
    say(config, &listing);
    if show {
        for (name, value) in values {
            let mut line = zeroize::Zeroizing::new(format!("{name}="));
            line.push_str(value.expose_secret());
            line.push('\n');
            out(&line);
        }
    }
}
