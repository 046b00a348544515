//! TOML layers, through toml's span-keeping `DeTable` so that TOML and YAML
//! layers get the same diagnostics. TOML has no tags: the string `"!unset"`
//! is the unset marker here.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Limits;
use crate::node::{Entry, Kind, Map, Node};
use crate::source::{FileId, Source, Span};

pub const UNSET: &str = "!unset";

/// `parse_with` under the default limits.
pub fn parse(file: FileId, src: &Source) -> Result<Node, Diagnostic> {
    parse_with(file, src, &Limits::default())
}

/// A TOML layer as a span-keeping tree, refused past `limits.depth` levels of nesting
/// (the toml crate itself stops at 80, in which case its error is reported the same way).
pub fn parse_with(file: FileId, src: &Source, limits: &Limits) -> Result<Node, Diagnostic> {
    let table = DeTable::parse(&src.text).map_err(|e| syntax(file, src, &e, limits))?;
    let span = table.span();
    let c = Converter {
        file,
        max_depth: limits.depth,
    };
    Ok(Node::new(
        Kind::Map(c.table(table.get_ref(), 1, span.clone())?),
        Span::new(file, span.start, span.end),
    ))
}

fn too_deep(file: FileId, span: std::ops::Range<usize>, max_depth: usize) -> Diagnostic {
    Diagnostic::new(
        Code::TomlTooDeep,
        format!("TOML nesting is deeper than {max_depth} levels"),
    )
    .at(Span::new(file, span.start, span.start + 1))
    .label("too deep here")
    .help("flatten the structure, or raise `depth` in the `[limits]` table of cfgc.toml")
}

fn syntax(file: FileId, src: &Source, e: &toml::de::Error, limits: &Limits) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    if e.message().contains("max recursion depth") {
        return too_deep(file, span, limits.depth);
    }
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
        Code::TomlDuplicateKey
    } else {
        Code::TomlSyntax
    };
    Diagnostic::new(code, format!("TOML syntax error: {message}"))
        .at(Span::new(file, span.start, end))
        .label("here")
        .help("fix the TOML syntax at this point; the file was not loaded")
}

/// Tables and arrays to nodes; `depth` is the level of the collection being converted
/// (the file's table is 1).
struct Converter {
    file: FileId,
    max_depth: usize,
}

impl Converter {
    fn table(
        &self,
        table: &DeTable,
        depth: usize,
        span: std::ops::Range<usize>,
    ) -> Result<Map, Diagnostic> {
        if depth > self.max_depth {
            return Err(too_deep(self.file, span, self.max_depth));
        }
        table
            .iter()
            .map(|(k, v)| {
                let ks = k.span();
                let entry = Entry {
                    key_span: Span::new(self.file, ks.start, ks.end),
                    node: self.value(v, depth + 1)?,
                };
                Ok((k.get_ref().to_string(), entry))
            })
            .collect()
    }

    fn value(&self, value: &Spanned<DeValue>, depth: usize) -> Result<Node, Diagnostic> {
        let s = value.span();
        let span = Span::new(self.file, s.start, s.end);
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
            DeValue::Array(items) => {
                if depth > self.max_depth {
                    return Err(too_deep(self.file, s, self.max_depth));
                }
                Kind::List(
                    items
                        .iter()
                        .map(|v| self.value(v, depth + 1))
                        .collect::<Result<_, _>>()?,
                )
            }
            DeValue::Table(t) => Kind::Map(self.table(t, depth, s)?),
        };
        Ok(Node::new(kind, span))
    }
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
        assert_eq!(err.code, Code::TomlDuplicateKey);
        assert_eq!(err.span.map(|s| s.start), Some(6));
    }

    #[test]
    fn refuses_nesting_past_the_limit() {
        let parse_text = |text: String| {
            let src = Source::new("t.toml".into(), "t.toml".into(), text);
            parse(FileId(0), &src)
        };
        // Inline arrays past the toml crate's own cap of 80, and past ours (64) below it.
        for n in [5000, 70] {
            let text = format!("a = {}{}\n", "[".repeat(n), "]".repeat(n));
            let err = parse_text(text).expect_err("too deep");
            assert_eq!(err.code, Code::TomlTooDeep, "{n}: {}", err.message);
            assert_eq!(err.message, "TOML nesting is deeper than 64 levels");
        }
        // A table header's dotted keys nest too.
        let keys: Vec<String> = (0..70).map(|i| format!("k{i}")).collect();
        let err = parse_text(format!("[{}]\nx = 1\n", keys.join("."))).expect_err("too deep");
        assert_eq!(err.code, Code::TomlTooDeep);
        // The root table is level 1: 63 arrays inside it is the limit.
        parse_text(format!("a = {}{}\n", "[".repeat(63), "]".repeat(63))).expect("64 levels");
    }
}
