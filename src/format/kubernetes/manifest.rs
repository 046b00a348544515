//! What the API server refuses, or silently changes, in a file of Secret and ConfigMap
//! manifests that parses back: each document a core `v1` Secret or ConfigMap with a valid
//! `metadata.name`; only the fields the object has (the server refuses unknown ones); every
//! value under `data`, `stringData` and `binaryData` a string under a valid key, base64
//! where the field is bytes; no key in two of them (a Secret's `stringData` silently
//! replaces its `data` value); at most 1 MiB of values per object; no object twice.
//! Messages name fields and keys, never a value.

use std::collections::BTreeMap;

use super::documents::{Document, Stream};
use super::names::{decoded_len, key_problem, label_problem, subdomain_problem};
use crate::format::SyntaxError;
use crate::node::{Entry, Kind, Map, Node};

/// The most the values of one object may hold together: the API server's `MaxSecretSize`,
/// which ConfigMaps share.
pub const MAX_OBJECT_BYTES: usize = 1 << 20;

/// One of the objects the format is for.
struct Shape {
    kind: &'static str,
    /// Every top-level field the object has.
    fields: &'static [&'static str],
    /// Its maps of values, and whether each holds text or base64.
    bags: &'static [(&'static str, Bag)],
}

#[derive(Clone, Copy, PartialEq)]
enum Bag {
    Text,
    Base64,
}

const SHAPES: [Shape; 2] = [
    Shape {
        kind: "Secret",
        fields: &[
            "apiVersion",
            "kind",
            "metadata",
            "type",
            "immutable",
            "data",
            "stringData",
        ],
        bags: &[("data", Bag::Base64), ("stringData", Bag::Text)],
    },
    Shape {
        kind: "ConfigMap",
        fields: &[
            "apiVersion",
            "kind",
            "metadata",
            "immutable",
            "data",
            "binaryData",
        ],
        bags: &[("data", Bag::Text), ("binaryData", Bag::Base64)],
    },
];

/// Every problem of every document, in file order.
pub fn check(stream: &Stream) -> Vec<SyntaxError> {
    let mut problems = Vec::new();
    if stream.documents.is_empty() {
        problems.push(stream.whole(
            "the file holds no manifest (kubectl apply refuses it); write a Secret or a ConfigMap",
        ));
    }
    // Which document first defined each object (kind, namespace, name).
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (index, document) in stream.documents.iter().enumerate() {
        let mut report = |at: usize, message: String| {
            let message = format!("document {}: {message}", index + 1);
            problems.push(stream.at(document, at, message));
        };
        let Some(identity) = check_document(document, &mut report) else {
            continue;
        };
        if let Some(first) = seen.get(&identity) {
            let message = format!(
                "this {} has the namespace and name of document {first}: kubectl applies both and the last one wins",
                identity.0
            );
            report(at(&document.root), message);
        } else {
            seen.insert(identity, index + 1);
        }
    }
    problems.sort_by_key(|p| (p.line, p.column));
    problems
}

/// One document's problems; its kind, namespace and name when it is a Secret or ConfigMap.
fn check_document(
    document: &Document,
    report: &mut impl FnMut(usize, String),
) -> Option<(String, String, String)> {
    let root = &document.root;
    let Some(map) = root.as_map() else {
        report(
            at(root),
            "a manifest is a mapping (`apiVersion`, `kind`, `metadata`, …)".into(),
        );
        return None;
    };
    match text_at(map, "apiVersion") {
        Some("v1") => {}
        _ => report(
            at(field_or(map, "apiVersion", root)),
            "`apiVersion` must be `v1`: Secret and ConfigMap are core objects".into(),
        ),
    }
    let kind = text_at(map, "kind");
    let Some(shape) = SHAPES.iter().find(|s| Some(s.kind) == kind) else {
        report(
            at(field_or(map, "kind", root)),
            "`kind` must be `Secret` or `ConfigMap`, the objects the kubernetes format is for"
                .into(),
        );
        return None;
    };
    for (field, entry) in map {
        if !shape.fields.contains(&field.as_str()) {
            let message = format!(
                "a {} has no field `{field}` (the API server refuses unknown fields)",
                shape.kind
            );
            report(entry.key_span.start as usize, message);
        }
    }
    if map.get("type").is_some_and(|e| !is_text(&e.node)) {
        report(
            at(field_or(map, "type", root)),
            "`type` must be a string".into(),
        );
    }
    if let Some(entry) = map.get("immutable")
        && !matches!(entry.node.kind, Kind::Bool(_))
    {
        report(
            at(&entry.node),
            "`immutable` must be `true` or `false`".into(),
        );
    }
    check_values(shape, map, report);
    metadata(map, root, report).map(|(namespace, name)| (shape.kind.to_string(), namespace, name))
}

/// `metadata`: a valid name, an optional valid namespace, labels and annotations of
/// strings. The namespace and name, when they are valid.
fn metadata(
    map: &Map,
    root: &Node,
    report: &mut impl FnMut(usize, String),
) -> Option<(String, String)> {
    let Some(meta) = map.get("metadata").and_then(|e| e.node.as_map()) else {
        report(
            at(field_or(map, "metadata", root)),
            "`metadata` must be a mapping with a `name`".into(),
        );
        return None;
    };
    let node = &map["metadata"].node;
    let name = match text_at(meta, "name") {
        None => {
            report(
                at(field_or(meta, "name", node)),
                "`metadata.name` is missing or not a string".into(),
            );
            None
        }
        Some(name) => match subdomain_problem(name) {
            Some(why) => {
                report(at(&meta["name"].node), format!("`metadata.name` {why}"));
                None
            }
            None => Some(name.to_string()),
        },
    };
    let namespace = match meta.get("namespace") {
        None => Some(String::new()),
        Some(entry) => {
            let problem = match &entry.node.kind {
                Kind::Str(namespace) => label_problem(namespace),
                _ => Some("must be a string"),
            };
            if let Some(why) = problem {
                report(at(&entry.node), format!("`metadata.namespace` {why}"));
            }
            text_at(meta, "namespace")
                .filter(|_| problem.is_none())
                .map(str::to_string)
        }
    };
    for field in ["labels", "annotations"] {
        strings_only(meta, field, &format!("metadata.{field}"), report);
    }
    Some((namespace?, name?))
}

/// The maps of values: keys valid, values strings (base64 where the field is bytes), no key
/// in two maps, and at most [`MAX_OBJECT_BYTES`] of values together.
fn check_values(shape: &Shape, map: &Map, report: &mut impl FnMut(usize, String)) {
    let mut total = 0usize;
    let mut first_bag: BTreeMap<&str, &str> = BTreeMap::new();
    for &(bag, holds) in shape.bags {
        for (key, entry) in strings_only(map, bag, bag, report) {
            let key_at = entry.key_span.start as usize;
            if let Some(why) = key_problem(key) {
                report(key_at, format!("a key of `{bag}` {why}"));
            }
            if let Some(other) = first_bag.insert(key, bag) {
                let what = if bag == "stringData" {
                    "the API server keeps `stringData`'s value and drops the other without a word"
                } else {
                    "the API server refuses a key in both"
                };
                report(
                    key_at,
                    format!("`{key}` is in both `{other}` and `{bag}`: {what}"),
                );
            }
            let Kind::Str(text) = &entry.node.kind else {
                continue;
            };
            match (holds, decoded_len(text)) {
                (Bag::Text, _) => total += text.len(),
                (Bag::Base64, Some(len)) => total += len,
                (Bag::Base64, None) => {
                    let text_bag = if shape.kind == "Secret" {
                        "stringData"
                    } else {
                        "data"
                    };
                    let message = format!(
                        "`{bag}.{key}` is not base64, which `{bag}` holds; put text in `{text_bag}`"
                    );
                    report(at(&entry.node), message);
                }
            }
        }
    }
    if total > MAX_OBJECT_BYTES {
        let message = format!(
            "the values of this {} add up to more than {MAX_OBJECT_BYTES} bytes (1 MiB), the API server's limit; split them over several objects",
            shape.kind
        );
        report(at(&map["kind"].node), message);
    }
}

/// The entries of the map at `field` (none when it is absent), each reported unless its
/// value is a string: the API reads only strings there, and a number or boolean written
/// bare in the template would be refused.
fn strings_only<'a>(
    map: &'a Map,
    field: &str,
    path: &str,
    report: &mut impl FnMut(usize, String),
) -> Vec<(&'a str, &'a Entry)> {
    let Some(entry) = map.get(field) else {
        return Vec::new();
    };
    let Some(values) = entry.node.as_map() else {
        report(
            at(&entry.node),
            format!("`{path}` must be a mapping of keys to strings"),
        );
        return Vec::new();
    };
    for (key, value) in values {
        if !is_text(&value.node) {
            let message = format!(
                "`{path}.{key}` is not a string (it reads as {}), and the API takes only strings there: quote it, or interpolate it (cfgc writes every value as a string)",
                value.node.type_name()
            );
            report(at(&value.node), message);
        }
    }
    values.iter().map(|(k, e)| (k.as_str(), e)).collect()
}

fn is_text(node: &Node) -> bool {
    matches!(node.kind, Kind::Str(_))
}

fn text_at<'a>(map: &'a Map, key: &str) -> Option<&'a str> {
    match &map.get(key)?.node.kind {
        Kind::Str(text) => Some(text),
        _ => None,
    }
}

/// Where `node` starts in its document.
fn at(node: &Node) -> usize {
    node.span.start as usize
}

/// The value of `key` if the map has it, else `parent`: where a problem with it is shown.
fn field_or<'a>(map: &'a Map, key: &str, parent: &'a Node) -> &'a Node {
    map.get(key).map_or(parent, |e| &e.node)
}
