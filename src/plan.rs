//! Stage 6, plan: compare each rendered file with what is on disk, and keep what `apply`
//! and the reports need: the status, a unified diff in which every line that depends on a
//! secret is masked (the render's `LineMask`), and the new text only where it is to be
//! written. Run per environment, so an unchanged file's text is dropped at once.

use std::borrow::Cow;

use similar::{ChangeTag, TextDiff};
use zeroize::Zeroizing;

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{ProjectFs, RelPath, Role};
use crate::project::{Environment, Generated, Output};
use crate::render::{Content, LineMask, RenderedFile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Create,
    Change,
    Unchanged,
    Skipped,
}

/// What a planned file belongs to: one environment's rendered output, or a file generated
/// once for the whole project (`generate = "…"`), which no environment owns.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Env {
        env: &'a Environment,
        output: &'a Output,
    },
    Project(&'a Generated),
}

/// One output of one environment, or one generated file of the project, planned.
pub struct FilePlan<'a> {
    pub scope: Scope<'a>,
    /// Path relative to the project root, as shown.
    pub rel: String,
    pub status: Status,
    /// Why a skipped file was skipped.
    pub reason: Option<String>,
    /// Unified diff, masked, uncoloured; empty when unchanged or skipped.
    pub diff: String,
    /// What `apply` writes: the new text, for files to create or change only.
    pub write: Option<Zeroizing<String>>,
}

impl<'a> FilePlan<'a> {
    pub fn pending(&self) -> bool {
        matches!(self.status, Status::Create | Status::Change)
    }

    /// The environment whose output this is; `None` for a project-wide generated file.
    pub fn env(&self) -> Option<&'a Environment> {
        match self.scope {
            Scope::Env { env, .. } => Some(env),
            Scope::Project(_) => None,
        }
    }

    /// The output's name in cfgc.toml.
    pub fn output_name(&self) -> &'a str {
        match self.scope {
            Scope::Env { output, .. } => &output.name,
            Scope::Project(g) => &g.name,
        }
    }

    /// The file mode apply writes it with.
    pub fn mode(&self) -> u32 {
        match self.scope {
            Scope::Env { output, .. } => output.mode,
            Scope::Project(g) => g.mode,
        }
    }

    /// Whether it may hold secret values (a generated file never does).
    pub fn holds_secrets(&self) -> bool {
        matches!(self.scope, Scope::Env { output, .. } if output.secrets)
    }
}

/// Stage 6 for the project's generated files: each compared with the disk like a rendered
/// one (no mask: they hold no value).
pub fn plan_generated<'a>(
    fs: &ProjectFs,
    files: Vec<(&'a Generated, String)>,
) -> Result<Vec<FilePlan<'a>>, Vec<Diagnostic>> {
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for (generated, text) in files {
        let mut plan = FilePlan {
            scope: Scope::Project(generated),
            rel: generated.path.value.clone(),
            status: Status::Skipped,
            reason: None,
            diff: String::new(),
            write: None,
        };
        match compare(fs, &mut plan, Zeroizing::new(text), None) {
            Ok(()) => plans.push(plan),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

/// Stage 6 for one environment's rendered files. `fs` is the project's filesystem, which
/// reads the files on disk now; `mask_of` tells which lines of a secret-bearing file may be
/// shown, asked only for files that change. A file on disk that cfgc may not read (a
/// symlink out of the project, a FIFO, one over the output limit) is an error, never
/// "absent": the plan would otherwise promise to create what apply then refuses.
pub fn plan_env<'a>(
    fs: &ProjectFs,
    files: Vec<RenderedFile<'a>>,
    mask_of: impl Fn(&RenderedFile) -> Option<LineMask>,
) -> Result<Vec<FilePlan<'a>>, Vec<Diagnostic>> {
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match plan_file(fs, file, &mask_of) {
            Ok(p) => plans.push(p),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

fn plan_file<'a>(
    fs: &ProjectFs,
    file: RenderedFile<'a>,
    mask_of: &impl Fn(&RenderedFile) -> Option<LineMask>,
) -> Result<FilePlan<'a>, Diagnostic> {
    let mut plan = FilePlan {
        scope: Scope::Env {
            env: file.env,
            output: file.output,
        },
        rel: file.rel.clone(),
        status: Status::Skipped,
        reason: None,
        diff: String::new(),
        write: None,
    };
    let text = match &file.content {
        Content::Skipped { why, .. } => {
            plan.reason = Some(why.clone());
            return Ok(plan);
        }
        Content::Ready(text) => text,
    };
    let text = text.clone();
    compare(fs, &mut plan, text, Some(&|| mask_of(&file)))?;
    Ok(plan)
}

/// The plan's status against the disk, and for a file to write, its masked diff and text.
fn compare(
    fs: &ProjectFs,
    plan: &mut FilePlan,
    text: Zeroizing<String>,
    mask_of: Option<&dyn Fn() -> Option<LineMask>>,
) -> Result<(), Diagnostic> {
    let old = on_disk(fs, &plan.rel)?;
    plan.status = match &old {
        None => Status::Create,
        Some(o) if o.as_str() == text.as_str() => Status::Unchanged,
        Some(_) => Status::Change,
    };
    if plan.pending() {
        let mask = mask_of.and_then(|m| m());
        plan.diff = diff(
            &plan.rel,
            old.as_deref().map(String::as_str),
            &text,
            mask.as_ref(),
        );
        plan.write = Some(text);
    }
    Ok(())
}

/// The file `rel` on disk now, `None` when there is none. Not UTF-8 counts as a change
/// (the rendered text always is).
fn on_disk(fs: &ProjectFs, rel: &str) -> Result<Option<Zeroizing<String>>, Diagnostic> {
    let path = RelPath::parse(rel).map_err(|e| {
        Diagnostic::new(Code::FileRefused, format!("cannot read `{rel}`: {e}")).help(e.help())
    })?;
    let bytes = fs
        .read_if_exists(&path, Role::Output)
        .map_err(|e| e.diagnostic())?;
    // UTF-8 (the usual case) becomes the string in place, without a copy to wipe.
    Ok(bytes.map(|b| match String::from_utf8(b) {
        Ok(text) => Zeroizing::new(text),
        Err(e) => {
            let b = Zeroizing::new(e.into_bytes());
            Zeroizing::new(String::from_utf8_lossy(&b).into_owned())
        }
    }))
}

/// A unified diff of one file; every line that may depend on a secret masked.
fn diff(rel: &str, old: Option<&str>, new: &str, mask: Option<&LineMask>) -> String {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(old.unwrap_or(""), new);
    let clean = mask.map(|m| m.clean_lines(new));
    let old_name = match old {
        None => "/dev/null".to_string(),
        Some(_) => format!("a/{rel}"),
    };
    let mut out = format!("--- {old_name}\n+++ b/{rel}\n");
    for group in diff.grouped_ops(3) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            hunk_range(old_range),
            hunk_range(new_range)
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let shown: Cow<str> = match (mask, change.tag(), change.new_index()) {
                    (None, _, _) => Cow::Borrowed(line),
                    (Some(m), ChangeTag::Delete, _) => {
                        m.old_line(line, clean.as_ref().expect("set with the mask"))
                    }
                    (Some(m), _, Some(i)) => m.new_line(i, line),
                    (Some(_), _, None) => Cow::Borrowed(crate::render::mask::MASK),
                };
                let sign = match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Insert => '+',
                    ChangeTag::Delete => '-',
                };
                out.push(sign);
                out.push_str(&shown);
                out.push('\n');
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
