//! The one rule that turns a variable's value into environment variables, for `cfgc exec`
//! (and for `.env` templates that want the same names):
//!
//! - a string is itself; a number is as written; a boolean is `true` or `false`;
//! - a map becomes one variable per key, named `PARENT_CHILD` with the key upper-cased
//!   and every character other than a letter, digit or `_` turned into `_`, recursively;
//! - a list is its scalar items joined with `,` (nested lists or maps inside a list are
//!   written as compact JSON);
//! - null (and a null list item) is left out.

use serde_json::Value;

pub use crate::schema::ENV_VARIABLE;

/// `name`'s value as environment variables, in key order, appended to `out`.
pub fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, v) in map {
                flatten(&format!("{name}_{}", env_key(key)), v, out);
            }
        }
        Value::Array(items) => {
            let joined: Vec<String> = items.iter().filter_map(scalar).collect();
            out.push((name.to_string(), joined.join(",")));
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push((name.to_string(), s));
            }
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn env_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

pub use crate::format::dotenv::is_env_name;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flat(v: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        flatten("X", &v, &mut out);
        out
    }

    #[test]
    fn the_documented_rule() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(flat(json!("a b")), [s("X", "a b")]);
        assert_eq!(flat(json!(8080)), [s("X", "8080")]);
        assert_eq!(flat(json!(1.5)), [s("X", "1.5")]);
        assert_eq!(flat(json!(true)), [s("X", "true")]);
        assert_eq!(flat(json!(null)), []);
        assert_eq!(flat(json!(["a", 1, null, false])), [s("X", "a,1,false")]);
        assert_eq!(
            flat(json!({"db-url": "u", "pool": {"max": 3, "off": null}})),
            [s("X_DB_URL", "u"), s("X_POOL_MAX", "3")]
        );
        assert!(is_env_name("_A1") && !is_env_name("1A") && !is_env_name("A-B"));
    }
}
