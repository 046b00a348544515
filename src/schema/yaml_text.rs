//! A schema written in YAML (`schema = "schema/env.schema.yaml"`): read by the same
//! span-keeping YAML reader as the layers (YAML 1.2 core scalars, duplicate keys refused,
//! depth and alias bounds), turned into the JSON value JSON Schema is defined over, with
//! where each key was written, so that a finding in the schema points at its line.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Limits;
use crate::node::{Kind, Node};
use crate::source::{FileId, Source};

/// Whether the schema at `path` is read as YAML (by its extension; anything else is JSON).
pub fn is_yaml(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// Where a YAML schema writes each value, by JSON pointer: a map entry at its key, a list
/// item at the item.
#[derive(Default)]
pub struct Locations(BTreeMap<String, (usize, usize)>);

impl Locations {
    /// The span written for `pointer`, or for the deepest key above it that was written.
    pub fn find(&self, pointer: &str) -> std::ops::Range<usize> {
        let mut p = pointer;
        loop {
            if let Some(&(start, end)) = self.0.get(p) {
                return start..end;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return 0..0,
            }
        }
    }
}

/// The YAML schema in `src` as JSON, with its locations.
pub fn parse(
    src: &Source,
    file: FileId,
    limits: &Limits,
) -> Result<(Value, Locations), Diagnostic> {
    let node = crate::yaml::parse_with(file, src, limits)?;
    let mut locations = Locations::default();
    let root = &node.span;
    locations
        .0
        .insert(String::new(), (root.start as usize, root.end as usize));
    let json = to_json(&node, String::new(), &mut locations)?;
    Ok((json, locations))
}

fn to_json(node: &Node, pointer: String, at: &mut Locations) -> Result<Value, Diagnostic> {
    let refuse = |what: &str, help: &str| {
        Diagnostic::new(
            Code::Schema,
            format!("the schema holds {what}, which JSON cannot"),
        )
        .at(node.span)
        .label("here")
        .help(help.to_string())
    };
    Ok(match &node.kind {
        Kind::Unset => return Err(refuse("`!unset`", "`!unset` is for layers; remove it")),
        Kind::Float(f) if !f.is_finite() => {
            return Err(refuse(
                "a number that is not finite",
                "write a finite number",
            ));
        }
        Kind::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let here = format!("{pointer}/{i}");
                at.0.insert(
                    here.clone(),
                    (item.span.start as usize, item.span.end as usize),
                );
                out.push(to_json(item, here, at)?);
            }
            Value::Array(out)
        }
        Kind::Map(map) => {
            // In the order written, as a JSON schema's keys stay (`docs` lists the
            // variables in the schema's order).
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by_key(|(_, e)| e.key_span.start);
            let mut out = serde_json::Map::new();
            for (key, entry) in entries {
                let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let span = entry.key_span;
                at.0.insert(here.clone(), (span.start as usize, span.end as usize));
                out.insert(key.clone(), to_json(&entry.node, here, at)?);
            }
            Value::Object(out)
        }
        _ => node.to_json(),
    })
}
