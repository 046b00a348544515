//! JSON: the value position of a JSON document takes any JSON value.

use serde_json::Value;

use super::round_trip::{expect, same};
use super::{EscapeError, Room, SyntaxError};

pub struct Json;

impl Room for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn summary(&self) -> &'static str {
        "JSON files: a value is one JSON value"
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        Ok(escape(value))
    }

    fn parse_back(&self, text: &str) -> Result<(), SyntaxError> {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map(|_| ())
            .map_err(|e| SyntaxError {
                line: e.line(),
                column: e.column(),
                // serde_json's message names the problem, then the position; never the text.
                message: e
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or("")
                    .to_string(),
            })
    }

    /// Indentation and an object key with its `:` and blanks.
    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str {
        let indent = line.len() - line.trim_start().len();
        let Some(quoted) = line[indent..].strip_prefix('"') else {
            return "";
        };
        let mut escaped = false;
        let Some((close, _)) = quoted.char_indices().find(|&(_, c)| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end
        }) else {
            return "";
        };
        let after_key = indent + 1 + close + 1;
        let rest = &line[after_key..];
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            return "";
        };
        let blanks = value.len() - value.trim_start().len();
        &line[..line.len() - value.len() + blanks]
    }

    /// `{"key": ESCAPED, "next": 1}`, read by serde_json.
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        let doc = format!("{{\"key\": {escaped}, \"next\": 1}}");
        self.parse_back(&doc)
            .map_err(|e| format!("the file does not parse back: {}", e.message))?;
        let back: Value = serde_json::from_str(&doc).map_err(|_| "serde_json cannot read it")?;
        expect(
            same(&back["key"], value),
            "the value came back as another value",
        )?;
        expect(
            back.as_object().is_some_and(|o| o.len() == 2) && back["next"] == 1,
            "the value swallowed the next key or added one",
        )
    }
}

/// The value as compact JSON; strings become JSON strings with `"`, `\` and control
/// characters escaped by serde_json, so the value cannot end the string it sits in.
pub fn escape(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_cannot_break_out_of_their_quotes() {
        let hostile = json!("\", \"admin\": true, \"x\": \"\\\n\u{0}");
        let out = escape(&hostile);
        assert_eq!(out, r#""\", \"admin\": true, \"x\": \"\\\n\u0000""#);
        let back: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(back, hostile);
    }

    #[test]
    fn other_values_keep_their_json_form() {
        let value = json!({"b": [1, 2.5, null, true], "a": {}});
        assert_eq!(escape(&value), r#"{"b":[1,2.5,null,true],"a":{}}"#);
    }
}
