//! Adding imported names to a schema written in YAML, as text: each new property goes at the
//! end of the top-level `properties` block mapping, in the indentation its keys use, so
//! every other byte (comments, key order, the `allOf` rules) stays as the author wrote it.

use crate::node::{Kind, Node};
use crate::source::{FileId, Source};

/// `text` with `properties` (name, then the property's `key` and JSON value text) appended
/// to the top-level `properties` block mapping, or `None` when the file has none (no such
/// key, a flow mapping `{…}`, or text that is no YAML map).
pub fn add(text: &str, properties: &[(String, Vec<(&str, &str)>)]) -> Option<String> {
    let src = Source::new(String::new(), Default::default(), text.to_string());
    let root = crate::yaml::parse(FileId(0), &src).ok()?;
    let top = root.as_map()?;
    let entry = top.get("properties")?;
    let Kind::Map(props) = &entry.node.kind else {
        return None;
    };
    if text[entry.node.span.start as usize..].starts_with('{') {
        return None;
    }
    // After the line where the last property's value ends (comments below it stay below).
    let last = props.values().map(|e| scalar_end(&e.node)).max()?;
    let end = text[last..].find('\n').map_or(text.len(), |i| last + i + 1);
    let outer = column(text, entry.key_span.start as usize);
    let inner = props
        .values()
        .map(|e| column(text, e.key_span.start as usize))
        .min()
        .unwrap_or(outer + 2);
    let unit = inner.saturating_sub(outer).max(2);
    let mut out = String::with_capacity(text.len() + 96 * properties.len());
    out.push_str(&text[..end]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (name, pairs) in properties {
        out.push_str(&format!("{}{}:\n", " ".repeat(inner), key(name)));
        for (k, v) in pairs {
            out.push_str(&format!("{}{k}: {}\n", " ".repeat(inner + unit), value(v)));
        }
    }
    out.push_str(&text[end..]);
    Some(out)
}

/// Where the last scalar below `node` ends: a block collection's own span runs on to the
/// next token, past any comment or blank line after it.
fn scalar_end(node: &Node) -> usize {
    match &node.kind {
        Kind::Map(m) => m
            .values()
            .map(|e| scalar_end(&e.node).max(e.key_span.end as usize))
            .max(),
        Kind::List(items) => items.iter().map(scalar_end).max(),
        _ => None,
    }
    .unwrap_or(node.span.end as usize)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// A name as a YAML key: plain when it is a variable name, JSON-quoted otherwise.
fn key(name: &str) -> String {
    if crate::render::flatten::is_env_name(name) && plain_is_string(name) {
        name.to_string()
    } else {
        serde_json::Value::String(name.to_string()).to_string()
    }
}

/// A JSON value text as YAML: a string of letters, digits and `-` unquoted where YAML reads
/// it back as that string (`string`, `https-url`), anything else as the JSON text, which
/// YAML reads the same.
fn value(json: &str) -> String {
    let Ok(serde_json::Value::String(s)) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.to_string();
    };
    let simple = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if simple && plain_is_string(&s) {
        s
    } else {
        json.to_string()
    }
}

fn plain_is_string(s: &str) -> bool {
    matches!(crate::yaml::resolve_plain(s), Kind::Str(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reparsed(text: &str) -> serde_json::Value {
        let src = Source::new(String::new(), Default::default(), text.to_string());
        crate::yaml::parse(FileId(0), &src).unwrap().to_json()
    }

    #[test]
    fn appends_in_the_files_own_style() {
        let text = "# the schema\ntype: object\nproperties:\n    A:  # first\n        type: string\n\n# rules\nallOf: []\n";
        let added = add(
            text,
            &[(
                "B_URL".into(),
                vec![
                    ("type", "\"string\""),
                    ("format", "\"https-url\""),
                    ("x-secret", "true"),
                ],
            )],
        )
        .unwrap();
        assert_eq!(
            added,
            "# the schema\ntype: object\nproperties:\n    A:  # first\n        type: string\n    B_URL:\n        type: string\n        format: https-url\n        x-secret: true\n\n# rules\nallOf: []\n"
        );
        let v = reparsed(&added);
        assert_eq!(v["properties"]["B_URL"]["format"], "https-url");
        assert_eq!(v["properties"]["B_URL"]["x-secret"], true);
        assert_eq!(v["allOf"], serde_json::json!([]));
    }

    #[test]
    fn properties_last_and_without_a_final_newline() {
        let added = add(
            "properties:\n  A: {type: string}",
            &[("B".into(), vec![("type", "\"integer\"")])],
        )
        .unwrap();
        assert_eq!(
            added,
            "properties:\n  A: {type: string}\n  B:\n    type: integer\n"
        );
    }

    #[test]
    fn values_yaml_would_read_otherwise_stay_quoted() {
        assert_eq!(value("\"true\""), "\"true\"");
        assert_eq!(value("\"12\""), "\"12\"");
        assert_eq!(value("\"a b\""), "\"a b\"");
        assert_eq!(value("\"url\""), "url");
        assert_eq!(key("null"), "\"null\"");
    }

    #[test]
    fn no_block_properties_is_none() {
        assert!(add("properties: {}\n", &[("B".into(), vec![])]).is_none());
        assert!(add("type: object\n", &[("B".into(), vec![])]).is_none());
        assert!(add("- a\n", &[("B".into(), vec![])]).is_none());
    }
}
