//! TOML layers, through toml's span-keeping `DeTable` so that TOML and YAML
//! layers get the same diagnostics. TOML has no tags: the string `"!unset"`
//! is the unset marker here.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Diagnostic;
use crate::node::{Entry, Kind, Map, Node};
use crate::source::{FileId, Source, Span};

pub const UNSET: &str = "!unset";

pub fn parse(file: FileId, src: &Source) -> Result<Node, Diagnostic> {
    let table = DeTable::parse(&src.text).map_err(|e| syntax(file, src, &e))?;
    let span = table.span();
    Ok(Node::new(
        Kind::Map(convert_table(file, table.get_ref())),
        Span::new(file, span.start, span.end),
    ))
}

fn syntax(file: FileId, src: &Source, e: &toml::de::Error) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let end = if span.is_empty() {
        src.text[span.start..]
            .chars()
            .next()
            .map_or(span.start, |c| span.start + c.len_utf8())
    } else {
        span.end
    };
    let message = e
        .message()
        .lines()
        .next()
        .unwrap_or("invalid TOML")
        .trim_end_matches('.');
    let code = if message.contains("duplicate key") {
        "toml-duplicate-key"
    } else {
        "toml-syntax"
    };
    Diagnostic::error(code, format!("TOML syntax error: {message}"))
        .at(Span::new(file, span.start, end))
        .label("here")
        .help("fix the TOML syntax at this point; the file was not loaded")
}

fn convert_table(file: FileId, table: &DeTable) -> Map {
    table
        .iter()
        .map(|(k, v)| {
            let ks = k.span();
            let entry = Entry {
                key_span: Span::new(file, ks.start, ks.end),
                node: convert(file, v),
            };
            (k.get_ref().to_string(), entry)
        })
        .collect()
}

fn convert(file: FileId, value: &Spanned<DeValue>) -> Node {
    let s = value.span();
    let span = Span::new(file, s.start, s.end);
    let kind = match value.get_ref() {
        DeValue::String(s) if s == UNSET => Kind::Unset,
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(digits.trim_start_matches('+'), i.radix()) {
                Ok(n) => Kind::Int(n),
                Err(_) => Kind::Str(digits),
            }
        }
        DeValue::Float(f) => Kind::Float(parse_float(f.as_str())),
        DeValue::Boolean(b) => Kind::Bool(*b),
        // JSON Schema has no datetime type: it sees the RFC 3339 text.
        DeValue::Datetime(d) => Kind::Str(d.to_string()),
        DeValue::Array(items) => Kind::List(items.iter().map(|v| convert(file, v)).collect()),
        DeValue::Table(t) => Kind::Map(convert_table(file, t)),
    };
    Node::new(kind, span)
}

fn parse_float(text: &str) -> f64 {
    match text.trim_start_matches('+') {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "-nan" => f64::NAN,
        t => t.replace('_', "").parse().unwrap_or(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_types_and_unset() {
        let src = Source::new(
            "t.toml".into(),
            "t.toml".into(),
            "PORT = 8_080\nX = \"!unset\"\n[T]\nd = 1979-05-27\n".into(),
        );
        let node = parse(FileId(0), &src).expect("valid toml");
        let map = node.as_map().expect("a map");
        assert!(matches!(map["PORT"].node.kind, Kind::Int(8080)));
        assert!(matches!(map["X"].node.kind, Kind::Unset));
        assert_eq!(map["PORT"].node.span.start, 7);
        let t = map["T"].node.as_map().expect("table");
        assert!(matches!(&t["d"].node.kind, Kind::Str(s) if s == "1979-05-27"));
    }

    #[test]
    fn duplicate_key_is_an_error_with_location() {
        let src = Source::new("t.toml".into(), "t.toml".into(), "A = 1\nA = 2\n".into());
        let err = parse(FileId(0), &src).expect_err("duplicate");
        assert_eq!(err.code, "toml-duplicate-key");
        assert_eq!(err.span.map(|s| s.start), Some(6));
    }
}
