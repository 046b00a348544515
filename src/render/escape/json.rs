//! JSON: the value position of a JSON document takes any JSON value.

use serde_json::Value;

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
