//! Adding imported names to the schema as text: each new property is inserted at the end of
//! the top-level `"properties"` object, in the file's own indentation, so every other byte
//! (key order, one-line objects, the `allOf` rules) stays as the author wrote it; a
//! re-serialised schema would reflow the whole file.

/// `text` with `properties` (name, then the property's `"key": value` pairs) appended to the
/// top-level `"properties"` object, or `None` when the file has no such object.
pub fn add(text: &str, properties: &[(String, Vec<(&str, &str)>)]) -> Option<String> {
    let (open, close) = properties_object(text)?;
    let first_key_indent = text[open + 1..close]
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(|l| leading(l).to_string());
    let outer = leading(line_of(text, open)).to_string();
    // `"properties"` sits one level in, so its own indentation is one unit.
    let unit = match first_key_indent
        .as_deref()
        .and_then(|i| i.strip_prefix(outer.as_str()))
    {
        Some(unit) if !unit.is_empty() => unit.to_string(),
        _ if outer.is_empty() => "  ".to_string(),
        _ => outer.clone(),
    };
    let inner = format!("{outer}{unit}");
    let body = text[open + 1..close].trim_end();
    let mut out = String::with_capacity(text.len() + 128 * properties.len());
    out.push_str(&text[..=open]);
    out.push_str(body);
    let mut first = body.trim().is_empty();
    for (name, pairs) in properties {
        out.push_str(if first { "\n" } else { ",\n" });
        first = false;
        out.push_str(&format!("{inner}{}: {{\n", quoted(name)));
        let lines: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{inner}{unit}\"{k}\": {v}"))
            .collect();
        out.push_str(&lines.join(",\n"));
        out.push_str(&format!("\n{inner}}}"));
    }
    out.push('\n');
    out.push_str(&outer);
    out.push_str(&text[close..]);
    Some(out)
}

fn quoted(name: &str) -> String {
    serde_json::Value::String(name.to_string()).to_string()
}

fn leading(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

fn line_of(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// Byte offsets of the `{` and `}` of the top-level object's `"properties"` value.
fn properties_object(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut depth, mut i, mut open) = (0usize, 0usize, None);
    let mut last_string: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_string = Some((start, i));
            }
            b'{' | b'[' => {
                let is_properties = depth == 1
                    && bytes[i] == b'{'
                    && last_string
                        .is_some_and(|(s, e)| &text[s..=e.min(text.len() - 1)] == "\"properties\"");
                depth += 1;
                if is_properties && open.is_none() {
                    open = Some((i, depth));
                }
            }
            b'}' | b']' => {
                if let Some((at, d)) = open
                    && d == depth
                {
                    return Some((at, i));
                }
                depth = depth.checked_sub(1)?;
            }
            b',' => last_string = None,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_in_the_files_own_style() {
        let text = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"A\": { \"type\": \"string\" }\n  },\n  \"allOf\": []\n}\n";
        let added = add(
            text,
            &[(
                "B".into(),
                vec![("type", "\"integer\""), ("x-secret", "true")],
            )],
        );
        assert_eq!(
            added.as_deref(),
            Some(
                "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"A\": { \"type\": \"string\" },\n    \"B\": {\n      \"type\": \"integer\",\n      \"x-secret\": true\n    }\n  },\n  \"allOf\": []\n}\n"
            )
        );
        let out = added.unwrap_or_default();
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(parsed["properties"]["B"]["type"], "integer");
    }

    #[test]
    fn nested_properties_are_not_the_top_level_ones() {
        let text =
            "{\n\t\"allOf\": [{ \"then\": { \"properties\": {} } }],\n\t\"properties\": {}\n}";
        let out = add(text, &[("N".into(), vec![("type", "\"string\"")])]).unwrap_or_default();
        assert!(
            out.contains("\t\"properties\": {\n\t\t\"N\": {\n\t\t\t\"type\""),
            "{out}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(parsed["properties"]["N"]["type"], "string");
        assert_eq!(
            parsed["allOf"][0]["then"]["properties"],
            serde_json::json!({})
        );
    }
}
