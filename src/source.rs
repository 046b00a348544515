//! Source files as read from disk, and the byte spans that point into them.
//!
//! Every value cfgc loads keeps a `Span`; diagnostics turn it back into
//! `file:line:col` and a source line only when they are printed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a `SourceMap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
}

/// One file's text with a line index.
#[derive(Debug)]
pub struct Source {
    /// Path as shown to the user: relative to the project root when inside it.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(name: String, path: PathBuf, text: String) -> Source {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            name,
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..floor_char(&self.text, byte)]
            .chars()
            .count();
        (line + 1, col + 1)
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line.clamp(1, self.line_starts.len()) - 1];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub fn byte_at(&self, line: usize, char_col: usize) -> usize {
        let range = self.line_range(line);
        self.text[range.clone()]
            .char_indices()
            .nth(char_col)
            .map_or(range.end, |(i, _)| range.start + i)
    }
}

fn floor_char(text: &str, mut byte: usize) -> usize {
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// All files read in one run, addressed by `FileId`.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<Source>>,
    /// Spans whose text is never shown, whoever reports on them: secret values and
    /// anything that may hold one (see `report::human`).
    redactions: Vec<Span>,
}

impl SourceMap {
    pub fn add(&mut self, source: Source) -> FileId {
        self.files.push(Arc::new(source));
        FileId(self.files.len() as u32 - 1)
    }

    /// Reserve an id for a file that is read later (in parallel).
    pub fn reserve(&mut self, name: String, path: PathBuf) -> FileId {
        self.add(Source::new(name, path, String::new()))
    }

    /// Put a file read in parallel in the place `reserve` kept for it.
    pub fn fill(&mut self, id: FileId, source: Source) {
        self.files[id.0 as usize] = Arc::new(source);
    }

    pub fn get(&self, id: FileId) -> &Source {
        &self.files[id.0 as usize]
    }

    /// A handle on a file's text that outlives a borrow of the map (for parallel stages).
    pub fn shared(&self, id: FileId) -> Arc<Source> {
        Arc::clone(&self.files[id.0 as usize])
    }

    /// Never show this span's text in a source snippet.
    pub fn redact(&mut self, span: Span) {
        self.redactions.push(span);
    }

    pub fn redactions(&self) -> &[Span] {
        &self.redactions
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }
}

/// The name to show for `path`: relative to `root` when inside it.
pub fn display_name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = Source::new("f".into(), "f".into(), "a: 1\nbé: x\n".into());
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(5), (2, 1));
        assert_eq!(s.line_col(10), (2, 5));
        assert_eq!(&s.text[s.line_range(2)], "bé: x");
        assert_eq!(s.byte_at(2, 4), 10);
    }
}
