//! An environment's store record, read and written through the project's filesystem.

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Purpose;
use crate::project::{Project, store::Store as Declared};
use crate::source::{FileId, SourceMap, Span};
use crate::store::record::{self, Record};

/// A record as read: its content, and where its text is for findings.
pub struct RecordFile {
    pub record: Record,
    /// `None` when the file does not exist yet (no push so far).
    pub id: Option<FileId>,
}

impl RecordFile {
    /// The span of `range` in the record's text, or the store's declaration without one.
    pub fn span(&self, range: &std::ops::Range<usize>, declared: &Declared) -> Span {
        match self.id {
            Some(id) => Span::new(id, range.start, range.end),
            None => declared.span,
        }
    }
}

/// The record as the load stage read it: every command that reads a record loads its
/// environment first, and load reads each declared record once, with the layers (empty
/// when it does not exist yet), and stops on a damaged one at its line.
pub fn read(store: &Declared, sources: &SourceMap) -> Result<RecordFile, Diagnostic> {
    let path = &store.record.value;
    let Some(id) = sources.find(&path.abs) else {
        return Err(Diagnostic::new(
            Code::StoreRecord,
            format!("internal error: the record `{}` was not loaded", path.rel),
        )
        .at(store.record.span));
    };
    let source = sources.get(id);
    match record::parse(&source.text) {
        Ok(record) => Ok(RecordFile {
            record,
            id: Some(id),
        }),
        Err(e) => {
            let span = e.span.unwrap_or(0..0);
            Err(Diagnostic::new(
                Code::StoreRecord,
                format!("`{}`: {}", source.name, e.message),
            )
            .at(Span::new(id, span.start, span.end)))
        }
    }
}

/// Writes `record` over the environment's record, atomically.
pub fn write(
    project: &Project,
    env: &str,
    store: &Declared,
    record: &Record,
) -> Result<(), Diagnostic> {
    let text = record::serialize(env, record);
    project
        .fs
        .write_atomic(
            &store.record.value.rel,
            text.as_bytes(),
            0o644,
            Purpose::Record(env),
        )
        .map_err(|e| e.diagnostic())
}
