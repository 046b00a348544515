//! The value tree every layer is loaded into, whatever its file format.
//!
//! Each node keeps the span that defined it and, after merging, the spans of
//! the definitions it overrode: that is the provenance `check` reports.

use std::collections::BTreeMap;

use crate::source::Span;

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: Kind,
    /// Where the value was written.
    pub span: Span,
    /// Earlier definitions this one replaced, oldest first.
    pub overrides: Vec<Span>,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Node>),
    Map(Map),
    /// The `!unset` marker: removes the key from the merged result.
    Unset,
}

/// A map entry keeps the key's own span: "defined here" points at the key.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key_span: Span,
    pub node: Node,
}

pub type Map = BTreeMap<String, Entry>;

impl Node {
    pub fn new(kind: Kind, span: Span) -> Node {
        Node {
            kind,
            span,
            overrides: Vec::new(),
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// JSON form, for JSON Schema and templates.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Null | Kind::Unset => J::Null,
            Kind::Bool(b) => J::Bool(*b),
            Kind::Int(i) => J::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Kind::Str(s) => J::String(s.clone()),
            Kind::List(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(m) => J::Object(map_to_json(m)),
        }
    }

    /// The node at a path of map keys and list indices below this one.
    pub fn at<'a>(&'a self, path: &[String]) -> Option<&'a Node> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let next = match &self.kind {
            Kind::Map(m) => &m.get(first)?.node,
            Kind::List(items) => items.get(first.parse::<usize>().ok()?)?,
            _ => return None,
        };
        next.at(rest)
    }

    /// Every string in this subtree, with its span.
    pub fn strings<'a>(&'a self, out: &mut Vec<(&'a str, Span)>) {
        match &self.kind {
            Kind::Str(s) => out.push((s, self.span)),
            Kind::List(items) => items.iter().for_each(|n| n.strings(out)),
            Kind::Map(m) => m.values().for_each(|e| e.node.strings(out)),
            _ => {}
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null | Kind::Unset => "null",
            Kind::Bool(_) => "boolean",
            Kind::Int(_) => "integer",
            Kind::Float(_) => "number",
            Kind::Str(_) => "string",
            Kind::List(_) => "array",
            Kind::Map(_) => "object",
        }
    }
}

/// The entry at a path of map keys and list indices, from a top-level map.
pub fn entry_at<'a>(map: &'a Map, path: &[String]) -> Option<(&'a Entry, &'a Node)> {
    let (first, rest) = path.split_first()?;
    let entry = map.get(first)?;
    Some((entry, entry.node.at(rest)?))
}

pub fn map_to_json(m: &Map) -> serde_json::Map<String, serde_json::Value> {
    m.iter()
        .map(|(k, e)| (k.clone(), e.node.to_json()))
        .collect()
}
