//! Stage 6, plan: compare each rendered file with what is on disk, and show
//! it as a unified diff. In a file that holds secrets, a line carrying a
//! secret shows only that it changed (helm-diff style), never its value.

pub mod mask;

use similar::{ChangeTag, TextDiff};

use crate::render::{Content, RenderedFile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Create,
    Change,
    Unchanged,
    Skipped,
}

pub struct FilePlan<'a> {
    pub file: RenderedFile<'a>,
    pub status: Status,
    /// What is on disk now (`None`: no file).
    pub old: Option<String>,
}

pub fn plan(files: Vec<RenderedFile>) -> Vec<FilePlan> {
    use rayon::prelude::*;
    let mut plans: Vec<FilePlan> = files
        .into_par_iter()
        .map(|file| {
            let old = std::fs::read_to_string(&file.path).ok();
            let status = match (&file.content, &old) {
                (Content::Skipped(_), _) => Status::Skipped,
                (Content::Ready { .. }, None) => Status::Create,
                (Content::Ready { text, .. }, Some(o)) if o.as_str() == text.as_str() => {
                    Status::Unchanged
                }
                (Content::Ready { .. }, Some(_)) => Status::Change,
            };
            FilePlan { file, status, old }
        })
        .collect();
    plans.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
    plans
}

/// A unified diff of one file, secrets masked; empty when unchanged.
pub fn diff(plan: &FilePlan, color: bool) -> String {
    let Content::Ready { text, secrets } = &plan.file.content else {
        return String::new();
    };
    if plan.status == Status::Unchanged {
        return String::new();
    }
    let old = plan.old.as_deref().unwrap_or("");
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(old, text.as_str());
    let masker = mask::Masker::new(plan.file.output.secrets, secrets, text);
    let (old_name, new_name) = match plan.status {
        Status::Create => ("/dev/null".to_string(), format!("b/{}", plan.file.rel)),
        _ => (
            format!("a/{}", plan.file.rel),
            format!("b/{}", plan.file.rel),
        ),
    };
    let mut out = paint(&format!("--- {old_name}\n+++ {new_name}\n"), "1", color);
    for group in diff.grouped_ops(3) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.push_str(&paint(
            &format!(
                "@@ -{} +{} @@\n",
                hunk_range(old_range),
                hunk_range(new_range)
            ),
            "36",
            color,
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let (sign, shown, code) = match change.tag() {
                    ChangeTag::Equal => (' ', masker.new_line(line), ""),
                    ChangeTag::Insert => ('+', masker.new_line(line), "32"),
                    ChangeTag::Delete => ('-', masker.old_line(line), "31"),
                };
                out.push_str(&paint(&format!("{sign}{shown}\n"), code, color));
                if change.missing_newline() {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

fn hunk_range(r: std::ops::Range<usize>) -> String {
    match r.len() {
        0 => format!("{},0", r.start),
        1 => format!("{}", r.start + 1),
        n => format!("{},{}", r.start + 1, n),
    }
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if !color || code.is_empty() {
        return text.to_string();
    }
    text.lines()
        .map(|l| format!("\x1b[{code}m{l}\x1b[0m\n"))
        .collect()
}
