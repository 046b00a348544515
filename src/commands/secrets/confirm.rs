//! `cfgc secrets confirm-recreate ENV --base REV`: a holder of the key of the file at REV
//! confirms that the file now (with a new data key and the same recipients) replaces it on
//! purpose. The confirmation is a signature by the old data key (see `secrets::confirm`),
//! recorded under the new file's MAC, which `check --base` verifies without any key.

use super::context;
use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Keyring, open_secrets};
use crate::secrets::file::confirm::sign;
use crate::secrets::file::reseal;
use crate::secrets::history::Revision;
use crate::secrets::review::compare;

pub fn run(config: &Config, environment: &str, rev: &str) -> Result<Outcome, Outcome> {
    let mut ctx = context::load_to_write(config, &[environment.to_string()], false)?;
    let path = ctx.secrets_path(ctx.env())?;
    let root = ctx.loaded.project.root.clone();
    let limits = ctx.fs().limits().clone();
    let env_name = ctx.env().name.clone();
    let base = Revision::open(&root, rev)
        .and_then(|r| r.secrets_of(&env_name, &path, &limits, &mut ctx.sources))
        .map_err(|ds| ctx.emit(&ds))?;
    let env = ctx.env();
    let file_name = ctx.display_name(env);
    let (Some(base), Some(head)) = (base, ctx.parsed(env)) else {
        say(
            config,
            &format!(
                "nothing to confirm: {file_name} is not in both `{rev}` and the working tree\n"
            ),
        );
        return Ok(Outcome::OK);
    };
    let changes = compare(Some(&base.file), Some(&head.file));
    if !changes.key_changed || changes.confirmed {
        say(
            config,
            &format!(
                "nothing to confirm: {file_name} keeps the data key it had at `{rev}`, or its new one is already signed by it\n"
            ),
        );
        return Ok(Outcome::OK);
    }
    if base.file.signer.is_none() {
        return Err(ctx.emit(&[Diagnostic::new(Code::SecretsLegacyBase,
            format!("{file_name} at `{rev}` was written before cfgc signed its files: a confirmation could not be checked without a key"),
        )
        .env(&env.name)
        .help(format!("have a key holder write the file on the base branch once (any `cfgc secrets` write, e.g. `cfgc secrets rekey {} --rotate`), then confirm against that", env.name))]));
    }
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    // Both keys: the old one signs, and the new file is verified before it is re-signed.
    let old = open_secrets(env, &base, &keyring, &ctx.sources).map_err(|ds| ctx.emit(&ds))?;
    let new = ctx.open(env, head, &keyring)?;
    let mut next = head.file.clone();
    next.confirmed = Some(sign(&env.name, &old.key, &new.key, &next.data_key));
    // A re-created file starts again at 1: it must still be newer than the one it replaces.
    next.generation = next.generation.max(base.file.generation);
    reseal(&mut next, &new.key);
    ctx.write(env, &next)?;
    say(
        config,
        &format!(
            "confirmed: {file_name} ({}) replaces the file at `{rev}` with a new data key; `cfgc check --base {rev}` accepts it\n",
            env.name
        ),
    );
    Ok(Outcome::OK)
}
