//! A plan as its readers get it: unified diffs (already masked by the plan stage) and a
//! summary, as text, as one JSON document, as GitHub annotations, or as a Markdown comment
//! for a pull request. Findings that stopped the plan go into every format too.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::plan::{FilePlan, Status};
use crate::source::SourceMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    /// GitHub Actions annotations: findings on their lines, a notice per file to write.
    Github,
    /// A comment for a pull request: per environment, the files that change, each diff
    /// collapsed, then the findings.
    Markdown,
}

pub fn human(plans: &[FilePlan], color: bool) -> String {
    let mut text = String::new();
    for p in plans {
        text.push_str(&paint_diff(&p.diff, color));
    }
    for p in plans {
        if let Some(why) = &p.reason {
            let line = format!("skipped {}: {why}\n", p.rel);
            text.push_str(&crate::diagnostic::human::escape_controls(&line));
        }
    }
    text.push_str(&format!("plan: {}\n", counts(plans)));
    text
}

fn counts(plans: &[FilePlan]) -> String {
    let count = |s: Status| plans.iter().filter(|p| p.status == s).count();
    format!(
        "{} to create, {} to change, {} unchanged, {} skipped (secrets not decrypted)",
        count(Status::Create),
        count(Status::Change),
        count(Status::Unchanged),
        count(Status::Skipped)
    )
}

/// Colour a unified diff by its lines' first character.
fn paint_diff(diff: &str, color: bool) -> String {
    // A rendered line may hold terminal control bytes from a layer's value: show them
    // as escapes, never let them act on the terminal.
    let diff = crate::diagnostic::human::escape_controls(diff);
    if !color {
        return diff.into_owned();
    }
    diff.lines()
        .map(|l| {
            let code = if l.starts_with("--- ") || l.starts_with("+++ ") {
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
    /// What stopped the plan (then `files` is empty), in the shape of `check --format json`.
    findings: Vec<super::json::Finding<'a>>,
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
    /// `null` for a file generated once for the project (`generate = "…"`).
    environment: Option<&'a str>,
    output: &'a str,
    path: &'a str,
    status: Status,
    holds_secrets: bool,
    /// Why a skipped file was skipped.
    reason: Option<&'a str>,
    /// Unified diff, secrets masked; null when unchanged or skipped.
    diff: Option<&'a str>,
}

pub fn json(plans: &[FilePlan], diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
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
                environment: p.env().map(|e| e.name.as_str()),
                output: p.output_name(),
                path: &p.rel,
                status: p.status,
                holds_secrets: p.holds_secrets(),
                reason: p.reason.as_deref(),
                diff: Some(p.diff.as_str()).filter(|d| !d.is_empty()),
            })
            .collect(),
        findings: super::json::findings(diagnostics, sources),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).expect("the plan serialises: strings and numbers only");
    text.push('\n');
    text
}

/// Findings as annotations on their lines, and a notice for each file the plan would write
/// (a diff does not fit an annotation; the Markdown format carries them).
pub fn github(plans: &[FilePlan], diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = super::github::render(diagnostics, sources);
    for p in plans.iter().filter(|p| p.pending()) {
        let what = if p.status == Status::Create {
            "would be created"
        } else {
            "is stale"
        };
        let apply = match p.env() {
            Some(env) => format!("cfgc apply {}", env.name),
            None => "cfgc apply".to_string(),
        };
        out.push_str(&format!(
            "::notice file={},title=cfgc plan::`{}` {what}: run `{apply}`\n",
            p.rel, p.rel
        ));
    }
    out
}

/// A pull-request comment: a summary line, then per environment each file that changes
/// with its masked diff collapsed, then the findings. `notices` (why secrets were not
/// decrypted) come first, as a quote.
pub fn markdown(
    plans: &[FilePlan],
    diagnostics: &[Diagnostic],
    notices: &[Diagnostic],
    sources: &SourceMap,
) -> String {
    let mut out = String::from("## cfgc plan\n\n");
    for n in notices {
        out.push_str(&format!("> **{}**\n", n.message.replace('\n', " ")));
        if let Some(help) = &n.help {
            out.push_str(&format!(">\n> {}\n", help.replace('\n', " ")));
        }
        out.push('\n');
    }
    if diagnostics.is_empty() {
        out.push_str(&format!("**{}**\n", counts(plans)));
    } else {
        out.push_str(&format!(
            "**{} finding(s): nothing can be written until they are fixed.**\n",
            diagnostics.len()
        ));
    }
    // Per environment in name order; the project's generated files first, under their own
    // heading (they belong to no environment).
    let mut envs: Vec<Option<&str>> = plans
        .iter()
        .map(|p| p.env().map(|e| e.name.as_str()))
        .collect();
    envs.sort_unstable();
    envs.dedup();
    for env in envs {
        let files: Vec<&FilePlan> = plans
            .iter()
            .filter(|p| {
                p.env().map(|e| e.name.as_str()) == env && (p.pending() || p.reason.is_some())
            })
            .collect();
        if files.is_empty() {
            continue;
        }
        let heading = env.unwrap_or("generated for the project");
        out.push_str(&format!("\n### {heading}\n\n"));
        for p in files {
            match &p.reason {
                Some(why) => out.push_str(&format!("- `{}`: skipped ({why})\n", p.rel)),
                None => {
                    let fence = "`".repeat(longest_backtick_run(&p.diff).max(2) + 1);
                    out.push_str(&format!(
                        "- `{}`: {}\n\n  <details><summary>diff</summary>\n\n{fence}diff\n{}{fence}\n\n  </details>\n",
                        p.rel,
                        if p.status == Status::Create { "create" } else { "change" },
                        p.diff
                    ));
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        out.push_str("\n### Findings\n\n");
        for d in diagnostics {
            let at = d
                .span
                .map(|s| super::position(sources, s))
                .map(|p| format!(" `{}:{}:{}`", p.file, p.line, p.column))
                .unwrap_or_default();
            let envs = if d.environments.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.environments.join(", "))
            };
            out.push_str(&format!(
                "- **{}** `{}`{at}: {}{envs}\n",
                if d.is_finding() { "finding" } else { "error" },
                d.code,
                d.message.replace('\n', " ")
            ));
        }
    }
    out
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
