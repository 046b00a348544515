//! `cfgc secrets rekey [ENV...]`: brings secrets files to the recipients in cfgc.toml.
//! Every file is opened, re-encrypted and staged first; only when all of that worked are
//! they renamed into place, so a missing key for one leaves all of them as they were.

use super::context::{self, Context};
use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Staged;
use crate::pipeline::Keyring;
use crate::project::Environment;
use crate::project::recipient::Recipient;
use crate::secrets::file::{Parsed, Rekeyed, rekey};

pub fn run(config: &Config, names: &[String], rotate: bool) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, names, false)?;
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut staged = Vec::new();
    let mut lines = Vec::new();
    for &i in &ctx.loaded.selected {
        let env = &ctx.loaded.project.environments[i];
        let Some((parsed, recipients)) = rekeyable(&ctx, env, !names.is_empty(), &mut errors)
        else {
            continue;
        };
        let opened = match ctx.try_open(env, parsed, &keyring) {
            Ok(o) => o,
            Err(ds) => {
                errors.extend(ds);
                continue;
            }
        };
        let name = ctx.display_name(env);
        match rekey(
            &parsed.file,
            &opened.key,
            &opened.values,
            &recipients,
            rotate,
        ) {
            Err(e) => errors.push(Diagnostic::new(
                Code::SecretsDataKey,
                format!("cannot rekey `{name}`: {e}"),
            )),
            Ok(None) => lines.push(format!("{}: {name} is up to date\n", env.name)),
            Ok(Some((next, how))) => {
                match ctx.stage(env, &next) {
                    Ok(s) => staged.push((env, s)),
                    Err(e) => errors.push(e.diagnostic()),
                }
                lines.push(rekeyed_line(
                    env,
                    &name,
                    recipients.len(),
                    how,
                    next.values.len(),
                ));
            }
        }
    }
    if !errors.is_empty() {
        // Dropping the staged files removes them: nothing was changed.
        drop(staged);
        return Err(nothing_written(&ctx, &errors));
    }
    commit_all(&ctx, staged)?;
    say(config, &lines.concat());
    Ok(Outcome::OK)
}

/// `env`'s parsed secrets file and its recipients in cfgc.toml, when it can be rekeyed;
/// otherwise why not, in `errors`. An environment without a secrets file is skipped
/// quietly unless it was `named` on the command line.
fn rekeyable<'c>(
    ctx: &'c Context,
    env: &Environment,
    named: bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<(&'c Parsed, Vec<Recipient>)> {
    let Some(parsed) = ctx.parsed(env) else {
        if named {
            errors.push(
                Diagnostic::new(
                    Code::NoSecretsFile,
                    format!("environment `{}` declares no secrets file", env.name),
                )
                .at(env.span)
                .help("add `secrets = \"…\"` to it in cfgc.toml, or leave it out of the command"),
            );
        }
        return None;
    };
    let recipients: Vec<Recipient> = env.recipients.iter().map(|r| r.value.clone()).collect();
    if recipients.is_empty() {
        errors.push(
            Diagnostic::new(Code::NoRecipients, format!("environment `{}` has no recipients", env.name))
                .at(env.span)
                .help("list the public keys that may decrypt its secrets in `recipients = [...]`; removing every recipient would lock the secrets away"),
        );
        return None;
    }
    if !parsed.file.pending.is_empty() {
        // They are sealed to the old recipients: a removed one could still read them.
        errors.push(
            Diagnostic::new(
                Code::RekeyPending,
                format!(
                    "`{}` holds pending values, sealed to its current recipients",
                    ctx.display_name(env)
                ),
            )
            .env(&env.name)
            .help(format!(
                "fold them in first with `cfgc secrets seal {}`, then rekey",
                env.name
            )),
        );
        return None;
    }
    Some((parsed, recipients))
}

/// What was done to one file: `n` recipients, `values` values.
fn rekeyed_line(env: &Environment, name: &str, n: usize, how: Rekeyed, values: usize) -> String {
    match how {
        Rekeyed::Rewrapped => format!(
            "{}: {name} re-wrapped for {n} recipient{}; values unchanged\n",
            env.name,
            if n == 1 { "" } else { "s" }
        ),
        Rekeyed::Rotated => format!(
            "{}: {name} has a new data key for {n} recipient{}; {} value{} re-encrypted\n",
            env.name,
            if n == 1 { "" } else { "s" },
            values,
            if values == 1 { "" } else { "s" }
        ),
    }
}

/// Reports `errors`, then that nothing was written; the outcome is the errors'.
fn nothing_written(ctx: &Context, errors: &[Diagnostic]) -> Outcome {
    // Sorted by file, a summary without a location would come first: it goes last.
    let exit = ctx.emit(errors);
    let _ = ctx.emit(&[Diagnostic::new(
        Code::NothingWritten,
        "no secrets file was changed",
    )
    .help("rekey changes all the files it was given or none; fix the errors above, or name fewer environments")]);
    exit
}

/// Under the project lock, checks that no file changed since it was read, then renames
/// them all into place.
fn commit_all(ctx: &Context, staged: Vec<(&Environment, Staged)>) -> Result<(), Outcome> {
    let lock = ctx.lock()?;
    for (env, _) in &staged {
        ctx.still_as_read(env)?;
    }
    for (_, s) in staged {
        s.commit().map_err(|e| ctx.emit(&[e.diagnostic()]))?;
    }
    drop(lock);
    Ok(())
}
