//! YAML layers: a tree built from saphyr-parser's events so that every node
//! keeps its span, `!unset` is seen, and duplicate keys are errors.
//!
//! Scalars resolve by the YAML 1.2 core schema, strictly: only `true`/`false`
//! are booleans (not `yes`/`no`), and `0644` stays a string, as a user writing
//! a file mode or a zip code means.

mod build;
mod flat;
mod scalar;

pub(crate) use scalar::resolve_plain;

use crate::diagnostic::Diagnostic;
use crate::fs::Limits;
use crate::node::{Entry, Kind, Node};
use crate::source::{FileId, Source, Span};

/// `parse_with` under the default limits (for text cfgc made itself, and tests).
pub fn parse(file: FileId, src: &Source) -> Result<Node, Diagnostic> {
    parse_with(file, src, &Limits::default())
}

/// A YAML file as a span-keeping tree, refused past `limits.depth` levels of nesting
/// (the tree is built by recursion: deeper input would overflow the stack) or when its
/// aliases would copy more than `limits.alias_bytes` of text ("billion laughs").
pub fn parse_with(file: FileId, src: &Source, limits: &Limits) -> Result<Node, Diagnostic> {
    match parse_flat_first(file, src, limits) {
        Some(node) => Ok(node),
        None => parse_full(file, src, limits),
    }
}

/// The file's flat lines read by `flat`, and the rest of it, if any, by the full parser
/// alone; `None` when that cannot give exactly what the full parser gives for the whole
/// file (then it reads the whole file, and reports any error).
fn parse_flat_first(file: FileId, src: &Source, limits: &Limits) -> Option<Node> {
    if limits.depth == 0 {
        return None;
    }
    let text = &src.text;
    let prefix = flat::prefix(file, text)?;
    // Without an entry there is nothing to gain, and the span would start elsewhere.
    let first = prefix.first?;
    let mut entries = prefix.entries;
    let mut end = text.len();
    if prefix.rest < text.len() {
        let rest = Source::new(
            String::new(),
            Default::default(),
            text[prefix.rest..].into(),
        );
        let rest = parse_full(file, &rest, limits).ok()?;
        let Kind::Map(more) = rest.kind else {
            return None;
        };
        let by = u32::try_from(prefix.rest).ok()?;
        for (key, mut entry) in more {
            shift(&mut entry, by);
            if entries.insert(key, entry).is_some() {
                return None;
            }
        }
        end = prefix.rest + rest.span.end as usize;
    }
    Some(Node::new(Kind::Map(entries), Span::new(file, first, end)))
}

/// Moves an entry read from a later part of a file to its place in the whole file.
fn shift(entry: &mut Entry, by: u32) {
    entry.key_span.start += by;
    entry.key_span.end += by;
    shift_node(&mut entry.node, by);
}

fn shift_node(node: &mut Node, by: u32) {
    node.span.start += by;
    node.span.end += by;
    match &mut node.kind {
        Kind::List(items) => items.iter_mut().for_each(|item| shift_node(item, by)),
        Kind::Map(map) => map.values_mut().for_each(|entry| shift(entry, by)),
        _ => {}
    }
}

/// `parse_with` by the full parser alone: what the flat-lines route must agree with (its
/// tests and the `layer_merge` fuzz target compare the two).
pub fn parse_full(file: FileId, src: &Source, limits: &Limits) -> Result<Node, Diagnostic> {
    build::document(file, src, limits)
}

#[cfg(test)]
mod tests;
