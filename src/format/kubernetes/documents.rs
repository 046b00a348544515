//! A manifest file read as kubectl reads it. kubectl splits a file into documents at every
//! line that starts with `---` (its YAMLReader, before any YAML parser runs) and refuses such
//! a line with anything but a comment after the marker; a document of comments and blanks
//! is skipped. Each document is then read by cfgc's strict YAML reader (one document, no
//! duplicate keys, no tags or complex keys), so what is checked is what the API receives.

use super::super::SyntaxError;
use crate::node::Node;
use crate::source::{FileId, Source};

/// One document of the file.
pub struct Document {
    /// Byte offset in the file of the document's first line: a node's span in `root`
    /// counts from here.
    pub start: usize,
    pub root: Node,
}

/// A file split and read into its documents, with the file kept for positions.
pub struct Stream {
    file: Source,
    pub documents: Vec<Document>,
}

impl Stream {
    /// `text` read document by document, or where the first one stops.
    pub fn read(text: &str) -> Result<Stream, SyntaxError> {
        let file = Source::new(String::new(), Default::default(), text.to_string());
        let ranges = split(text).map_err(|marker| {
            file_error(
                &file,
                marker + 3,
                "after `---` kubectl takes only a comment",
            )
        })?;
        let mut documents = Vec::new();
        for (start, end) in ranges {
            if let Some(root) = read_document(&file, start, &text[start..end])? {
                documents.push(Document { start, root });
            }
        }
        Ok(Stream { file, documents })
    }

    /// A problem at byte `at` of `document`, positioned in the whole file.
    pub fn at(&self, document: &Document, at: usize, message: String) -> SyntaxError {
        file_error(&self.file, document.start + at, &message)
    }

    /// A problem with the file as a whole, at its start.
    pub fn whole(&self, message: &str) -> SyntaxError {
        file_error(&self.file, 0, message)
    }
}

/// The byte ranges of the documents between kubectl's separator lines, or the offset of a
/// separator line kubectl refuses.
fn split(text: &str) -> Result<Vec<(usize, usize)>, usize> {
    let mut ranges = Vec::new();
    let (mut start, mut offset) = (0, 0);
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                return Err(offset);
            }
            ranges.push((start, offset));
            start = offset + line.len();
        }
        offset += line.len();
    }
    ranges.push((start, text.len()));
    Ok(ranges)
}

/// One document's tree, or `None` for one kubectl skips (comments and blanks only).
fn read_document(file: &Source, start: usize, text: &str) -> Result<Option<Node>, SyntaxError> {
    let blank = text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    });
    if blank {
        return Ok(None);
    }
    let doc = Source::new(String::new(), Default::default(), text.to_string());
    crate::yaml::parse(FileId(0), &doc).map(Some).map_err(|d| {
        let within = d.span.map_or(0, |s| s.start as usize);
        file_error(file, start + within, &d.message)
    })
}

fn file_error(file: &Source, byte: usize, message: &str) -> SyntaxError {
    let (line, column) = file.line_col(byte);
    SyntaxError {
        line,
        column,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> usize {
        Stream::read(text)
            .map(|s| s.documents.len())
            .expect("reads")
    }

    #[test]
    fn splits_where_kubectl_splits_and_skips_blank_documents() {
        assert_eq!(count(""), 0);
        assert_eq!(count("# only a comment\n"), 0);
        assert_eq!(count("a: 1\n"), 1);
        assert_eq!(count("---\na: 1\n---\n\n---\nb: 2\n--- # c\n"), 2);
        assert_eq!(count("a: \"x\\n---\\ny\"\n"), 1);
    }

    #[test]
    fn refuses_what_kubectl_refuses_and_positions_it_in_the_file() {
        let e = Stream::read("a: 1\n--- b: 2\n").err().expect("refused");
        assert_eq!((e.line, e.column), (2, 4));
        let e = Stream::read("a: 1\n---\nb: 2\nb: 3\n")
            .err()
            .expect("duplicate");
        assert_eq!((e.line, e.column), (4, 1));
        // `...` ends a document; kubectl's YAML reader would drop what follows it.
        assert!(Stream::read("a: 1\n...\nb: 2\n").is_err());
    }
}
