//! Writing imported plain values into a YAML layer in place: new keys are appended, a key
//! replaced (with `--force`) loses only its own lines, and every comment and other key
//! stays as written. Values are written as the schema types them (a number stays a
//! number), strings through the YAML room's `double_quoted`, so nothing in a value can
//! change the file's structure.

use serde_json::Value;

use crate::format::yaml::double_quoted;
use crate::node::Map;

/// One `NAME: value` line for `value` as read from a `.env` file, typed by the variable's
/// schema: integers, numbers and booleans plain when they parse as such, an array the
/// inverse of `cfgc exec`'s flattening (items split on `,`), anything else a string.
pub fn line(name: &str, value: &str, property: Option<&Value>) -> String {
    let kind = property
        .and_then(|p| p.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("string");
    let plain = match kind {
        "integer" => value.parse::<i64>().is_ok(),
        "number" => value.parse::<f64>().is_ok_and(f64::is_finite),
        "boolean" => matches!(value, "true" | "false"),
        _ => false,
    };
    let written = if plain {
        value.to_string()
    } else if kind == "array" {
        let items: Vec<String> = value
            .split(',')
            .filter(|item| !item.is_empty())
            .map(double_quoted)
            .collect();
        format!("[{}]", items.join(", "))
    } else {
        double_quoted(value)
    };
    format!("{name}: {written}\n")
}

/// `text` (a layer whose top-level map is `map`) with the keys in `replace` removed (each
/// from its key's line to the end of its value's last line) and `lines` appended.
pub fn edit(text: &str, map: Option<&Map>, replace: &[&str], lines: &[String]) -> String {
    let mut cuts: Vec<(usize, usize)> = replace
        .iter()
        .filter_map(|name| map?.get(*name))
        .map(|entry| {
            let start = line_start(text, entry.key_span.start as usize);
            let end = line_end(
                text,
                (entry.node.span.end as usize).max(entry.key_span.end as usize),
            );
            (start, end)
        })
        .collect();
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in cuts {
        if start >= at {
            out.push_str(&text[at..start]);
            at = end;
        }
    }
    out.push_str(&text[at..]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for line in lines {
        out.push_str(line);
    }
    out
}

/// Whether the layer's top level is a block map (or empty) that lines can be appended to;
/// a flow map (`{a: 1}`) is not.
pub fn appendable(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_none_or(|first| !first.starts_with('{') && !first.starts_with('['))
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    // A span may end just past its value's newline; back up so it is not the next line.
    let at = if at > 0 && text.as_bytes()[at - 1] == b'\n' {
        at - 1
    } else {
        at
    };
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_typed_by_the_schema_and_strings_quoted() {
        let int = json!({"type": "integer"});
        let list = json!({"type": "array"});
        assert_eq!(line("PORT", "8080", Some(&int)), "PORT: 8080\n");
        assert_eq!(line("PORT", "80a", Some(&int)), "PORT: \"80a\"\n");
        assert_eq!(line("A", "x: #y", None), "A: \"x: #y\"\n");
        assert_eq!(line("L", "a,b", Some(&list)), "L: [\"a\", \"b\"]\n");
    }

    #[test]
    fn appending_keeps_comments_and_a_missing_final_newline_is_added() {
        assert_eq!(
            edit("# c\nA: 1", None, &[], &["B: 2\n".into()]),
            "# c\nA: 1\nB: 2\n"
        );
        assert!(appendable("# c\n\nA: 1\n") && appendable("") && !appendable("{A: 1}\n"));
    }
}
