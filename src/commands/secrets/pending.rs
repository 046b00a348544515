//! `cfgc secrets set` by someone who holds no key for the environment: the value is sealed
//! with age to the file's recipients on its own and stored as pending, outside the MAC,
//! for a key holder to review and `seal`. The rest of the file is left byte for byte.

use std::collections::BTreeMap;

use super::context::Context;
use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::project::Environment;
use crate::project::recipient::Recipient;
use crate::secrets::crypto::Plaintext;
use crate::secrets::file::Parsed;

pub fn set(
    config: &Config,
    ctx: &Context,
    env: &Environment,
    parsed: &Parsed,
    name: &str,
    value: Plaintext,
) -> Result<Outcome, Outcome> {
    // The value alone against the schema: the others cannot be read without a key.
    let found = ctx.check_values(env, &BTreeMap::new(), &[(name, &value)]);
    if !found.is_empty() {
        return Ok(ctx.emit(&found));
    }
    // The file's own recipients: those who can open it are those who can seal it.
    let recipients: Vec<Recipient> = parsed
        .file
        .recipients
        .iter()
        .filter_map(|r| r.parse().ok())
        .collect();
    let sealed = crate::secrets::pending::seal(&env.name, name, &value, &recipients)
        .map_err(|e| ctx.emit(&[Diagnostic::new(Code::SecretsDataKey, e.to_string())]))?;
    let mut next = parsed.file.clone();
    next.pending.insert(name.to_string(), sealed);
    ctx.write(env, &next)?;
    let file = ctx.display_name(env);
    let replaces = if parsed.file.values.contains_key(name) {
        ", to replace its current value"
    } else {
        ""
    };
    say(
        config,
        &format!(
            "pending `{name}` in {file} ({env}){replaces}: you hold no key for {env}, so the value was sealed to its {n} {noun} on its own, outside the file's MAC, and is UNAUTHENTICATED until a key holder reviews it and runs `cfgc secrets seal {env}`; `plan` and `apply` refuse {env} until then\n",
            env = env.name,
            n = recipients.len(),
            noun = if recipients.len() == 1 {
                "recipient"
            } else {
                "recipients"
            },
        ),
    );
    Ok(Outcome::OK)
}
