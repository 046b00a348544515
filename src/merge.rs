//! Stage 2, merge: an environment's layers, in declared order, into one tree.
//!
//! Maps merge deeply; scalars and lists are replaced by the later layer, which
//! records the definition it overrode; `!unset` removes a key. The schema's defaults
//! fill what no layer sets (see `defaults`).

use std::collections::BTreeMap;

use crate::load::Layers;
use crate::node::{Entry, Kind, Map};
use crate::project::Environment;
use crate::source::Span;

/// The secrets file's own metadata key; every other top-level key is a secret.
pub const SECRETS_META_KEY: &str = crate::secrets::file::META_KEY;

/// One environment after merging: its variables with provenance.
pub struct Merged<'p> {
    pub env: &'p Environment,
    pub vars: Map,
    /// Secret names in the environment's secrets file, with their spans.
    pub secret_names: BTreeMap<String, Span>,
    /// The store version each secret is pinned to, from the environment's store record
    /// (`secret_versions` in templates); empty without a store.
    pub secret_versions: BTreeMap<String, String>,
    /// How each derived value was made, once `derive` has resolved them.
    pub derived: BTreeMap<String, Derivation>,
}

/// Stage 2 for one environment: its layers merged over the schema's `defaults`, with the
/// names in its secrets file.
pub fn merge_env<'p>(
    env: &'p Environment,
    layers: &Layers,
    defaults: &crate::schema::defaults::Defaults,
) -> Merged<'p> {
    let maps = env
        .layers
        .iter()
        .filter_map(|l| layers.node(layers.id(&l.value)).as_map());
    let secret_names = env
        .secrets
        .as_ref()
        .and_then(|s| layers.node(layers.id(&s.value)).as_map())
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != SECRETS_META_KEY)
                .map(|(k, e)| (k.clone(), e.key_span))
                .collect()
        })
        .unwrap_or_default();
    let secret_versions = env
        .store
        .as_ref()
        .map(|s| pins(layers.node(layers.id(&s.record.value))))
        .unwrap_or_default();
    let mut vars = merge(maps);
    crate::schema::defaults::apply(&mut vars, defaults);
    Merged {
        env,
        vars,
        secret_names,
        secret_versions,
        derived: BTreeMap::new(),
    }
}

/// `secrets.NAME.version` of a store record (`store::record`; `secrets status` checks the
/// rest of it).
fn pins(record: &crate::node::Node) -> BTreeMap<String, String> {
    let secrets = record
        .as_map()
        .and_then(|m| m.get("secrets"))
        .and_then(|e| e.node.as_map());
    secrets
        .into_iter()
        .flatten()
        .filter_map(|(name, e)| {
            let version = e.node.as_map()?.get("version")?;
            match &version.node.kind {
                Kind::Str(v) => Some((name.clone(), v.clone())),
                _ => None,
            }
        })
        .collect()
}

pub fn merge<'a>(layers: impl IntoIterator<Item = &'a Map>) -> Map {
    let mut out = Map::new();
    for layer in layers {
        if out.is_empty() {
            // Into nothing (the first layer, often the only one), merging is a copy: built
            // from the sorted entries at once rather than inserted one by one.
            out = layer
                .iter()
                .filter(|(_, entry)| !matches!(entry.node.kind, Kind::Unset))
                .map(|(key, entry)| (key.clone(), strip_unset(entry.clone())))
                .collect();
        } else {
            merge_into(&mut out, layer);
        }
    }
    out
}

fn merge_into(base: &mut Map, layer: &Map) {
    for (key, entry) in layer {
        if let Kind::Unset = entry.node.kind {
            base.remove(key);
            continue;
        }
        match base.get_mut(key) {
            Some(old) => {
                if let (Kind::Map(old_map), Kind::Map(new_map)) =
                    (&mut old.node.kind, &entry.node.kind)
                {
                    merge_into(old_map, new_map);
                    old.node.overrides.push(entry.node.span);
                } else {
                    let mut overrides = std::mem::take(&mut old.node.overrides);
                    overrides.push(old.node.span);
                    *old = strip_unset(entry.clone());
                    old.node.overrides = overrides;
                }
            }
            None => {
                base.insert(key.clone(), strip_unset(entry.clone()));
            }
        }
    }
}

/// `!unset` inside a value that replaces nothing has nothing to remove.
fn strip_unset(mut entry: Entry) -> Entry {
    if let Kind::Map(m) = &mut entry.node.kind {
        m.retain(|_, e| !matches!(e.node.kind, Kind::Unset));
        for e in m.values_mut() {
            *e = strip_unset(e.clone());
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Node;
    use crate::source::{FileId, Source};
    use crate::yaml;

    fn layer(id: u32, text: &str) -> Node {
        let src = Source::new("l".into(), "l".into(), text.into());
        yaml::parse(FileId(id), &src).expect("valid yaml")
    }

    #[test]
    fn deep_merge_replace_and_unset() {
        let a = layer(0, "A: 1\nM: {x: 1, y: 2}\nL: [1, 2]\nGONE: 1\n");
        let b = layer(1, "A: 2\nM: {y: 3}\nL: [3]\nGONE: !unset\n");
        let m = merge([a.as_map().unwrap(), b.as_map().unwrap()]);
        assert!(matches!(m["A"].node.kind, Kind::Int(2)));
        assert_eq!(m["A"].node.span.file, FileId(1));
        assert_eq!(m["A"].node.overrides[0].file, FileId(0));
        let inner = m["M"].node.as_map().unwrap();
        assert!(matches!(inner["x"].node.kind, Kind::Int(1)));
        assert!(matches!(inner["y"].node.kind, Kind::Int(3)));
        assert!(matches!(&m["L"].node.kind, Kind::List(v) if v.len() == 1));
        assert!(!m.contains_key("GONE"));
    }
}

/// How a derived value was made (`derive` records it here): for provenance (`cfgc explain`).
#[derive(Clone, Debug)]
pub struct Derivation {
    pub expression: String,
    /// Where the expression is written.
    pub at: Span,
    /// Each variable it refers to and where that variable is set, in order of first use.
    pub inputs: Vec<(String, Span)>,
}
