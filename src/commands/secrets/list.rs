//! `cfgc secrets list ENV`: which secrets exist, which the schema requires, which are
//! missing or unknown. Reads names only, so it needs no key.

use super::context::{self, Context};
use crate::cli::Config;
use crate::commands::{Outcome, show};
use crate::project::Environment;
use crate::secrets::file::Parsed;

pub fn run(config: &Config, environment: &str) -> Result<Outcome, Outcome> {
    let ctx = context::load(config, &[environment.to_string()], false)?;
    let env = ctx.env();
    ctx.secrets_path(env)?;
    let schema = &ctx.loaded.schema;
    let required = crate::pipeline::required_secrets(&ctx.loaded, env);
    let parsed = ctx.parsed(env);
    let present: Vec<&String> = parsed
        .map(|p| p.file.values.keys().collect())
        .unwrap_or_default();

    let mut names: Vec<&String> = schema
        .secrets
        .iter()
        .chain(present.iter().copied())
        .collect();
    names.sort();
    names.dedup();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut text = heading(&ctx, env, parsed);
    let (mut missing, mut unknown) = (0, 0);
    for name in names {
        let is_present = present.contains(&name);
        let status = match (
            is_present,
            required.contains(name),
            schema.secrets.contains(name),
        ) {
            (true, _, false) => {
                unknown += 1;
                "set       UNKNOWN: not a secret in the schema"
            }
            (true, true, _) => "set       required",
            (true, false, _) => "set",
            (false, true, _) => {
                missing += 1;
                "MISSING   required"
            }
            (false, false, _) => "not set",
        };
        text.push_str(&format!("  {name:width$}  {status}\n"));
    }
    if missing + unknown > 0 {
        text.push_str(&format!(
            "{missing} missing, {unknown} unknown; `cfgc check {}` reports them with their lines\n",
            env.name
        ));
    }
    if let Some(p) = parsed {
        text.push_str(&pending_line(env, p));
    }
    text.push_str(&ctx.recipients_note(env));
    show(&text);
    Ok(Outcome::OK)
}

/// The first line: the file, how many secrets it holds and to how many recipients.
fn heading(ctx: &Context, env: &Environment, parsed: Option<&Parsed>) -> String {
    match parsed {
        Some(p) => format!(
            "{}: {}, {} {}, encrypted to {} {}\n",
            env.name,
            ctx.display_name(env),
            p.file.values.len(),
            if p.file.values.len() == 1 {
                "secret"
            } else {
                "secrets"
            },
            p.file.recipients.len(),
            if p.file.recipients.len() == 1 {
                "recipient"
            } else {
                "recipients"
            },
        ),
        None => format!(
            "{}: {} (not written yet)\n",
            env.name,
            ctx.display_name(env)
        ),
    }
}

/// The names set without a key, if any: they are not secrets of the file until sealed.
fn pending_line(env: &Environment, parsed: &Parsed) -> String {
    if parsed.file.pending.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = parsed.file.pending.keys().map(String::as_str).collect();
    format!(
        "pending (set without a key, unauthenticated until `cfgc secrets seal {}`): {}\n",
        env.name,
        names.join(", ")
    )
}
