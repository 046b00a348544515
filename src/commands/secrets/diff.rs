//! `cfgc secrets diff [REV]`: each secrets file against the same file at REV, by name,
//! without a key. Exit 1 when anything changed, so a script can ask "did this branch
//! touch production's secrets?".

use super::context;
use crate::cli::Config;
use crate::commands::{Exit, show};
use crate::secrets::history::at_revision;
use crate::secrets::review::{Changes, compare};

pub fn run(config: &Config, rev: &str) -> Result<Exit, Exit> {
    let mut ctx = context::load(config, &[], true)?;
    let root = ctx.loaded.project.root.clone();
    let limits = ctx.fs().limits().clone();
    let mut text = String::new();
    let mut changed = false;
    for &i in &ctx.loaded.selected.clone() {
        let env = &ctx.loaded.project.environments[i];
        let Some(declared) = &env.secrets else {
            continue;
        };
        let base = at_revision(&root, rev, &declared.value, &limits, &mut ctx.sources)
            .map_err(|ds| ctx.fatal(&ds))?;
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
    Ok(if changed { Exit::Findings } else { Exit::Ok })
}

/// The changes to one file, a line per name; never a value or a ciphertext.
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
    let mut out = format!("{env} ({name}): {state}\n");
    let mut line = |what: &str, names: &[String]| {
        for n in names {
            out.push_str(&format!("  {n}: {what}\n"));
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
        out.push_str(&format!("  recipient added: {r}\n"));
    }
    for r in &c.recipients_removed {
        out.push_str(&format!("  recipient removed: {r}\n"));
    }
    if c.resealed {
        out.push_str("  data key replaced with the same recipients: every value was sealed again, so changed values cannot be told apart\n");
        out.push_str(if c.confirmed {
            "  confirmed: signed by the previous data key (a rotation by a key holder)\n"
        } else {
            "  NOT confirmed by the previous data key: re-created by someone who may not have held a key (`cfgc check --base` reports it)\n"
        });
    }
    out
}
