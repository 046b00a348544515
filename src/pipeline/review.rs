//! What the pipeline says about secrets files under review: pending values (found by
//! `check`, refused by `plan`, `apply` and `exec`), and a file compared with the same
//! file at a base revision (`check --base`).

use crate::diagnostic::{Code, Diagnostic};
use crate::project::Environment;
use crate::secrets::file::{Parsed, Spans};
use crate::secrets::review::{Concern, concerns};

/// One finding per pending value. A finding, not a warning: the value is unauthenticated
/// (anyone who can push could have replaced it), so it should not reach the base branch
/// before a key holder has sealed it in review; `plan` refuses it in any case.
pub fn pending_findings(env: &Environment, parsed: &Parsed) -> Vec<Diagnostic> {
    parsed
        .file
        .pending
        .keys()
        .map(|name| {
            let mut d = Diagnostic::new(Code::SecretsPending,
                format!("`{name}` is pending: set without a key, outside the MAC, unauthenticated"),
            )
            .label("pending value")
            .key(name)
            .env(&env.name)
            .note("anyone who can write the file could have written or replaced it; `plan` and `apply` refuse the environment until it is sealed")
            .help(format!("a holder of a key for `{}` reviews it with `cfgc secrets seal {} --show` and seals it with `cfgc secrets seal {}`", env.name, env.name, env.name));
            if let Some(at) = parsed.spans.pending.get(name) {
                d = d.at(*at);
            }
            d
        })
        .collect()
}

/// The error `plan`, `apply` and `exec` stop with when the file holds pending values.
pub fn pending_refusal(env: &Environment, parsed: &Parsed) -> Option<Diagnostic> {
    let first = parsed.spans.pending.values().next()?;
    let names: Vec<String> = parsed
        .file
        .pending
        .keys()
        .map(|n| format!("`{n}`"))
        .collect();
    Some(
        Diagnostic::new(Code::SecretsUnsealed,
            format!(
                "environment `{}` has pending secrets, set without a key and not yet sealed: {}",
                env.name,
                names.join(", ")
            ),
        )
        .at(*first)
        .label("unauthenticated until sealed")
        .env(&env.name)
        .note("pending values are outside the file's MAC: nothing unauthenticated is rendered into a deployed file")
        .help(format!(
            "a holder of a key for `{}` runs `cfgc secrets seal {}` (add `--show` to review the values first)",
            env.name, env.name
        )),
    )
}

/// Findings about `head` (the working tree's file; `None`: deleted) against `base`, the
/// same file at revision `rev`.
pub fn against_base(
    env: &Environment,
    base: &Parsed,
    head: Option<&Parsed>,
    rev: &str,
) -> Vec<Diagnostic> {
    let Some(head) = head else {
        return Vec::new();
    };
    let spans = &head.spans;
    concerns(&base.file, &head.file)
        .into_iter()
        .map(|concern| match concern {
            Concern::RolledBack { base: was, head: now } => {
                let state = if now == 0 {
                    "has no generation (stripped, or an older file)".to_string()
                } else {
                    format!("has generation {now}")
                };
                Diagnostic::new(Code::SecretsRolledBack,
                    format!("the secrets file of `{}` was rolled back: it {state}, and at `{rev}` it had generation {was}", env.name),
                )
                .at(spans.generation.unwrap_or(spans.meta))
                .label(format!("expected a generation above {was}"))
                .env(&env.name)
                .note("every write by cfgc raises the generation, so a lower one, or the same one with other content, is an older file put back (or edited by hand)")
                .help(format!("if this branch is behind `{rev}`, merge `{rev}` into it (with the drivers of `cfgc git-setup`, the merged file gets a higher generation); otherwise take the file from `{rev}` (`git checkout {rev} -- FILE`) and make the change again with `cfgc secrets`"))
            }
            Concern::Recreated { legacy } => recreated(env, spans, rev, legacy),
        })
        .collect()
}

/// The finding for a file whose data key changed without the base key's signature, with
/// recipients added or removed or not, after any number of writes.
fn recreated(env: &Environment, spans: &Spans, rev: &str, legacy: bool) -> Diagnostic {
    let d = Diagnostic::new(Code::SecretsRecreated,
        format!("the secrets file of `{}` was re-created: its data key was replaced without a confirmation, so every value may be its writer's own", env.name),
    )
    .at(spans.data_key)
    .label(format!("not signed by the data key at `{rev}`"))
    .env(&env.name)
    .note("the recipients are public, so anyone can write a valid file with values (and recipients) of their own; `cfgc secrets rekey` signs with the old key whenever it replaces or re-wraps it, and this file carries no valid signature");
    if legacy {
        d.help(format!("the file at `{rev}` was written before cfgc signed its files, so no signature can be checked: a holder of a key for `{}` checks the values (`cfgc secrets get`) and approves the change in review; once merged, every later write is signed", env.name))
    } else {
        d.help(format!("if this was meant, a holder of a key for `{}` checks the values (`cfgc secrets get`) and runs `cfgc secrets confirm-recreate {} --base {rev}`; otherwise take the file from `{rev}`", env.name, env.name))
    }
}
