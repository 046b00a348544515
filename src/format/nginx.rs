//! nginx: every value becomes directive arguments that cannot end the directive or add one.
//!
//! The rule, checked against nginx's tokenizer (`ngx_conf_read_token`) and `nginx -t`:
//! - A string made only of `A-Z a-z 0-9 _ . / : @ % + , = ? ~ * -` is written plain. None of
//!   these starts a comment, quote, variable, block or escape, and none ends a token.
//! - Any other string (including the empty string) is written in double quotes, with `"` and `\`
//!   escaped as `\"` and `\\`. Inside double quotes nginx ends the token only at an unescaped `"`;
//!   `;`, `{`, `}`, `#`, `'` and spaces are ordinary characters there.
//! - Rejected: `$` (nginx expands variables even inside quotes and has no escape for `$`), line
//!   feed and carriage return (they would end up raw in headers, logs or the next line), NUL and
//!   other control characters except tab, and arguments longer than 4095 bytes once escaped
//!   (nginx's tokenizer refuses longer ones with "too long parameter").
//! - Numbers are written in their JSON form, which is always plain.
//! - Booleans are rejected: nginx flags are `on`/`off`, and `true` would be refused or misread.
//! - null is rejected: it has no argument form.
//! - A non-empty array of strings and numbers becomes its items as space-separated arguments,
//!   each escaped as above (e.g. `server_name {{ hosts }}`). Empty or nested arrays and objects
//!   are rejected.

use super::round_trip::{expect, text_of};
use super::{Directive, EscapeError, NGINX, ReadDirectives, Room, SyntaxError};
use serde_json::Value;

mod listen;
pub mod meaning;
pub mod parse;

pub struct Nginx;

impl Room for Nginx {
    fn name(&self) -> &'static str {
        "nginx"
    }

    fn summary(&self) -> &'static str {
        "nginx configs: a value is one or more directive arguments"
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        escape(value)
    }

    fn escape_str(&self, text: &str) -> Result<String, EscapeError> {
        argument(text)
    }

    /// nginx's tokenizer and block structure ([`parse`]); what each directive means is left
    /// to nginx itself (`nginx -t` in the tests).
    fn parse_back(&self, text: &str) -> Result<(), SyntaxError> {
        parse::parse(text).map(|_| ())
    }

    /// Indentation and a bare directive name with the blanks after it.
    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str {
        let indent = line.len() - line.trim_start().len();
        let name = line[indent..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len() - indent);
        let rest = &line[indent + name..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if name == 0 || blanks == 0 {
            return "";
        }
        &line[..indent + name + blanks]
    }

    /// nginx's reading: its tokenizer and blocks ([`parse`]), then what nginx means where it
    /// takes several spellings for one thing or adds what a file leaves out ([`meaning`]).
    fn directives(&self) -> Option<ReadDirectives> {
        Some(read_directives)
    }

    /// `key ESCAPED;` before `next 1;`, read by the room's parser: the arguments nginx gets
    /// are the value's text (a list's items, one argument each), on one line.
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        expect(
            !escaped.contains(['\n', '\r']),
            "a line break reaches nginx",
        )?;
        let expected: Vec<String> = match value {
            Value::Array(items) => items.iter().map(text_of).collect(),
            other => vec![text_of(other)],
        };
        let parsed = parse::parse(&format!("key {escaped};\nnext 1;\n"))
            .map_err(|e| format!("the file does not parse back: {}", e.message))?;
        expect(
            parsed.len() == 2 && parsed[1].name == "next" && parsed[1].args == ["1"],
            "the value ended the directive or added one",
        )?;
        expect(
            parsed[0].name == "key" && parsed[0].args == expected,
            "nginx reads other arguments",
        )
    }
}

fn read_directives(text: &str) -> Result<Vec<Directive>, SyntaxError> {
    parse::parse(text).map(meaning::normalise)
}

/// The longest argument nginx's tokenizer accepts (its buffer is 4096 bytes and the character
/// that ends the token must fit too); measured with `nginx -t` on nginx 1.22.
pub const MAX_ARGUMENT_BYTES: usize = 4095;

/// One value as one or more directive arguments.
pub fn escape(value: &Value) -> Result<String, EscapeError> {
    match value {
        Value::String(text) => argument(text),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(_) => Err(reject(
            "is a boolean; nginx flags are `on`/`off`, so choose one in the template \
             (e.g. `{{ 'on' if flag else 'off' }}`)",
        )),
        Value::Null => Err(reject(
            "is null, which has no nginx form; give it a value or a `default` in the template",
        )),
        Value::Array(items) if items.is_empty() => Err(reject(
            "is an empty list, which would leave the directive without its arguments; \
             guard the directive with `{% if %}` in the template",
        )),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => argument(text),
                Value::Number(number) => Ok(number.to_string()),
                _ => Err(reject(
                    "is a list with an item that is not a string or number; a list becomes \
                     space-separated arguments, so flatten it in the template",
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|arguments| arguments.join(" ")),
        Value::Object(_) => Err(reject(
            "is an object, which has no nginx form; interpolate its fields one by one",
        )),
    }
}

fn argument(text: &str) -> Result<String, EscapeError> {
    for ch in text.chars() {
        match ch {
            '$' => {
                return Err(reject(
                    "contains `$`, which nginx expands as a variable even inside quotes; nginx \
                     has no escape for it — remove it or set this directive outside the template",
                ));
            }
            '\n' | '\r' => {
                return Err(reject(
                    "contains a line break, which nginx would pass on raw (a header or log \
                     injection); remove it, or split the value over several directives",
                ));
            }
            '\t' => {}
            ch if ch.is_ascii_control() => {
                return Err(reject(
                    "contains a control character (NUL, escape, DEL, …), which nginx would pass \
                     on raw; remove it",
                ));
            }
            _ => {}
        }
    }
    let escaped = if !text.is_empty() && text.chars().all(is_plain) {
        text.to_string()
    } else {
        quote(text)
    };
    if escaped.len() > MAX_ARGUMENT_BYTES {
        return Err(reject(format!(
            "is longer than nginx accepts for one argument ({MAX_ARGUMENT_BYTES} bytes once \
             escaped); put it in a file nginx reads instead (e.g. `include`, `ssl_certificate`)"
        )));
    }
    Ok(escaped)
}

fn is_plain(ch: char) -> bool {
    ch.is_ascii_alphanumeric()
        || matches!(
            ch,
            '_' | '.' | '/' | ':' | '@' | '%' | '+' | ',' | '=' | '?' | '~' | '*' | '-'
        )
}

/// nginx turns `\"`, `\'` and `\\` into the character and `\n`, `\r`, `\t` into control
/// characters; any other backslash stays. Doubling every backslash keeps all of them literal.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        if matches!(ch, '"' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

fn reject(reason: impl Into<String>) -> EscapeError {
    EscapeError::new(NGINX, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nginx(value: Value) -> Result<String, EscapeError> {
        escape(&value)
    }

    #[test]
    fn safe_tokens_stay_plain() {
        assert_eq!(
            nginx(json!("https://a.com/x?y=1")).as_deref(),
            Ok("https://a.com/x?y=1")
        );
        assert_eq!(
            nginx(json!("*.example.com")).as_deref(),
            Ok("*.example.com")
        );
        assert_eq!(nginx(json!(8080)).as_deref(), Ok("8080"));
    }

    #[test]
    fn a_semicolon_cannot_end_the_directive() {
        assert_eq!(
            nginx(json!("https://a.com; return 301 https://evil;")).as_deref(),
            Ok("\"https://a.com; return 301 https://evil;\"")
        );
    }

    #[test]
    fn a_quote_cannot_end_the_argument() {
        assert_eq!(
            nginx(json!("x\"; add_header Evil 1; \"")).as_deref(),
            Ok(r#""x\"; add_header Evil 1; \"""#)
        );
        assert_eq!(nginx(json!("a\\")).as_deref(), Ok(r#""a\\""#));
        assert_eq!(nginx(json!("\\\"")).as_deref(), Ok(r#""\\\"""#));
    }

    #[test]
    fn backslash_sequences_stay_literal() {
        assert_eq!(nginx(json!("a\\nb\\tc")).as_deref(), Ok(r#""a\\nb\\tc""#));
    }

    #[test]
    fn blocks_comments_and_spaces_are_quoted() {
        assert_eq!(nginx(json!("} server {")).as_deref(), Ok("\"} server {\""));
        assert_eq!(nginx(json!("# x")).as_deref(), Ok("\"# x\""));
        assert_eq!(nginx(json!("'")).as_deref(), Ok("\"'\""));
        assert_eq!(nginx(json!("")).as_deref(), Ok("\"\""));
    }

    #[test]
    fn dollar_is_rejected_without_echoing_the_value() {
        let err = nginx(json!("s3cr3t$host")).expect_err("`$` has no escape");
        assert_eq!(err.format, NGINX);
        assert!(err.reason.starts_with("contains `$`"));
        assert!(!err.reason.contains("s3cr3t"));
    }

    #[test]
    fn line_breaks_and_controls_are_rejected() {
        for bad in [
            "a\nadd_header Evil 1;",
            "a\rb",
            "a\u{0}b",
            "\u{1b}[31m",
            "\u{7f}",
        ] {
            assert!(nginx(json!(bad)).is_err(), "{bad:?} must be rejected");
        }
        assert_eq!(nginx(json!("a\tb")).as_deref(), Ok("\"a\tb\""));
    }

    #[test]
    fn length_limit_counts_the_escaped_form() {
        assert!(nginx(json!("a".repeat(MAX_ARGUMENT_BYTES))).is_ok());
        assert!(nginx(json!("a".repeat(MAX_ARGUMENT_BYTES + 1))).is_err());
        // Each `"` takes two bytes escaped, plus the two surrounding quotes.
        assert!(nginx(json!("\"".repeat(2046))).is_ok());
        assert!(nginx(json!("\"".repeat(2047))).is_err());
    }

    #[test]
    fn lists_become_arguments_other_shapes_are_rejected() {
        assert_eq!(
            nginx(json!(["a.com", "b c", 443])).as_deref(),
            Ok("a.com \"b c\" 443")
        );
        for bad in [json!([]), json!([["a"]]), json!([null]), json!({"a": 1})] {
            assert!(nginx(bad).is_err());
        }
        assert!(nginx(json!(true)).is_err());
        assert!(nginx(json!(null)).is_err());
    }
}
