//! An environment's store record, read and written through the project's filesystem.

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{Purpose, Role};
use crate::project::{Project, store::Store as Declared};
use crate::source::{FileId, Source, SourceMap, Span};
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

pub fn read(
    project: &Project,
    store: &Declared,
    sources: &mut SourceMap,
) -> Result<RecordFile, Diagnostic> {
    let path = &store.record.value;
    let bytes = project
        .fs
        .read_if_exists(&path.rel, Role::Layer)
        .map_err(|e| {
            e.diagnostic()
                .at(store.record.span)
                .label("the record of this store")
        })?;
    let Some(bytes) = bytes else {
        return Ok(RecordFile {
            record: Record::default(),
            id: None,
        });
    };
    let name = crate::source::display_name(&project.root, path);
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::new(Code::StoreRecord, format!("`{name}` is not valid UTF-8"))
            .at(store.record.span)
    })?;
    let id = match sources.find(&path.abs) {
        Some(id) => id,
        None => sources.add(Source::new(name.clone(), path.abs.clone(), text.clone())),
    };
    match record::parse(&text) {
        Ok(record) => Ok(RecordFile {
            record,
            id: Some(id),
        }),
        Err(e) => {
            let span = e.span.unwrap_or(0..0);
            Err(
                Diagnostic::new(Code::StoreRecord, format!("`{name}`: {}", e.message))
                    .at(Span::new(id, span.start, span.end)),
            )
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
