//! YAML layers: a tree built from saphyr-parser's events so that every node
//! keeps its span, `!unset` is seen, and duplicate keys are errors.
//!
//! Scalars resolve by the YAML 1.2 core schema, strictly: only `true`/`false`
//! are booleans (not `yes`/`no`), and `0644` stays a string, as a user writing
//! a file mode or a zip code means.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan, Tag};

use crate::diagnostic::Diagnostic;
use crate::node::{Entry, Kind, Map, Node};
use crate::source::{FileId, Source, Span};

/// Alias expansion may copy at most this many nodes ("billion laughs").
const NODE_BUDGET: usize = 1_000_000;

pub fn parse(file: FileId, src: &Source) -> Result<Node, Diagnostic> {
    let mut builder = Builder {
        file,
        src,
        parser: Parser::new_from_str(&src.text),
        anchors: HashMap::new(),
        nodes: 0,
    };
    builder.document()
}

struct Builder<'a> {
    file: FileId,
    src: &'a Source,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, YSpan), Diagnostic> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(self.syntax(e.marker(), e.info())),
            None => Err(self.syntax(&self.end_marker(), "unexpected end of input")),
        }
    }

    fn end_marker(&self) -> Marker {
        let (line, col) = self.src.line_col(self.src.text.len());
        Marker::new(self.src.text.len(), line, col - 1)
    }

    fn byte(&self, m: &Marker) -> usize {
        self.src.byte_at(m.line(), m.col())
    }

    fn span(&self, s: &YSpan) -> Span {
        Span::new(self.file, self.byte(&s.start), self.byte(&s.end))
    }

    fn syntax(&self, at: &Marker, info: &str) -> Diagnostic {
        let start = self.byte(at);
        let end = self.src.text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Diagnostic::error("yaml-syntax", format!("YAML syntax error: {info}"))
            .at(Span::new(self.file, start, end))
            .label("here")
            .help("fix the YAML syntax at this point; the file was not loaded")
    }

    /// A layer holds at most one document; an empty file is an empty map.
    fn document(&mut self) -> Result<Node, Diagnostic> {
        let empty = Node::new(Kind::Map(Map::new()), Span::new(self.file, 0, 0));
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(root.unwrap_or(empty)),
                Event::DocumentStart(_) if root.is_some() => {
                    return Err(Diagnostic::error(
                        "yaml-syntax",
                        "a layer file holds one YAML document, found a second one",
                    )
                    .at(self.span(&span))
                    .label("second document starts here")
                    .help("split the documents into separate layer files"));
                }
                Event::DocumentStart(_) => {
                    let (event, span) = self.next()?;
                    root = Some(self.node(event, span)?);
                }
                _ => return Err(self.syntax(&span.start, "unexpected YAML event")),
            }
        }
    }

    fn node(&mut self, event: Event<'a>, span: YSpan) -> Result<Node, Diagnostic> {
        self.nodes += 1;
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let sp = self.span(&span);
                (self.scalar(&value, style, tag.as_deref(), sp)?, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                self.no_tag(tag.as_deref(), &span)?;
                let start = self.byte(&span.start);
                let mut items = Vec::new();
                let end = loop {
                    let (event, span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        break self.byte(&span.end);
                    }
                    items.push(self.node(event, span)?);
                };
                (
                    Node::new(Kind::List(items), Span::new(self.file, start, end)),
                    anchor,
                )
            }
            Event::MappingStart(anchor, tag) => {
                self.no_tag(tag.as_deref(), &span)?;
                (self.mapping(&span)?, anchor)
            }
            Event::Alias(id) => {
                let node =
                    self.anchors.get(&id).cloned().ok_or_else(|| {
                        self.syntax(&span.start, "alias refers to an unknown anchor")
                    })?;
                self.nodes += count(&node);
                if self.nodes > NODE_BUDGET {
                    return Err(self
                        .syntax(&span.start, "aliases expand to too many nodes")
                        .help("this looks like an alias bomb; write the values out"));
                }
                (node, 0)
            }
            _ => return Err(self.syntax(&span.start, "unexpected YAML event")),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn mapping(&mut self, span: &YSpan) -> Result<Node, Diagnostic> {
        let start = self.byte(&span.start);
        let mut map = Map::new();
        loop {
            let (event, kspan) = self.next()?;
            let key = match event {
                Event::MappingEnd => {
                    let end = self.byte(&kspan.end);
                    return Ok(Node::new(Kind::Map(map), Span::new(self.file, start, end)));
                }
                Event::Scalar(key, ..) => key.into_owned(),
                _ => {
                    return Err(self
                        .syntax(&kspan.start, "mapping keys must be plain strings")
                        .label("complex key"));
                }
            };
            let key_span = self.span(&kspan);
            let (event, vspan) = self.next()?;
            let node = self.node(event, vspan)?;
            if let Some(first) = map.get(&key) {
                let (line, col) = self.src.line_col(first.key_span.start as usize);
                return Err(Diagnostic::error(
                    "yaml-duplicate-key",
                    format!("duplicate key `{key}`"),
                )
                .at(key_span)
                .label("defined again here")
                .note(format!("first defined at {}:{line}:{col}", self.src.name))
                .help("a key may appear once per mapping: remove one of the two"));
            }
            map.insert(key, Entry { key_span, node });
        }
    }

    fn no_tag(&self, tag: Option<&Tag>, span: &YSpan) -> Result<(), Diagnostic> {
        match tag {
            None => Ok(()),
            Some(t) if t.is_yaml_core_schema() && (t.suffix == "map" || t.suffix == "seq") => {
                Ok(())
            }
            Some(t) => Err(self.bad_tag(t, span)),
        }
    }

    fn bad_tag(&self, tag: &Tag, span: &YSpan) -> Diagnostic {
        Diagnostic::error("yaml-tag", format!("unsupported tag `{}{}`", tag.handle, tag.suffix))
            .at(self.span(span))
            .label("here")
            .help("cfgc understands `!unset` (remove an inherited key) and the core tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`")
    }

    fn scalar(
        &self,
        value: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<Node, Diagnostic> {
        let kind = match tag {
            Some(t) if t.handle == "!" && t.suffix == "unset" => Kind::Unset,
            Some(t) if t.is_yaml_core_schema() => {
                let resolved = resolve_plain(value);
                match (t.suffix.as_str(), resolved) {
                    ("str", _) => Kind::Str(value.to_string()),
                    ("int", k @ Kind::Int(_))
                    | ("float", k @ (Kind::Float(_) | Kind::Int(_)))
                    | ("bool", k @ Kind::Bool(_))
                    | ("null", k @ Kind::Null) => match k {
                        Kind::Int(i) if t.suffix == "float" => Kind::Float(i as f64),
                        k => k,
                    },
                    _ => {
                        return Err(Diagnostic::error(
                            "yaml-tag",
                            format!("this scalar is not a valid `!!{}`", t.suffix),
                        )
                        .at(span)
                        .label("here"));
                    }
                }
            }
            Some(t) => {
                return Err(Diagnostic::error("yaml-tag", format!("unsupported tag `{}{}`", t.handle, t.suffix))
                    .at(span)
                    .label("here")
                    .help("cfgc understands `!unset` (remove an inherited key) and the core tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`"));
            }
            None if style == ScalarStyle::Plain => resolve_plain(value),
            None => Kind::Str(value.to_string()),
        };
        Ok(Node::new(kind, span))
    }
}

fn count(node: &Node) -> usize {
    1 + match &node.kind {
        Kind::List(items) => items.iter().map(count).sum(),
        Kind::Map(m) => m.values().map(|e| count(&e.node)).sum(),
        _ => 0,
    }
}

/// YAML 1.2 core schema for plain scalars, with strict booleans and leading
/// zeros kept as strings.
pub(crate) fn resolve_plain(v: &str) -> Kind {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Kind::Float(f64::NAN),
        _ => {}
    }
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    let leading_zero =
        digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if leading_zero {
            return Kind::Str(v.to_string());
        }
        return v
            .parse()
            .map_or_else(|_| Kind::Str(v.to_string()), Kind::Int);
    }
    if let Some(hex) = v.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).map_or_else(|_| Kind::Str(v.to_string()), Kind::Int);
    }
    if let Some(oct) = v.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).map_or_else(|_| Kind::Str(v.to_string()), Kind::Int);
    }
    if !leading_zero
        && is_float(digits)
        && let Ok(f) = v.parse::<f64>()
    {
        return Kind::Float(f);
    }
    Kind::Str(v.to_string())
}

fn is_float(s: &str) -> bool {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let has_digits = !int.is_empty() || !frac.is_empty();
    exp_ok
        && has_digits
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (mantissa.contains('.') || exp.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Node, Diagnostic> {
        let src = Source::new("t.yaml".into(), "t.yaml".into(), text.into());
        parse(FileId(0), &src)
    }

    #[test]
    fn resolves_scalars_strictly() {
        assert!(matches!(resolve_plain("no"), Kind::Str(_)));
        assert!(matches!(resolve_plain("0644"), Kind::Str(_)));
        assert!(matches!(resolve_plain("8080"), Kind::Int(8080)));
        assert!(matches!(resolve_plain("1.5"), Kind::Float(_)));
        assert!(matches!(resolve_plain("1e3"), Kind::Float(_)));
        assert!(matches!(resolve_plain("7d"), Kind::Str(_)));
        assert!(matches!(resolve_plain("true"), Kind::Bool(true)));
        assert!(matches!(resolve_plain("~"), Kind::Null));
    }

    #[test]
    fn keeps_spans_and_unset() {
        let node = load("A: 1\nB: !unset\nC: \"x\"\n").expect("valid yaml");
        let map = node.as_map().expect("a map");
        assert!(matches!(map["B"].node.kind, Kind::Unset));
        assert_eq!(map["C"].node.span.start, 18);
        assert_eq!(map["A"].key_span.start, 0);
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = load("A: 1\nA: 2\n").expect_err("duplicate");
        assert_eq!(err.code, "yaml-duplicate-key");
        assert_eq!(err.span.map(|s| s.start), Some(5));
    }

    #[test]
    fn stops_alias_bombs() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = load(&text).expect_err("bomb");
        assert!(err.message.contains("too many nodes"));
    }
}
