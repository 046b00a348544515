//! rustc-style text: message, `--> file:line:col`, the source line with a
//! caret, then notes and help. Secret values are masked in the source line.
//!
//! Every piece of text shown (message, path, source line, label, notes, help) passes
//! through `escape_controls` here, in one place: a key name, file name or value holding
//! terminal control bytes (ESC, CSI, BEL, CR…) cannot recolour the terminal, move the
//! cursor or overwrite a line of a CI log.

use std::borrow::Cow;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// The line that closes a run which stopped or found something (`error: 3 findings in …`),
/// as rustc's "aborting due to" closes its: the one place its form is written.
pub fn summary_line(text: &str) -> String {
    format!("error: {text}\n")
}

pub fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    redactions: &[Span],
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Spans redacted where a file was read (secrets files) count as much as the caller's.
    let redactions = [redactions, sources.redactions()].concat();
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_one(d, sources, &redactions, &renderer));
        out.push_str("\n\n");
    }
    out
}

fn render_one(
    d: &Diagnostic,
    sources: &SourceMap,
    redactions: &[Span],
    renderer: &Renderer,
) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(
        level
            .primary_title(escape_controls(&d.message))
            .id(d.code.as_str()),
    );
    if let Some(span) = d.span {
        let src = sources.get(span.file);
        let (line, _) = src.line_col(span.start as usize);
        let range = src.line_range(line);
        let text = masked(&src.text[range.clone()], range.start, span, redactions);
        // Same length in bytes, so the caret's byte offsets still hold.
        let text = blank_controls(&text).into_owned();
        // A span may start inside a character (a byte offset from a parser that counts
        // past a BOM) or past the line: annotate-snippets panics on either, so snap it to
        // the line's character boundaries.
        let start = floor_char(&text, (span.start as usize).saturating_sub(range.start));
        let end = (span.end as usize)
            .min(range.end)
            .saturating_sub(range.start);
        let end = ceil_char(&text, end).max(start);
        // An empty span (e.g. end of file) still gets one caret.
        let end = if end == start {
            start + text[start..].chars().next().map_or(0, char::len_utf8)
        } else {
            end
        };
        let mut annotation = AnnotationKind::Primary.span(start..end);
        if let Some(label) = &d.label {
            annotation = annotation.label(escape_controls(label));
        }
        group = group.element(
            Snippet::source(text)
                .line_start(line)
                .path(escape_controls(&src.name).into_owned())
                .annotation(annotation),
        );
    }
    if !d.environments.is_empty() {
        let noun = if d.environments.len() == 1 {
            "environment"
        } else {
            "environments"
        };
        group = group.element(Level::NOTE.message(
            escape_controls(&format!("{noun}: {}", d.environments.join(", "))).into_owned(),
        ));
    }
    if let Some(p) = &d.schema_path {
        group = group
            .element(Level::NOTE.message(escape_controls(&format!("schema: {p}")).into_owned()));
    }
    for n in &d.notes {
        group = group.element(Level::NOTE.message(escape_controls(n)));
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(escape_controls(h)));
    }
    renderer.render(&[group])
}

/// The line's text with every redacted byte range on it replaced by `*`.
fn masked(line: &str, line_start: usize, primary: Span, redactions: &[Span]) -> String {
    let mut bytes = line.as_bytes().to_vec();
    let line_end = line_start + line.len();
    for r in redactions.iter().filter(|r| r.file == primary.file) {
        let (s, e) = (r.start as usize, r.end as usize);
        if e <= line_start || s >= line_end {
            continue;
        }
        // Whole characters are masked, so the text stays valid UTF-8 of the same length
        // and the caret's byte offsets stay right.
        let from = floor_char(line, s.max(line_start) - line_start);
        let to = ceil_char(line, e.min(line_end) - line_start);
        bytes[from..to].fill(b'*');
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` with every control character but newline and tab written out as an escape
/// (`\x1b`, `\r`, `\u{9b}`), so it reaches the terminal as text, never as a command.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_shown_escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            c if is_shown_escaped(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_shown_escaped(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_shown_escaped(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// A source line with each control character (tab aside) replaced by as many `?` as it
/// has bytes: shown safely without moving the caret's byte offsets.
fn blank_controls(line: &str) -> Cow<'_, str> {
    if !line.chars().any(|c| c.is_control() && c != '\t') {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    "?".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The character boundary at or before `i` (at most the end of `text`).
fn floor_char(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The character boundary at or after `i` (at most the end of `text`).
fn ceil_char(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_escaped_newlines_and_tabs_kept() {
        assert_eq!(
            escape_controls("a\x1b[31mb\x07\rc\u{9b}d\n\te"),
            "a\\x1b[31mb\\x07\\rc\\u{9b}d\n\te"
        );
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(blank_controls("a\x1bb\u{9b}c\td"), "a?b??c\td");
    }

    use crate::diagnostic::Code;
    use crate::source::Source;

    fn one(text: &str, span: (usize, usize), redact: Option<(usize, usize)>) -> String {
        let mut sources = SourceMap::default();
        let id = sources.add(Source::new("f".into(), "f".into(), text.into()));
        let mut d = Diagnostic::new(Code::Project, "m")
            .at(Span::new(id, span.0, span.1))
            .label("here");
        d.help = None;
        let redactions: Vec<Span> = redact
            .map(|(s, e)| Span::new(id, s, e))
            .into_iter()
            .collect();
        render(&[d], &sources, &redactions, false)
    }

    // Found by the hostile corpus: a schema saved with a BOM made serde_json's error
    // point at byte 0..1, inside the BOM, and annotate-snippets panicked (exit 101).
    #[test]
    fn span_inside_a_bom_does_not_panic() {
        let out = one("\u{feff}{", (0, 1), None);
        assert!(out.contains("--> f:1:1"), "{out}");
    }

    #[test]
    fn span_past_the_end_of_the_file_does_not_panic() {
        let out = one("a: 1\n", (40, 50), None);
        assert!(out.contains("error[project]: m"), "{out}");
    }

    #[test]
    fn a_redaction_that_splits_a_character_masks_all_of_it() {
        // `é` is two bytes; the redaction covers only its first.
        let out = one("k: é secret", (0, 1), Some((3, 4)));
        assert!(out.contains("k: ** secret"), "{out}");
        assert!(!out.contains('é') && !out.contains('\u{fffd}'), "{out}");
    }
}
