//! The schema's `default`s, as the layer under every environment's layers: a top-level
//! property's default fills the variable when no layer sets it. Its span points at the
//! `default` in the schema file, which is how `explain` says "default from schema".
//!
//! A secret never takes a default: a default is committed in plain text, so `check`
//! reports it (see `validate`) and it is left out here.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::node::{Entry, Kind, Map, Node};
use crate::schema::Schema;
use crate::source::{SourceMap, Span};

/// The schema's top-level defaults, read once when the schema is loaded.
#[derive(Default)]
pub struct Defaults {
    /// Non-secret defaults, as entries spanning the schema's text.
    pub values: Map,
    /// Secrets the schema gives a default, which is never applied: where it is written.
    pub secrets: BTreeMap<String, SecretDefault>,
}

/// Where a secret's default is written: its `default` key, and the text after it on that
/// line (the value, never shown).
#[derive(Clone, Copy)]
pub struct SecretDefault {
    pub key: Span,
    pub value: Span,
}

pub fn collect(schema: &Schema, sources: &SourceMap) -> Defaults {
    let mut out = Defaults::default();
    let Some(props) = schema.json.get("properties").and_then(Value::as_object) else {
        return out;
    };
    for (name, value) in props
        .iter()
        .filter_map(|(name, p)| Some((name, p.get("default")?)))
    {
        let at = schema.pointer_span(sources, &default_pointer(name));
        if schema.secrets.contains(name) {
            let text = &sources.get(schema.file).text;
            let end = text[at.end as usize..]
                .find('\n')
                .map_or(text.len(), |i| at.end as usize + i);
            let value = Span::new(schema.file, at.end as usize, end);
            out.secrets
                .insert(name.clone(), SecretDefault { key: at, value });
            continue;
        }
        let node = from_json(value, at);
        out.values
            .insert(name.clone(), Entry { key_span: at, node });
    }
    out
}

/// The JSON pointer of a property's `default`.
pub fn default_pointer(name: &str) -> String {
    format!(
        "/properties/{}/default",
        name.replace('~', "~0").replace('/', "~1")
    )
}

/// Fills each variable no layer set with its default.
pub fn apply(vars: &mut Map, defaults: &Defaults) {
    for (name, entry) in &defaults.values {
        if !vars.contains_key(name) {
            vars.insert(name.clone(), entry.clone());
        }
    }
}

/// Whether a value was set by the schema's default rather than a layer.
pub fn is_default(node: &Node, schema: &Schema) -> bool {
    node.span.file == schema.file
}

/// A JSON value as a node; every part of it points at the whole default.
fn from_json(value: &Value, at: Span) -> Node {
    let kind = match value {
        Value::Null => Kind::Null,
        Value::Bool(b) => Kind::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Kind::Int(i),
            None => Kind::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Kind::Str(s.clone()),
        Value::Array(items) => Kind::List(items.iter().map(|v| from_json(v, at)).collect()),
        Value::Object(m) => Kind::Map(
            m.iter()
                .map(|(k, v)| {
                    let entry = Entry {
                        key_span: at,
                        node: from_json(v, at),
                    };
                    (k.clone(), entry)
                })
                .collect(),
        ),
    };
    Node::new(kind, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn a_layer_wins_over_the_default() {
        let at = |f| Span::new(FileId(f), 0, 1);
        let mut defaults = Defaults::default();
        for (name, v) in [("PORT", 8080), ("WORKERS", 4)] {
            let node = from_json(&Value::from(v), at(9));
            defaults.values.insert(
                name.into(),
                Entry {
                    key_span: at(9),
                    node,
                },
            );
        }
        let mut vars = Map::new();
        let node = Node::new(Kind::Int(80), at(1));
        vars.insert(
            "PORT".into(),
            Entry {
                key_span: at(1),
                node,
            },
        );
        apply(&mut vars, &defaults);
        assert!(matches!(vars["PORT"].node.kind, Kind::Int(80)));
        assert!(matches!(vars["WORKERS"].node.kind, Kind::Int(4)));
        assert_eq!(vars["WORKERS"].node.span.file, FileId(9));
    }
}
