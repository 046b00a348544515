//! `cfgc secrets diff [REV]`: each secrets file against the same file at REV, by name,
//! without a key. Exit 1 when anything changed, so a script can ask "did this branch
//! touch production's secrets?".

use super::context;
use crate::cli::Config;
use crate::commands::{Outcome, show};
use crate::secrets::file::shown::field;
use crate::secrets::history::Revision;
use crate::secrets::review::{Changes, compare};

pub fn run(config: &Config, rev: &str) -> Result<Outcome, Outcome> {
    let mut ctx = context::load(config, &[], true)?;
    let root = ctx.loaded.project.root.clone();
    let limits = ctx.fs().limits().clone();
    let mut text = String::new();
    let mut changed = false;
    let revision = Revision::open(&root, rev).map_err(|ds| ctx.emit(&ds))?;
    for &i in &ctx.loaded.selected.clone() {
        let env = &ctx.loaded.project.environments[i];
        let Some(declared) = &env.secrets else {
            continue;
        };
        let base = revision
            .secrets_of(&env.name, &declared.value, &limits, &mut ctx.sources)
            .map_err(|ds| ctx.emit(&ds))?;
        let head = ctx.parsed(env);
        let changes = compare(base.as_ref().map(|p| &p.file), head.map(|p| &p.file));
        let name = ctx.display_name(env);
        if changes.is_empty() {
            text.push_str(&format!("{} ({name}): unchanged\n", env.name));
        } else {
            changed = true;
            text.push_str(&describe(&env.name, &name, &changes));
        }
    }
    show(&text);
    Ok(if changed {
        Outcome::differs()
    } else {
        Outcome::OK
    })
}

/// The changes to one file, a line per name; never a value or a ciphertext. Every field
/// is escaped (`shown::field`): no text from a file can start a line of its own.
pub fn describe(env: &str, name: &str, c: &Changes) -> String {
    let (from, to) = c.generations;
    let state = if c.created {
        "created".to_string()
    } else if c.deleted {
        "deleted".to_string()
    } else if from == to {
        format!("generation {to}")
    } else {
        format!("generation {from} -> {to}")
    };
    let mut out = format!("{} ({}): {state}\n", field(env), field(name));
    let mut line = |what: &str, names: &[String]| {
        for n in names {
            out.push_str(&format!("  {}: {what}\n", field(n)));
        }
    };
    line("added", &c.added);
    line("removed", &c.removed);
    line("changed", &c.changed);
    line(
        "pending, added without a key (unauthenticated)",
        &c.pending_added,
    );
    line(
        "pending value replaced (unauthenticated)",
        &c.pending_changed,
    );
    line("no longer pending", &c.pending_removed);
    for r in &c.recipients_added {
        out.push_str(&format!("  recipient added: {}\n", field(r)));
    }
    for r in &c.recipients_removed {
        out.push_str(&format!("  recipient removed: {}\n", field(r)));
    }
    out.push_str(data_key(c));
    out
}

/// What happened to the data key; said even when recipients changed too, since a
/// re-created file with a recipient removed otherwise reads as an off-boarding.
fn data_key(c: &Changes) -> &'static str {
    match (c.key_changed, c.confirmed, c.resealed) {
        (false, _, _) => "",
        (true, false, _) => {
            "  data key replaced without a confirmation: no holder of the previous data key signed it, so the file was re-created and every value may be its writer's own (`cfgc check --base` reports it)\n"
        }
        (true, true, true) => {
            "  data key replaced: confirmed (signed by the previous data key); every value was sealed again, so changed values cannot be told apart\n"
        }
        (true, true, false) => {
            "  data key re-wrapped for the recipients: confirmed (signed by the data key)\n"
        }
    }
}
