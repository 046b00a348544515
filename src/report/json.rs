//! `--format json`: one document per run, with a stable, documented shape
//! (see README). Field order is fixed; nothing in it is a value from a file.

use serde::Serialize;

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    environments: &'a [String],
    summary: Summary,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

/// One diagnostic as JSON; `plan --format json` uses the same shape.
#[derive(Serialize)]
pub struct Finding<'a> {
    /// `finding` (the project's content, exit 1) or `error` (the run stopped, exit 2).
    kind: &'static str,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    key: Option<&'a str>,
    environments: &'a [String],
    schema_path: Option<&'a str>,
    notes: &'a [String],
    help: Option<&'a str>,
}

/// Every diagnostic as JSON, in order.
pub fn findings<'a>(diagnostics: &'a [Diagnostic], sources: &SourceMap) -> Vec<Finding<'a>> {
    diagnostics
        .iter()
        .map(|d| {
            let pos = d.span.map(|s| position(sources, s));
            Finding {
                kind: if d.is_finding() { "finding" } else { "error" },
                severity: d.severity,
                code: d.code.as_str(),
                message: &d.message,
                file: pos.as_ref().map(|p| p.file.clone()),
                line: pos.as_ref().map(|p| p.line),
                column: pos.as_ref().map(|p| p.column),
                end_line: pos.as_ref().map(|p| p.end_line),
                end_column: pos.as_ref().map(|p| p.end_column),
                key: d.key.as_deref(),
                environments: &d.environments,
                schema_path: d.schema_path.as_deref(),
                notes: &d.notes,
                help: d.help.as_deref(),
            }
        })
        .collect()
}

pub fn render(diagnostics: &[Diagnostic], environments: &[String], sources: &SourceMap) -> String {
    let findings = findings(diagnostics, sources);
    let doc = Document {
        version: 1,
        environments,
        summary: Summary {
            errors: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
        },
        findings,
    };
    let mut text = serde_json::to_string_pretty(&doc)
        .expect("the report serialises: it holds only strings and numbers");
    text.push('\n');
    text
}
