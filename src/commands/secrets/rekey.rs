//! `cfgc secrets rekey [ENV...]`: brings secrets files to the recipients in cfgc.toml.
//! Every file is opened, re-encrypted and staged first; only when all of that worked are
//! they renamed into place, so a missing key for one leaves all of them as they were.

use super::context;
use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::Keyring;
use crate::project::recipient::Recipient;
use crate::secrets::file::{Rekeyed, rekey};

pub fn run(config: &Config, names: &[String], rotate: bool) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, names, false)?;
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut staged = Vec::new();
    let mut lines = Vec::new();
    for &i in &ctx.loaded.selected {
        let env = &ctx.loaded.project.environments[i];
        let Some(parsed) = ctx.parsed(env) else {
            if !names.is_empty() {
                errors.push(
                    Diagnostic::new(
                        Code::NoSecretsFile,
                        format!("environment `{}` declares no secrets file", env.name),
                    )
                    .at(env.span)
                    .help(
                        "add `secrets = \"…\"` to it in cfgc.toml, or leave it out of the command",
                    ),
                );
            }
            continue;
        };
        let recipients: Vec<Recipient> = env.recipients.iter().map(|r| r.value.clone()).collect();
        if recipients.is_empty() {
            errors.push(
                Diagnostic::new(Code::NoRecipients, format!("environment `{}` has no recipients", env.name))
                    .at(env.span)
                    .help("list the public keys that may decrypt its secrets in `recipients = [...]`; removing every recipient would lock the secrets away"),
            );
            continue;
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
            continue;
        }
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
                let n = recipients.len();
                lines.push(match how {
                    Rekeyed::Rewrapped => format!(
                        "{}: {name} re-wrapped for {n} recipient{}; values unchanged\n",
                        env.name,
                        if n == 1 { "" } else { "s" }
                    ),
                    Rekeyed::Rotated => format!(
                        "{}: {name} has a new data key for {n} recipient{}; {} value{} re-encrypted\n",
                        env.name,
                        if n == 1 { "" } else { "s" },
                        next.values.len(),
                        if next.values.len() == 1 { "" } else { "s" }
                    ),
                });
            }
        }
    }
    if !errors.is_empty() {
        // Dropping the staged files removes them: nothing was changed.
        drop(staged);
        // Sorted by file, a summary without a location would come first: it goes last.
        let exit = ctx.emit(&errors);
        let _ = ctx.emit(&[Diagnostic::new(
            Code::NothingWritten,
            "no secrets file was changed",
        )
        .help("rekey changes all the files it was given or none; fix the errors above, or name fewer environments")]);
        return Err(exit);
    }
    // Under the project lock, check that no file changed since it was read, then rename
    // them all.
    let lock = ctx.lock()?;
    for (env, _) in &staged {
        ctx.still_as_read(env)?;
    }
    for (_, s) in staged {
        s.commit().map_err(|e| ctx.emit(&[e.diagnostic()]))?;
    }
    drop(lock);
    say(config, &lines.concat());
    Ok(Outcome::OK)
}
