//! YAML: every value becomes one node that cannot change the structure around it.
//!
//! Strings are always double-quoted scalars, the only YAML style in which every string can be
//! written on one line with any content: inside `"…"` nothing is an indicator (`: `, `#`, `- `,
//! `*`, `&`, `!`, `%`, `@`, `|`, `>`), no tag resolution happens (`true`, `null`, `0644`, `1e3`,
//! `no` stay strings), and escapes carry everything that is not printable. Numbers, booleans and
//! null use the plain forms that YAML 1.1 (PyYAML, Go yaml.v2) and YAML 1.2 (saphyr, Go yaml.v3)
//! both resolve to the same type. Arrays and objects become flow collections (`[…]`, `{…}`), so
//! the output is always a single line and indentation around it does not matter.

use serde_json::{Number, Value};

use super::round_trip::{expect, same};
use super::{EscapeError, Room, SyntaxError};
use crate::source::{FileId, Source};

pub struct Yaml;

impl Room for Yaml {
    fn name(&self) -> &'static str {
        "yaml"
    }

    fn summary(&self) -> &'static str {
        "YAML files: a value is one node"
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        Ok(escape(value))
    }

    fn escape_str(&self, text: &str) -> Result<String, EscapeError> {
        Ok(double_quoted(text))
    }

    /// Read with cfgc's own strict YAML 1.2 reader: one document, no duplicate keys.
    fn parse_back(&self, text: &str) -> Result<(), SyntaxError> {
        let src = Source::new(String::new(), Default::default(), text.to_string());
        crate::yaml::parse(FileId(0), &src)
            .map(|_| ())
            .map_err(|d| {
                let (line, column) = d.span.map_or((1, 1), |s| src.line_col(s.start as usize));
                SyntaxError {
                    line,
                    column,
                    message: d.message,
                }
            })
    }

    /// Indentation, list dashes, and a mapping key with its `: `.
    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str {
        let mut at = line.len() - line.trim_start_matches(' ').len();
        while line[at..].starts_with("- ") {
            at += 2;
            at += line[at..].len() - line[at..].trim_start_matches(' ').len();
        }
        match key_end(&line[at..]) {
            Some(end) => &line[..at + end],
            None => &line[..at],
        }
    }

    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        read_back(value, escaped)
    }
}

/// The YAML round trip (the cloudbuild room's too, once Cloud Build's `$$` is read):
/// `key: ESCAPED` before `next: 1`, read with cfgc's own strict YAML reader.
pub(super) fn read_back(value: &Value, escaped: &str) -> Result<(), String> {
    let doc = format!("key: {escaped}\nnext: 1\n");
    let src = Source::new(String::new(), Default::default(), doc);
    let node = crate::yaml::parse(FileId(0), &src)
        .map_err(|d| format!("the file does not read back: {}", d.message))?;
    let map = node.as_map().ok_or("the file is not a mapping")?;
    let back = map.get("key").map(|entry| entry.node.to_json());
    expect(
        back.is_some_and(|back| same(&back, value)),
        "the value came back as another value",
    )?;
    expect(
        map.len() == 2 && map.contains_key("next"),
        "the value swallowed the next key or added one",
    )
}

/// The length of `key: ` at the start of `rest`, for a plain or double-quoted key.
fn key_end(rest: &str) -> Option<usize> {
    let after_key = if let Some(quoted) = rest.strip_prefix('"') {
        let mut escaped = false;
        let close = quoted.char_indices().find(|&(_, c)| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end
        })?;
        1 + close.0 + 1
    } else {
        let first = rest.chars().next()?;
        if "\"'#&*!|>%@`{[-?:,".contains(first) || first.is_whitespace() {
            return None;
        }
        rest.find(": ")
            .or_else(|| rest.strip_suffix(':').map(str::len))?
    };
    let key = &rest[..after_key];
    if !rest[..after_key].starts_with('"') && key.contains(" #") {
        return None;
    }
    let tail = &rest[after_key..];
    if tail == ":" {
        Some(after_key + 1)
    } else if tail.starts_with(": ") {
        Some(after_key + 2)
    } else {
        None
    }
}

/// YAML limits an implicit mapping key to 1024 characters; longer keys need the explicit `? `
/// form. The margin covers the quotes and escapes, which count too.
const IMPLICIT_KEY_LIMIT: usize = 1000;

/// One value as a single-line YAML node.
pub fn escape(value: &Value) -> String {
    let mut out = String::new();
    write_node(&mut out, value);
    out
}

fn write_node(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(&plain_number(number)),
        Value::String(text) => write_double_quoted(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_node(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                let mut quoted_key = String::new();
                write_double_quoted(&mut quoted_key, key);
                if quoted_key.chars().count() > IMPLICIT_KEY_LIMIT {
                    out.push_str("? ");
                    out.push_str(&quoted_key);
                    out.push_str(" : ");
                } else {
                    out.push_str(&quoted_key);
                    out.push_str(": ");
                }
                write_node(out, item);
            }
            out.push('}');
        }
    }
}

/// serde_json writes large and small floats as `1e300` or `1.5e-7`. YAML 1.2 reads those as
/// floats, but YAML 1.1 needs a `.` in the mantissa and a sign on the exponent, or the value
/// silently becomes the string "1e300" (PyYAML does this). `1.0e+300` is a float in both.
fn plain_number(number: &Number) -> String {
    let text = number.to_string();
    if !number.is_f64() {
        return text;
    }
    match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let mantissa = if mantissa.contains('.') {
                mantissa.to_string()
            } else {
                format!("{mantissa}.0")
            };
            let exponent = if exponent.starts_with(['-', '+']) {
                exponent.to_string()
            } else {
                format!("+{exponent}")
            };
            format!("{mantissa}e{exponent}")
        }
        None if !text.contains('.') => format!("{text}.0"),
        None => text,
    }
}

/// A double-quoted scalar. Line breaks must be escaped (a raw one would be folded into a space),
/// and so must everything outside YAML's printable set, which parsers reject even inside quotes.
/// NEL, LS and PS are printable in YAML 1.2 but line breaks in YAML 1.1, and a BOM is only
/// allowed at the start of a stream: escaping them keeps both versions reading the same string.
/// `text` as a YAML double-quoted scalar that reads back as the same string: the one YAML
/// quoter of the program (rendered outputs and secrets files alike).
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_double_quoted(&mut out, text);
    out
}

fn write_double_quoted(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Runs of characters that need no escape are copied as slices: most values are all
    // such characters, and a long one (a joined list) is then one copy. Only the bytes that
    // may start an escaped character are looked at as characters.
    let bytes = text.as_bytes();
    let (mut run, mut at) = (0, 0);
    while at < bytes.len() {
        let byte = bytes[at];
        if (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\' {
            at += 1;
            continue;
        }
        // `at` is on a character boundary: ASCII bytes step by one, others by their length.
        let Some(ch) = text[at..].chars().next() else {
            break;
        };
        if let Some(escaped) = escape_char(ch) {
            out.push_str(&text[run..at]);
            escaped.write(out);
            run = at + ch.len_utf8();
        }
        at += ch.len_utf8();
    }
    out.push_str(&text[run..]);
    out.push('"');
}

/// How a character that cannot appear as itself inside `"…"` is written.
enum Escaped {
    Short(&'static str),
    Hex(u32),
    Unicode(u32),
}

impl Escaped {
    fn write(self, out: &mut String) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = match self {
            Escaped::Short(text) => out.write_str(text),
            Escaped::Hex(code) => write!(out, "\\x{code:02x}"),
            Escaped::Unicode(code) => write!(out, "\\u{code:04x}"),
        };
    }
}

fn escape_char(ch: char) -> Option<Escaped> {
    Some(match ch {
        '"' => Escaped::Short("\\\""),
        '\\' => Escaped::Short("\\\\"),
        '\n' => Escaped::Short("\\n"),
        '\r' => Escaped::Short("\\r"),
        '\t' => Escaped::Short("\\t"),
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => Escaped::Hex(u32::from(ch)),
        '\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
            Escaped::Unicode(u32::from(ch))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(value: Value) -> String {
        escape(&value)
    }

    #[test]
    fn indicators_and_lookalikes_stay_inside_quotes() {
        assert_eq!(yaml(json!("a: b # c")), r#""a: b # c""#);
        assert_eq!(yaml(json!("- x")), r#""- x""#);
        assert_eq!(yaml(json!("*alias")), r#""*alias""#);
        assert_eq!(yaml(json!("!!binary x")), r#""!!binary x""#);
        assert_eq!(yaml(json!("true")), r#""true""#);
        assert_eq!(yaml(json!("0644")), r#""0644""#);
        assert_eq!(yaml(json!("")), r#""""#);
    }

    #[test]
    fn injection_of_a_sibling_key_stays_one_line() {
        let hostile = "x\"\nadmin: true\nsteps:\n- name: evil";
        let out = yaml(json!(hostile));
        assert_eq!(out, r#""x\"\nadmin: true\nsteps:\n- name: evil""#);
        assert!(!out.contains('\n'));
    }

    #[test]
    fn control_and_break_characters_are_escaped() {
        assert_eq!(
            yaml(json!("\u{0}\u{7}\u{1b}\u{7f}")),
            r#""\x00\x07\x1b\x7f""#
        );
        assert_eq!(
            yaml(json!("a\u{85}b\u{2028}c\u{feff}")),
            r#""a\x85b\u2028c\ufeff""#
        );
        assert_eq!(yaml(json!("tab\tcr\r\\")), r#""tab\tcr\r\\""#);
        assert_eq!(yaml(json!("é 🦀")), "\"é 🦀\"");
    }

    #[test]
    fn scalars_use_forms_both_yaml_versions_resolve_alike() {
        assert_eq!(yaml(json!(null)), "null");
        assert_eq!(yaml(json!(true)), "true");
        assert_eq!(yaml(json!(-42)), "-42");
        assert_eq!(yaml(json!(u64::MAX)), "18446744073709551615");
        assert_eq!(yaml(json!(2.5)), "2.5");
        assert_eq!(yaml(json!(1e300)), "1.0e+300");
        assert_eq!(yaml(json!(-1.5e-7)), "-1.5e-7");
    }

    #[test]
    fn collections_become_single_line_flow_nodes() {
        assert_eq!(yaml(json!([])), "[]");
        assert_eq!(yaml(json!({})), "{}");
        assert_eq!(
            yaml(json!({"a: b": ["x", 1, null], "c": {"d": false}})),
            r#"{"a: b": ["x", 1, null], "c": {"d": false}}"#
        );
    }

    #[test]
    fn long_keys_use_the_explicit_form() {
        let key = "k".repeat(IMPLICIT_KEY_LIMIT);
        let out = yaml(json!({ key.clone(): 1 }));
        assert_eq!(out, format!("{{? \"{key}\" : 1}}"));
    }
}
