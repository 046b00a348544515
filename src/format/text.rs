//! Text: no escaping at all, for files with no syntax cfgc knows about.
//!
//! A value lands in the file exactly as it is: you are on your own. If the file has any syntax
//! (quotes, comments, separators), a value can break it; pick a real format when one fits.

use serde_json::Value;

use super::{EscapeError, Room, SyntaxError};

pub struct Text;

impl Room for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn summary(&self) -> &'static str {
        "files of no syntax cfgc knows: a value is written as it is"
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        Ok(escape(value))
    }

    /// Text has no syntax to check.
    fn parse_back(&self, _text: &str) -> Result<(), SyntaxError> {
        Ok(())
    }

    /// Nothing in a line of unknown syntax is known not to be the secret.
    fn mask_prefix<'a>(&self, _line: &'a str) -> &'a str {
        ""
    }

    /// Text has no reader but the eye: the value must be there as it is (strings) or in its
    /// JSON form, and the file must parse back.
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        self.parse_back(escaped)
            .map_err(|e| format!("the file does not parse back: {}", e.message))?;
        super::round_trip::expect(
            escaped == super::round_trip::text_of(value),
            "the value was changed",
        )
    }
}

/// Strings verbatim; numbers, booleans, null, arrays and objects in their compact JSON form.
pub fn escape(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_pass_through_untouched() {
        let raw = "a\"b'c\\d\n$e ${f} #g";
        assert_eq!(escape(&json!(raw)), raw);
    }

    #[test]
    fn other_values_use_json() {
        assert_eq!(escape(&json!(null)), "null");
        assert_eq!(escape(&json!(false)), "false");
        assert_eq!(escape(&json!(-1.5)), "-1.5");
        assert_eq!(escape(&json!(["a", 1])), r#"["a",1]"#);
    }
}
