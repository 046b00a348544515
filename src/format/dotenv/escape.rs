//! Writing a value after `KEY=`: plain, empty or single-quoted, or refused with the reason
//! (see the module docs of `dotenv` for the rule); and the rule for keys.

use super::Expanded;
use super::refused::unreadable;
use crate::format::{DOTENV, EscapeError};
use serde_json::Value;

/// One value as the text after `KEY=`, for a file some reader may expand.
pub fn escape(value: &Value) -> Result<String, EscapeError> {
    escape_for(value, Expanded::Maybe)
}

/// One value as the text after `KEY=`.
pub fn escape_for(value: &Value, expanded: Expanded) -> Result<String, EscapeError> {
    match value {
        Value::String(text) => escape_text(text, expanded),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Err(reject(
            "is null, and a .env value is always a string; give it a value or a `default` in \
             the template, or leave the line out with `{% if %}`",
        )),
        Value::Array(_) | Value::Object(_) => Err(reject(
            "is a list or object, and a .env value is one string; turn it into one in the \
             template (e.g. `{{ items | join(',') }}`)",
        )),
    }
}

/// One string as the text after `KEY=`; see the module docs for the rule.
pub fn escape_str(text: &str) -> Result<String, EscapeError> {
    escape_text(text, Expanded::Maybe)
}

pub(super) fn escape_text(text: &str, expanded: Expanded) -> Result<String, EscapeError> {
    if let Some(reason) = unreadable(text, expanded) {
        return Err(reject(reason));
    }
    if text.bytes().all(is_plain) {
        Ok(text.to_string())
    } else {
        Ok(format!("'{text}'"))
    }
}

/// Check that `name` can be a key that all the readers accept and bash can assign.
pub fn check_key(name: &str) -> Result<(), EscapeError> {
    let mut bytes = name.bytes();
    let starts_well = bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_');
    if starts_well && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(())
    } else {
        Err(reject(KEY_RULE))
    }
}

pub(super) const KEY_RULE: &str = "has a key that is not a portable variable name; a .env key must start \
                        with an ASCII letter or `_` and contain only ASCII letters, digits and `_`";

pub(super) fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'_' | b'.' | b'/' | b':' | b'@' | b'%' | b'+' | b',' | b'=' | b'?' | b'-'
        )
}

fn reject(reason: &str) -> EscapeError {
    EscapeError::new(DOTENV, reason)
}
