//! Checks of rendered outputs before anything is written: each output must parse back in
//! its format (the format's room says how), the project's policies (patterns over text, and
//! rules over the directives of an output whose room reads it as directives, as data in
//! cfgc.toml) must hold, and no decrypted secret may land in an output not declared to hold
//! secrets.
//!
//! A finding points into the rendered text, shown as a source: masked line by line where
//! the output holds secrets, so no finding can quote a secret.

mod directives;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use memchr::memmem;
use secrecy::ExposeSecret;

use super::{Content, DETACHED, Failed, RenderedFile};
use crate::diagnostic::{Code, Diagnostic};
use crate::format::directive::Directive;
use crate::project::{Policy, Project, Rule};
use crate::secrets::crypto::Plaintext;
use crate::source::{FileId, Source, Span};

/// Secrets shorter than this are not searched for: they would match by chance.
const MIN_SCANNED_SECRET: usize = 6;

/// A finding, and the bytes of the rendered text it points at when it points somewhere.
type Found = (Diagnostic, Option<Range<usize>>);

/// Every check of one rendered file; findings go into `failed`, with the file as a source
/// when one points into it. `tainted` lists lines (0-based) of a plain output found to
/// hold a secret value: they are masked in that source too.
pub fn check(
    file: &RenderedFile,
    project: &Project,
    tainted: &HashSet<usize>,
    mask: impl FnOnce() -> Option<super::LineMask>,
    failed: &mut Failed,
) {
    let (text, stand_in) = match &file.content {
        Content::Ready(text) => (text.as_str(), false),
        Content::Skipped { stand_in, .. } => (stand_in.as_str(), true),
    };
    let mut found = Findings::of(file, text, project).found;
    if found.is_empty() {
        return;
    }
    if stand_in {
        for (d, _) in &mut found {
            d.notes.push(STAND_IN_NOTE.to_string());
        }
    }
    // The text the findings point into, as it may be shown.
    let mask = mask();
    let mask = mask.as_ref();
    let source = shown(file, text, mask, tainted);
    let id = FileId(DETACHED + failed.sources.len() as u32);
    for (d, range) in found {
        let d = match range {
            Some(r) => {
                let (line, col) = line_col(text, r.start);
                let start = source.byte_at(line, col);
                let end = if mask.is_some() || tainted.contains(&(line - 1)) {
                    source.line_range(line).end
                } else {
                    r.end.max(start).min(source.text.len())
                };
                d.at(Span::new(id, start, end.max(start)))
            }
            None => d,
        };
        failed.diagnostics.push(d);
    }
    failed.sources.push(source);
}

/// Said of a finding in a render with stand-ins for the secrets (no key at hand).
const STAND_IN_NOTE: &str = "found in a render with public stand-ins for the secrets (they are not at hand here); the lines shown hold no secret";

/// The findings of one rendered file, gathered check by check.
struct Findings<'f> {
    file: &'f RenderedFile<'f>,
    text: &'f str,
    found: Vec<Found>,
}

impl<'f> Findings<'f> {
    /// Every finding of `file` (its text `text`): its format's, then each policy's that
    /// applies to it.
    fn of(file: &'f RenderedFile<'f>, text: &'f str, project: &Project) -> Self {
        let format = file.output.format.value;
        // The file's directives as its consumer means them (the room reads them), once for
        // every directive rule; None for a format without directives, or if the file does not
        // parse: that is reported as a syntax error below.
        let mut directives = None;
        if let Some(read) = format.directives()
            && project.policies.iter().any(|p| !p.directives.is_empty())
        {
            directives = read(text).ok();
        }
        let mut findings = Findings {
            file,
            text,
            found: Vec::new(),
        };
        findings.format();
        for policy in project.policies.iter().filter(|p| applies(p, file)) {
            findings.patterns(policy);
            if let Some(tree) = &directives {
                findings.directive_rules(policy, tree);
            }
        }
        findings
    }

    /// The file must parse back in its format, and then pass the format's own checks.
    fn format(&mut self) {
        let (file, text) = (self.file, self.text);
        let format = file.output.format.value;
        if let Err(e) = format.parse_back(text) {
            let at = byte_of(text, e.line, e.column);
            self.found.push((
                finding(
                    file,
                    Code::OutputSyntax,
                    format!("`{}` is not valid {format}: {}", file.rel, e.message),
                ),
                Some(at..at),
            ));
        } else {
            for e in format.check(text) {
                let at = byte_of(text, e.line, e.column);
                let message = format!("`{}` is not a valid {format} file: {}", file.rel, e.message);
                self.found
                    .push((finding(file, Code::OutputStructure, message), Some(at..at)));
            }
        }
    }

    /// `policy`'s patterns over the text: each required one must match, no forbidden one may.
    fn patterns(&mut self, policy: &Policy) {
        let (file, text) = (self.file, self.text);
        for rule in &policy.require {
            match rule.regex() {
                Ok(re) if re.is_match(text) => {}
                Ok(_) => self.found.push((
                    broken(file, policy, rule)
                        .note(format!("required pattern not found: {}", rule.pattern)),
                    None,
                )),
                Err(why) => self.found.push((cannot_run(file, policy, rule, why), None)),
            }
        }
        for rule in &policy.forbid {
            match rule.regex().map(|re| re.find(text)) {
                Ok(None) => {}
                Ok(Some(m)) => self.found.push((
                    broken(file, policy, rule).note(format!("forbidden pattern: {}", rule.pattern)),
                    Some(m.range()),
                )),
                Err(why) => self.found.push((cannot_run(file, policy, rule, why), None)),
            }
        }
    }

    /// `policy`'s directive rules over `tree`, the file's directives.
    fn directive_rules(&mut self, policy: &Policy, tree: &[Directive]) {
        let file = self.file;
        for rule in &policy.directives {
            for broken in directives::check(tree, rule) {
                let message = format!(
                    "`{}` breaks policy `{}`: {}",
                    file.rel, policy.name, rule.message
                );
                self.found.push((
                    finding(file, Code::Policy, message).note(broken.note),
                    broken.at,
                ));
            }
        }
    }
}

/// The rendered text as a finding may show it: masked line by line where `mask` says (an
/// output that holds secrets), and on each `tainted` line of a plain output.
fn shown(
    file: &RenderedFile,
    text: &str,
    mask: Option<&super::LineMask>,
    tainted: &HashSet<usize>,
) -> Source {
    let shown: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| match mask {
            Some(mask) => format!("{}\n", mask.new_line(i, l)),
            None if tainted.contains(&i) => format!("{}\n", super::mask::MASK),
            None => format!("{l}\n"),
        })
        .collect();
    Source::new(
        format!("{} (rendered)", file.rel),
        file.rel.clone().into(),
        shown,
    )
}

fn applies(policy: &Policy, file: &RenderedFile) -> bool {
    (policy.outputs.is_empty() || policy.outputs.contains(&file.output.name))
        && (policy.tiers.is_empty() || policy.tiers.contains(&file.env.tier))
}

/// 1-based line, 0-based character column of a byte offset.
fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..byte.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count(),
    )
}

/// The byte offset of a 1-based line and column.
fn byte_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    text[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

fn broken(file: &RenderedFile, policy: &Policy, rule: &Rule) -> Diagnostic {
    let message = format!(
        "`{}` breaks policy `{}`: {}",
        file.rel, policy.name, rule.message
    );
    finding(file, Code::Policy, message)
}

/// A policy whose pattern cannot be compiled: broken, never passed.
fn cannot_run(file: &RenderedFile, policy: &Policy, rule: &Rule, why: &str) -> Diagnostic {
    broken(file, policy, rule).note(format!("the pattern `{}` cannot run: {why}", rule.pattern))
}

fn finding(file: &RenderedFile, code: Code, message: String) -> Diagnostic {
    Diagnostic::new(code, message)
        .env(&file.env.name)
        .help(format!(
            "fix the template `{}` or the values it uses; nothing was written",
            file.output
                .template
                .value
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ))
}

/// Lines (0-based) of plain outputs that hold a secret value, by index in `files`.
pub type Tainted = HashMap<usize, HashSet<usize>>;

/// Every output not declared to hold secrets, searched for every secret value decrypted
/// for its environment.
pub fn no_secret_in_plain_outputs(
    files: &[RenderedFile],
    values: &BTreeMap<String, Plaintext>,
) -> (Vec<Diagnostic>, Tainted) {
    let scanned: Vec<(&String, &str)> = values
        .iter()
        .map(|(k, v)| (k, v.expose_secret()))
        .filter(|(_, v)| v.len() >= MIN_SCANNED_SECRET)
        .collect();
    let plain: Vec<(usize, &RenderedFile, &str)> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.output.secrets)
        .filter_map(|(i, f)| match &f.content {
            Content::Ready(text) => Some((i, f, text.as_str())),
            Content::Skipped { .. } => None,
        })
        .collect();
    let mut tainted = Tainted::new();
    if scanned.is_empty() || plain.is_empty() {
        return (Vec::new(), tainted);
    }
    // One SIMD substring search per secret: building any multi-pattern automaton for
    // the 40 secrets of one environment (rebuilt for every environment) cost more than
    // searching its few kB of plain outputs: as a DFA a sixth of a 1,000-environment
    // plan, as an NFA still a tenth; these searchers cost next to nothing to build.
    let finders: Vec<memmem::Finder> = scanned
        .iter()
        .map(|(_, v)| memmem::Finder::new(v.as_bytes()))
        .collect();
    let mut found = Vec::new();
    for (index, file, text) in plain {
        let mut seen = std::collections::BTreeSet::new();
        // Every occurrence, overlapping ones included, in the order of their ends (as an
        // overlapping Aho-Corasick search reports them).
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for (pattern, finder) in finders.iter().enumerate() {
            let mut from = 0;
            while let Some(i) = finder.find(&text.as_bytes()[from..]) {
                let start = from + i;
                hits.push((start + finder.needle().len(), start, pattern));
                from = start + 1;
            }
        }
        hits.sort_unstable();
        for (end, start, pattern) in hits {
            let first = text[..start].matches('\n').count();
            let lines = text[start..end].matches('\n').count();
            tainted
                .entry(index)
                .or_default()
                .extend(first..=first + lines);
            let name = scanned[pattern].0;
            if !seen.insert(name) {
                continue;
            }
            let line = first + 1;
            found.push(
                Diagnostic::new(Code::SecretInPlainOutput, format!("the value of secret `{name}` appears in `{}`, which is not declared to hold secrets", file.rel))
                    .key(name.clone())
                    .env(&file.env.name)
                    .note(format!("at line {line} of the rendered `{}`", file.output.name))
                    .help("render it only into an output with `secrets = true`; nothing was written"),
            );
        }
    }
    (found, tainted)
}
