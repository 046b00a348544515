//! rustc-style text: message, `--> file:line:col`, the source line with a
//! caret, then notes and help. Secret values are masked in the source line.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

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
    let mut group = Group::with_title(level.primary_title(d.message.as_str()).id(d.code));
    if let Some(span) = d.span {
        let src = sources.get(span.file);
        let (line, _) = src.line_col(span.start as usize);
        let range = src.line_range(line);
        let text = masked(&src.text[range.clone()], range.start, span, redactions);
        let start = span.start as usize - range.start;
        let end = (span.end as usize).clamp(span.start as usize, range.end) - range.start;
        // An empty span (e.g. end of file) still gets one caret.
        let end = if end == start {
            start + text[start..].chars().next().map_or(0, char::len_utf8)
        } else {
            end
        };
        let mut annotation = AnnotationKind::Primary.span(start..end);
        if let Some(label) = &d.label {
            annotation = annotation.label(label.as_str());
        }
        group = group.element(
            Snippet::source(text)
                .line_start(line)
                .path(src.name.clone())
                .annotation(annotation),
        );
    }
    if !d.environments.is_empty() {
        let noun = if d.environments.len() == 1 {
            "environment"
        } else {
            "environments"
        };
        group =
            group.element(Level::NOTE.message(format!("{noun}: {}", d.environments.join(", "))));
    }
    if let Some(p) = &d.schema_path {
        group = group.element(Level::NOTE.message(format!("schema: {p}")));
    }
    for n in &d.notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(h.as_str()));
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
        let from = s.max(line_start) - line_start;
        let to = e.min(line_end) - line_start;
        bytes[from..to].fill(b'*');
    }
    // Masking whole bytes of a multi-byte character can split it: keep the
    // text valid by letting lossy decoding mend it (same length in bytes for
    // ASCII, which is all a mask writes).
    String::from_utf8_lossy(&bytes).into_owned()
}
