//! Masking a secrets file that is not even YAML: its diagnostics still show its lines,
//! and any of them may hold a value typed in by hand.

use crate::source::{FileId, Source, Span};

/// Spans to mask in a secrets file that could not be parsed as YAML: everything after
/// the first `:` of each line (the whole line when it has none), since any of it may be a
/// value typed in by hand. Comments and armor lines stay readable.
pub fn redact_unparsed(src: &Source, file: FileId) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in src.text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let from = if body.trim_start().starts_with('#') || body.trim_start().starts_with("-----") {
            None
        } else {
            Some(
                body.find(':')
                    .map_or(body.len() - body.trim_start().len(), |i| i + 1),
            )
        };
        if let Some(from) = from
            && from < body.len()
        {
            out.push(Span::new(file, start + from, start + body.len()));
        }
        start += line.len();
    }
    out
}
