//! Findings and errors, as data, and their human form (`human`); `report` turns them into
//! text, JSON or GitHub annotations and prints them.
//!
//! A diagnostic never holds a value from the user's files: messages name keys,
//! types and rules. The source line shown under it is masked where a value
//! may be secret (see `human`).

pub mod code;
pub mod human;

pub use code::Code;

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What a diagnostic means for the run, and so for the exit code (see `exit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Something wrong in the project's content: the run completed and reports it (exit 1).
    Finding,
    /// The run could not do its job: usage, unreadable or malformed input, a key that does
    /// not fit, an internal error (exit 2).
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: Kind,
    pub severity: Severity,
    /// Its entry in the catalogue (`code`), which decides its kind and severity.
    pub code: Code,
    pub message: String,
    /// Primary location; `None` for findings about the project as a whole.
    pub span: Option<Span>,
    /// Text under the caret.
    pub label: Option<String>,
    /// The variable the finding is about, as a path (`CORS_ORIGINS[1]`).
    pub key: Option<String>,
    /// Environments the finding was seen in (empty: not environment-specific).
    pub environments: Vec<String>,
    /// JSON pointer into the schema of the rule that failed.
    pub schema_path: Option<String>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `code`: its kind, its severity and its help until `help` says
    /// something more precise come from the catalogue.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            kind: code.kind(),
            severity: code.severity(),
            code,
            message: message.into(),
            span: None,
            label: None,
            key: None,
            environments: Vec::new(),
            schema_path: None,
            notes: Vec::new(),
            help: Some(code.help().to_string()),
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn env(mut self, env: &str) -> Self {
        self.environments.push(env.to_string());
        self
    }

    pub fn schema_path(mut self, path: impl Into<String>) -> Self {
        self.schema_path = Some(path.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A finding about the project's content (exit 1), as opposed to an error that
    /// stopped the run (exit 2).
    pub fn is_finding(&self) -> bool {
        self.kind == Kind::Finding
    }

    /// Two findings that differ only in their environment are one finding.
    fn identity(&self) -> impl Ord + '_ {
        (
            self.span,
            self.code,
            &self.message,
            &self.key,
            &self.schema_path,
        )
    }
}

/// Merge findings seen in several environments and sort them by location.
pub fn dedupe_and_sort(
    mut all: Vec<Diagnostic>,
    order: impl Fn(&Diagnostic) -> (String, u32),
) -> Vec<Diagnostic> {
    all.sort_by(|a, b| {
        order(a)
            .cmp(&order(b))
            .then_with(|| a.identity().cmp(&b.identity()))
            .then_with(|| a.environments.cmp(&b.environments))
    });
    let mut out: Vec<Diagnostic> = Vec::with_capacity(all.len());
    for d in all {
        match out.last_mut() {
            Some(last) if last.identity() == d.identity() => {
                for env in d.environments {
                    if !last.environments.contains(&env) {
                        last.environments.push(env);
                    }
                }
            }
            _ => out.push(d),
        }
    }
    out
}
