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
    /// Characters are bytes: a column is an offset (most files, and a hot path of load).
    ascii: bool,
}

impl Source {
    pub fn new(name: String, path: PathBuf, text: String) -> Source {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        let ascii = text.is_ascii();
        Source {
            name,
            path,
            text,
            line_starts,
            ascii,
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
        if self.ascii {
            // As `line_range` finds it, without scanning the line: the YAML parser asks
            // for every event's start and end.
            let i = line.clamp(1, self.line_starts.len()) - 1;
            let start = self.line_starts[i];
            let mut end = self
                .line_starts
                .get(i + 1)
                .map_or(self.text.len(), |&next| next - 1);
            if self.text.as_bytes()[start..end].last() == Some(&b'\r') {
                end -= 1;
            }
            return (start + char_col).min(end);
        }
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
///
/// A file that only one environment uses is read inside that environment's task: the
/// task works on a [`fork`](SourceMap::fork), which sees the whole map plus its own
/// files, and hands them back ([`absorb`](SourceMap::absorb)) only when something will
/// be shown from them. Until then the map holds the file's name and path only.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Arc<Vec<Arc<Source>>>,
    /// Files a fork read, which the shared list does not hold (yet).
    local: Vec<(FileId, Arc<Source>)>,
    forked: bool,
    /// Spans whose text is never shown, whoever reports on them: secret values and
    /// anything that may hold one (see `crate::diagnostic::human`).
    redactions: Vec<Span>,
}

/// The files one environment's task read and the spans it redacted, kept for reporting.
#[derive(Debug, Default)]
pub struct Local {
    files: Vec<(FileId, Arc<Source>)>,
    redactions: Vec<Span>,
}

impl SourceMap {
    pub fn add(&mut self, source: Source) -> FileId {
        let files = Arc::make_mut(&mut self.files);
        files.push(Arc::new(source));
        FileId(files.len() as u32 - 1)
    }

    /// Reserve an id for a file that is read later (in parallel).
    pub fn reserve(&mut self, name: String, path: PathBuf) -> FileId {
        self.add(Source::new(name, path, String::new()))
    }

    /// Put a file read in parallel in the place `reserve` kept for it. In a fork, the
    /// file stays the fork's own until the fork is absorbed.
    pub fn fill(&mut self, id: FileId, source: Source) {
        if self.is_fork() {
            self.local.push((id, Arc::new(source)));
        } else {
            Arc::make_mut(&mut self.files)[id.0 as usize] = Arc::new(source);
        }
    }

    /// A map for one environment's task: everything this one holds, and what the task
    /// reads itself. Cheap: the shared list is not copied.
    pub fn fork(&self) -> SourceMap {
        SourceMap {
            files: Arc::clone(&self.files),
            local: Vec::new(),
            forked: true,
            redactions: Vec::new(),
        }
    }

    /// What a fork read and redacted, without its handle on the shared list (which
    /// would make the next `absorb` copy the list).
    pub fn into_local(self) -> Local {
        Local {
            files: self.local,
            redactions: self.redactions,
        }
    }

    /// Take in what a fork read and the spans it redacted (after the parallel stage).
    pub fn absorb(&mut self, local: Local) {
        for (id, source) in local.files {
            Arc::make_mut(&mut self.files)[id.0 as usize] = source;
        }
        self.redactions.extend(local.redactions);
    }

    fn is_fork(&self) -> bool {
        self.forked
    }

    pub fn get(&self, id: FileId) -> &Source {
        match self.local.iter().find(|(i, _)| *i == id) {
            Some((_, source)) => source,
            None => &self.files[id.0 as usize],
        }
    }

    /// A handle on a file's text that outlives a borrow of the map (for parallel stages).
    pub fn shared(&self, id: FileId) -> Arc<Source> {
        match self.local.iter().find(|(i, _)| *i == id) {
            Some((_, source)) => Arc::clone(source),
            None => Arc::clone(&self.files[id.0 as usize]),
        }
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

    #[test]
    fn byte_at_ascii_matches_the_general_path() {
        let text = "a: 1\r\nbb: x\n\nlast";
        let ascii = Source::new("f".into(), "f".into(), text.into());
        // The same text with one non-ASCII character past the end takes the general path.
        let general = Source::new("f".into(), "f".into(), format!("{text}é"));
        for line in 0..7 {
            for col in 0..8 {
                let want = general.byte_at(line, col).min(text.len());
                assert_eq!(ascii.byte_at(line, col), want, "line {line} col {col}");
            }
        }
    }
}
