//! A float where the schema asks for an integer (issue 19 h). JSON Schema counts a float
//! with no fraction as an integer, so `PORT: 8.08e3` passed `type: integer` and rendered
//! as `8080.0`, a value nobody wrote. A YAML float is a float: cfgc refuses it where the
//! schema wants an integer, with a finding that says to write the number in digits alone.
//! (Keeping the text as written was the other choice; it would hand `8.08e3` to a program
//! that reads a port with `parseInt`, and get 8.)
//!
//! Where the schema wants an integer is asked of the validator itself, so `$ref`, `if`/
//! `then`, `anyOf` and every other way of saying it count: the instance is validated again
//! with each whole float moved the smallest step off the integers, and a float that this
//! alone makes fail is one the schema took only as an integer.

use std::collections::BTreeSet;

use jsonschema::error::ValidationErrorKind as K;
use serde_json::Value;

use super::schema_error::display_key;
use super::{Merged, Schema};
use crate::diagnostic::{Code, Diagnostic};
use crate::node::{Kind, Map, Node};

/// Findings for the whole floats of `instance` the schema accepts only as integers.
/// `failing` holds the JSON pointers that already have a finding.
pub(super) fn check(
    merged: &Merged,
    schema: &Schema,
    instance: &Value,
    failing: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let mut floats = Vec::new();
    collect(&merged.vars, &mut Vec::new(), &mut floats);
    floats.retain(|(path, _)| {
        path.first()
            .is_some_and(|k| !schema.secrets.contains(k) && !k.starts_with('$'))
            && !failing.contains(&pointer(path))
    });
    if floats.is_empty() {
        return Vec::new();
    }
    let mut moved = instance.clone();
    for (path, node) in &floats {
        if let (Kind::Float(f), Some(slot)) = (&node.kind, moved.pointer_mut(&pointer(path))) {
            *slot = serde_json::Number::from_f64(f.next_up()).map_or(Value::Null, Value::Number);
        }
    }
    let refused: BTreeSet<String> = schema
        .validator
        .iter_errors(&moved)
        .filter(|e| wants_integer(e.kind()))
        .map(|e| e.instance_path().as_str().to_string())
        .collect();
    floats
        .iter()
        .filter(|(path, _)| refused.contains(&pointer(path)))
        .map(|(path, node)| finding(merged, path, node))
        .collect()
}

/// The failures a step off the integers can cause: not the range checks, which a step
/// can cross only at their very bound.
fn wants_integer(kind: &K) -> bool {
    matches!(
        kind,
        K::Type { .. }
            | K::MultipleOf { .. }
            | K::AnyOf { .. }
            | K::OneOfNotValid { .. }
            | K::Enum { .. }
            | K::Constant { .. }
    )
}

/// Every float with no fraction that a step can move off the integers (below 2^52).
fn collect<'a>(map: &'a Map, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, &'a Node)>) {
    for (key, entry) in map {
        path.push(key.clone());
        walk(&entry.node, path, out);
        path.pop();
    }
}

fn walk<'a>(node: &'a Node, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, &'a Node)>) {
    match &node.kind {
        Kind::Float(f) if f.fract() == 0.0 && f.abs() < 4_503_599_627_370_496.0 => {
            out.push((path.clone(), node));
        }
        Kind::Map(map) => collect(map, path, out),
        Kind::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn finding(merged: &Merged, path: &[String], node: &Node) -> Diagnostic {
    let key = display_key(path);
    Diagnostic::new(Code::SchemaType,
        format!("`{key}` must be of type integer, and is written as a float"),
    )
    .at(node.span)
    .label("a float: it has a `.` or an exponent")
    .key(&key)
    .env(&merged.env.name)
    .note("JSON Schema counts a float with no fraction as an integer; cfgc does not, so that the value renders as it was written")
    .help("write the whole number in digits alone, without `.` or an exponent")
}
