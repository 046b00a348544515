//! A plan as the user reads it: unified diffs (already masked by the plan stage) and a
//! summary, as text or as one JSON document.

use serde::Serialize;

use crate::plan::{FilePlan, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
}

pub fn human(plans: &[FilePlan], color: bool) -> String {
    let mut text = String::new();
    for p in plans {
        text.push_str(&paint_diff(&p.diff, color));
    }
    for p in plans {
        if let Some(why) = &p.reason {
            let line = format!("skipped {}: {why}\n", p.rel);
            text.push_str(&crate::report::human::escape_controls(&line));
        }
    }
    let count = |s: Status| plans.iter().filter(|p| p.status == s).count();
    text.push_str(&format!(
        "plan: {} to create, {} to change, {} unchanged, {} skipped (secrets not decrypted)\n",
        count(Status::Create),
        count(Status::Change),
        count(Status::Unchanged),
        count(Status::Skipped)
    ));
    text
}

/// Colour a unified diff by its lines' first character.
fn paint_diff(diff: &str, color: bool) -> String {
    // A rendered line may hold terminal control bytes from a layer's value: show them
    // as escapes, never let them act on the terminal.
    let diff = crate::report::human::escape_controls(diff);
    if !color {
        return diff.into_owned();
    }
    diff.lines()
        .map(|l| {
            let code = if l.starts_with("---") || l.starts_with("+++") {
                "1"
            } else if l.starts_with("@@") {
                "36"
            } else if l.starts_with('+') {
                "32"
            } else if l.starts_with('-') {
                "31"
            } else {
                ""
            };
            if code.is_empty() {
                format!("{l}\n")
            } else {
                format!("\x1b[{code}m{l}\x1b[0m\n")
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: Summary,
    files: Vec<FileEntry<'a>>,
}

#[derive(Serialize)]
struct Summary {
    create: usize,
    change: usize,
    unchanged: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    environment: &'a str,
    output: &'a str,
    path: &'a str,
    status: Status,
    holds_secrets: bool,
    /// Why a skipped file was skipped.
    reason: Option<&'a str>,
    /// Unified diff, secrets masked; null when unchanged or skipped.
    diff: Option<&'a str>,
}

pub fn json(plans: &[FilePlan]) -> String {
    let count = |s: Status| plans.iter().filter(|p| p.status == s).count();
    let doc = Document {
        version: 1,
        summary: Summary {
            create: count(Status::Create),
            change: count(Status::Change),
            unchanged: count(Status::Unchanged),
            skipped: count(Status::Skipped),
        },
        files: plans
            .iter()
            .map(|p| FileEntry {
                environment: &p.env.name,
                output: &p.output.name,
                path: &p.rel,
                status: p.status,
                holds_secrets: p.output.secrets,
                reason: p.reason.as_deref(),
                diff: Some(p.diff.as_str()).filter(|d| !d.is_empty()),
            })
            .collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).expect("the plan serialises: strings and numbers only");
    text.push('\n');
    text
}
