//! Turning diagnostics into what the user reads: rustc-style text, a stable
//! JSON document, or GitHub Actions annotations.

pub mod docs;
pub mod explain;
pub mod github;
pub mod json;
pub mod plan;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// A diagnostic's location as line and column numbers (1-based).
pub struct Position {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn position(sources: &SourceMap, span: Span) -> Position {
    let src = sources.get(span.file);
    let (line, column) = src.line_col(span.start as usize);
    let (end_line, end_column) = src.line_col(span.end as usize);
    Position {
        file: src.name.clone(),
        line,
        column,
        end_line,
        end_column,
    }
}

/// Sort key: file, then byte offset (project-level findings first).
pub fn order(sources: &SourceMap) -> impl Fn(&Diagnostic) -> (String, u32) + '_ {
    |d| match d.span {
        Some(s) => (sources.get(s.file).name.clone(), s.start),
        None => (String::new(), 0),
    }
}
