//! Layer parse + merge: any bytes as up to two layers (YAML or TOML, chosen by the first
//! byte), parsed under the default limits and under tight ones, merged, turned into the
//! JSON the schema sees, and every error rendered as the user would see it. A YAML layer
//! must read the same with and without the flat-lines reader. Nothing may
//! panic, overflow the stack or run away, whatever a pull request puts in a layer.
#![no_main]

use cfgc::fs::Limits;
use cfgc::node::{Kind, Node};
use cfgc::source::{FileId, Source, SourceMap};
use libfuzzer_sys::fuzz_target;

/// Layers are split on this line, so one input can hold a base and an override.
const SPLIT: &str = "\n---8<---\n";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    // Layers reach the parsers only as UTF-8: the loader refuses anything else first.
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let limits = if flags & 0x80 != 0 {
        // Tight limits reach the depth and alias-budget errors with small inputs.
        Limits {
            depth: 4,
            alias_bytes: 64,
            ..Limits::default()
        }
    } else {
        Limits::default()
    };
    let mut sources = SourceMap::default();
    let mut maps = Vec::new();
    let mut errors = Vec::new();
    for (i, part) in text.splitn(2, SPLIT).enumerate() {
        let toml = flags >> i & 1 == 1;
        let name = if toml { "layer.toml" } else { "layer.yaml" };
        let id = sources.add(Source::new(name.into(), name.into(), part.to_string()));
        let src = sources.get(id);
        let parsed = if toml {
            cfgc::load::toml::parse_with(FileId(id.0), src, &limits)
        } else {
            let parsed = cfgc::yaml::parse_with(FileId(id.0), src, &limits);
            // The flat-lines reader must build exactly what the full parser builds.
            let full = cfgc::yaml::parse_full(FileId(id.0), src, &limits);
            assert_eq!(
                format!("{parsed:?}"),
                format!("{full:?}"),
                "the flat reader and the full parser disagree"
            );
            parsed
        };
        match parsed {
            Ok(Node {
                kind: Kind::Map(map),
                ..
            }) => maps.push(map),
            Ok(node) => {
                let _ = node.to_json();
            }
            Err(d) => errors.push(d),
        }
    }
    let merged = cfgc::merge::merge(maps.iter());
    let json = cfgc::node::map_to_json(&merged);
    // The schema stage serialises the instance; serde_json must accept what we built.
    let _ = serde_json::to_string(&json).expect("a merged layer serialises");
    // Diagnostics point into the sources by span: rendering must not slice off a char
    // boundary or past the end.
    let _ = cfgc::diagnostic::human::render(&errors, &sources, &[], false);
    let _ = cfgc::report::json::render(&errors, &[], &sources);
});
