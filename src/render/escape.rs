//! The escaper table: one module per output format, chosen by [`Format`].
//!
//! A template interpolation lands in "the value position" of its file: a YAML scalar, an nginx
//! directive argument, the text after `KEY=` in a `.env` file, a JSON value. Each format module
//! turns one value into text that a real consumer reads back as exactly that value, or refuses
//! with an [`EscapeError`] saying why and what to do. Refusing is the safe answer whenever a
//! consumer has no way to carry the value: a silently altered secret or an injected directive
//! is worse than a failed render.

pub mod dotenv;
pub mod json;
pub mod nginx;
pub mod text;
pub mod yaml;

use serde_json::Value;

/// The kind of file a template renders, which decides how values are escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Yaml,
    Nginx,
    Dotenv,
    Json,
    Text,
}

impl Format {
    /// Every format, in the order the docs list them.
    pub const ALL: [Format; 5] = [
        Format::Yaml,
        Format::Nginx,
        Format::Dotenv,
        Format::Json,
        Format::Text,
    ];

    /// The name used in `cfgc.toml` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Nginx => "nginx",
            Format::Dotenv => "dotenv",
            Format::Json => "json",
            Format::Text => "text",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a value cannot be placed in a file of some format.
///
/// The reason names the offending character or shape and what to do about it; it never quotes
/// the value, because values may be secrets and this error ends up on a terminal or in CI logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot escape this value for {format}: {reason}")]
pub struct EscapeError {
    pub format: Format,
    pub reason: String,
}

impl EscapeError {
    pub(crate) fn new(format: Format, reason: impl Into<String>) -> Self {
        EscapeError {
            format,
            reason: reason.into(),
        }
    }
}

/// Encode one interpolated value for `format`, or explain why it cannot be placed safely.
pub fn escape(format: Format, value: &Value) -> Result<String, EscapeError> {
    match format {
        Format::Yaml => Ok(yaml::escape(value)),
        Format::Nginx => nginx::escape(value),
        Format::Dotenv => dotenv::escape(value),
        Format::Json => Ok(json::escape(value)),
        Format::Text => Ok(text::escape(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn format_names_match_their_serde_names() {
        for format in Format::ALL {
            let parsed: Format =
                serde_json::from_value(json!(format.name())).expect("every name deserialises");
            assert_eq!(parsed, format);
        }
    }

    #[test]
    fn error_message_names_the_format_and_reason_only() {
        let err = escape(Format::Nginx, &json!("hunter2$")).expect_err("`$` is rejected");
        let message = err.to_string();
        assert!(message.starts_with("cannot escape this value for nginx: "));
        assert!(!message.contains("hunter2"));
        assert!(!format!("{err:?}").contains("hunter2"));
    }

    #[test]
    fn dispatch_reaches_each_format() {
        let value = json!("a b");
        assert_eq!(escape(Format::Yaml, &value).as_deref(), Ok("\"a b\""));
        assert_eq!(escape(Format::Nginx, &value).as_deref(), Ok("\"a b\""));
        assert_eq!(escape(Format::Dotenv, &value).as_deref(), Ok("'a b'"));
        assert_eq!(escape(Format::Json, &value).as_deref(), Ok("\"a b\""));
        assert_eq!(escape(Format::Text, &value).as_deref(), Ok("a b"));
    }
}
