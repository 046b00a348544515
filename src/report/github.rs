//! `--format github`: GitHub Actions workflow commands, one line a finding,
//! so a pull request shows each finding on the line it is about.

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(p) = d.span.map(|s| position(sources, s)) {
            props.push(format!("file={}", property(&p.file)));
            props.push(format!("line={}", p.line));
            props.push(format!("col={}", p.column));
            props.push(format!("endLine={}", p.end_line));
            props.push(format!("endColumn={}", p.end_column));
        }
        props.push(format!("title={}", property(&format!("cfgc {}", d.code))));
        let mut message = d.message.clone();
        if !d.environments.is_empty() {
            message.push_str(&format!(" (environments: {})", d.environments.join(", ")));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// Escaping for the message part of a workflow command. Terminal control bytes are
/// written out first (`crate::diagnostic::human::escape_controls`): the Actions log renders ANSI
/// sequences.
fn data(s: &str) -> String {
    crate::diagnostic::human::escape_controls(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value, which also may not hold `:` or `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
