//! JSON: the value position of a JSON document takes any JSON value.

use serde_json::Value;

use super::{EscapeError, Room, SyntaxError};

pub struct Json;

impl Room for Json {
    fn name(&self) -> &'static str {
        "json"
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
