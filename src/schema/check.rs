//! What cfgc refuses in a schema before compiling it: nesting deeper than the limit (the
//! schema compiler and the validator recurse), and patterns the regex engine cannot run.
//!
//! Patterns run on the `regex` crate's engine, chosen on purpose: it matches in linear
//! time, so no pattern can give up on a long value and let it pass (fancy-regex's
//! backtracking can). Its price is no look-around and no backreferences; a schema that
//! uses them is refused when it loads, naming the pattern, rather than failing open later.

use serde_json::{Value, json};

/// Byte offset of the first `[` or `{` that opens level `max + 1`, if any: found on the
/// text, before serde_json (which stops at 128 with a less helpful message) parses it.
pub fn too_deep_at(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// JSON pointers of every `pattern` and `patternProperties` key the regex engine refuses.
pub fn unsupported_patterns(schema: &Value) -> Vec<String> {
    let mut patterns = Vec::new();
    walk(schema, &mut String::new(), &mut patterns);
    // All patterns compiled at once, in one schema: a schema compile costs far more than
    // its regexes (133 patterns took 133 compiles, a third of a small project's start).
    // Only when that fails is each compiled alone, to name the ones refused.
    if compiles_all(&patterns) {
        return Vec::new();
    }
    patterns
        .into_iter()
        .filter(|p| !compiles(&p.pattern, p.as_property))
        .map(|p| p.pointer)
        .collect()
}

/// A `pattern` value or a `patternProperties` key, and where it is.
struct Pattern {
    pointer: String,
    pattern: String,
    as_property: bool,
}

/// Keywords whose values are data, not schemas: a `pattern` key in them is not a pattern.
const DATA: &[&str] = &["const", "enum", "default", "examples"];

fn walk(node: &Value, pointer: &mut String, found: &mut Vec<Pattern>) {
    let len = pointer.len();
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                push(pointer, key);
                match (key.as_str(), value) {
                    ("pattern", Value::String(p)) => found.push(Pattern {
                        pointer: pointer.clone(),
                        pattern: p.clone(),
                        as_property: false,
                    }),
                    ("patternProperties", Value::Object(props)) => {
                        for (p, sub) in props {
                            push(pointer, p);
                            found.push(Pattern {
                                pointer: pointer.clone(),
                                pattern: p.clone(),
                                as_property: true,
                            });
                            walk(sub, pointer, found);
                            pop(pointer, len + 1 + key.len());
                        }
                    }
                    (k, _) if DATA.contains(&k) => {}
                    _ => walk(value, pointer, found),
                }
                pop(pointer, len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push(pointer, &i.to_string());
                walk(item, pointer, found);
                pop(pointer, len);
            }
        }
        _ => {}
    }
}

fn push(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
}

fn pop(pointer: &mut String, len: usize) {
    pointer.truncate(len);
}

/// Whether the pattern compiles as cfgc validates with it (the same options, keyword and
/// translation from ECMA-262 syntax as the real validator), one pattern at a time.
fn compiles(pattern: &str, as_property: bool) -> bool {
    builds(&one(pattern, as_property))
}

/// Whether every pattern compiles: each in its own branch of an `allOf`, which
/// jsonschema compiles eagerly, as `compiles` would one at a time.
fn compiles_all(patterns: &[Pattern]) -> bool {
    let all: Vec<Value> = patterns
        .iter()
        .map(|p| one(&p.pattern, p.as_property))
        .collect();
    builds(&json!({ "allOf": all }))
}

fn one(pattern: &str, as_property: bool) -> Value {
    if as_property {
        json!({ "patternProperties": { pattern: true } })
    } else {
        json!({ "pattern": pattern })
    }
}

fn builds(schema: &Value) -> bool {
    super::compile(schema).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_bracket_past_the_limit_outside_strings() {
        assert_eq!(too_deep_at(r#"{"a": [[1]]}"#, 3), None);
        assert_eq!(too_deep_at(r#"{"a": [[1]]}"#, 2), Some(7));
        assert_eq!(too_deep_at(r#"{"a": "[[[\"[[["}"#, 1), None);
    }

    #[test]
    fn refuses_look_around_and_backreferences_in_patterns_and_property_patterns() {
        let schema = json!({
            "properties": {
                "A": { "pattern": "^(a|a)*(?!b)$" },
                "B": { "pattern": "^[a-z]+\\d*$" },
                "C": { "patternProperties": { "^(x)\\1$": true, "^ok$": { "pattern": "(?<=a)b" } } },
                "D": { "const": { "pattern": "(?!x)" } }
            }
        });
        assert_eq!(
            unsupported_patterns(&schema),
            [
                "/properties/A/pattern",
                "/properties/C/patternProperties/^(x)\\1$",
                "/properties/C/patternProperties/^ok$/pattern",
            ]
        );
    }

    #[test]
    fn a_schema_whose_patterns_all_compile_has_none_refused() {
        let schema = json!({
            "properties": {
                "B": { "pattern": "^[a-z]+\\d*$" },
                "C": { "patternProperties": { "^x_": { "pattern": "^(a|b)+$" } } }
            }
        });
        assert!(unsupported_patterns(&schema).is_empty());
    }
}
