//! YAML layers: a tree built from saphyr-parser's events so that every node
//! keeps its span, `!unset` is seen, and duplicate keys are errors.
//!
//! Scalars resolve by the YAML 1.2 core schema, strictly: only `true`/`false`
//! are booleans (not `yes`/`no`), and `0644` stays a string, as a user writing
//! a file mode or a zip code means.

mod flat;
mod scalar;

pub(crate) use scalar::resolve_plain;

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan, Tag};

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Limits;
use crate::node::{Entry, Kind, Map, Node};
use crate::source::{FileId, Source, Span};

/// `parse_with` under the default limits (for text cfgc made itself, and tests).
pub fn parse(file: FileId, src: &Source) -> Result<Node, Diagnostic> {
    parse_with(file, src, &Limits::default())
}

/// A YAML file as a span-keeping tree, refused past `limits.depth` levels of nesting
/// (the tree is built by recursion: deeper input would overflow the stack) or when its
/// aliases would copy more than `limits.alias_bytes` of text ("billion laughs").
pub fn parse_with(file: FileId, src: &Source, limits: &Limits) -> Result<Node, Diagnostic> {
    match parse_flat_first(file, src, limits) {
        Some(node) => Ok(node),
        None => parse_full(file, src, limits),
    }
}

/// The file's flat lines read by `flat`, and the rest of it, if any, by the full parser
/// alone; `None` when that cannot give exactly what the full parser gives for the whole
/// file (then it reads the whole file, and reports any error).
fn parse_flat_first(file: FileId, src: &Source, limits: &Limits) -> Option<Node> {
    if limits.depth == 0 {
        return None;
    }
    let text = &src.text;
    let prefix = flat::prefix(file, text)?;
    // Without an entry there is nothing to gain, and the span would start elsewhere.
    let first = prefix.first?;
    let mut entries = prefix.entries;
    let mut end = text.len();
    if prefix.rest < text.len() {
        let rest = Source::new(
            String::new(),
            Default::default(),
            text[prefix.rest..].into(),
        );
        let rest = parse_full(file, &rest, limits).ok()?;
        let Kind::Map(more) = rest.kind else {
            return None;
        };
        let by = u32::try_from(prefix.rest).ok()?;
        for (key, mut entry) in more {
            shift(&mut entry, by);
            if entries.insert(key, entry).is_some() {
                return None;
            }
        }
        end = prefix.rest + rest.span.end as usize;
    }
    Some(Node::new(Kind::Map(entries), Span::new(file, first, end)))
}

/// Moves an entry read from a later part of a file to its place in the whole file.
fn shift(entry: &mut Entry, by: u32) {
    entry.key_span.start += by;
    entry.key_span.end += by;
    shift_node(&mut entry.node, by);
}

fn shift_node(node: &mut Node, by: u32) {
    node.span.start += by;
    node.span.end += by;
    match &mut node.kind {
        Kind::List(items) => items.iter_mut().for_each(|item| shift_node(item, by)),
        Kind::Map(map) => map.values_mut().for_each(|entry| shift(entry, by)),
        _ => {}
    }
}

/// `parse_with` by the full parser alone: what the flat-lines route must agree with (its
/// tests and the `layer_merge` fuzz target compare the two).
pub fn parse_full(file: FileId, src: &Source, limits: &Limits) -> Result<Node, Diagnostic> {
    let mut builder = Builder {
        file,
        src,
        parser: Parser::new_from_str(&src.text),
        anchors: HashMap::new(),
        depth: 0,
        max_depth: limits.depth,
        alias_bytes: 0,
        max_alias_bytes: limits.alias_bytes,
    };
    builder.document()
}

/// An anchored node, with what copying it costs: its nesting depth and text size.
struct Anchored {
    node: Node,
    depth: usize,
    bytes: u64,
}

struct Builder<'a> {
    file: FileId,
    src: &'a Source,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Anchored>,
    /// Collections open around the current node.
    depth: usize,
    max_depth: usize,
    /// Bytes of text copied by aliases so far.
    alias_bytes: u64,
    max_alias_bytes: u64,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, YSpan), Diagnostic> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            // The scanner has its own cap on flow nesting, which it may reach first
            // (it reads ahead of the events): the same error as ours.
            Some(Err(e)) if e.info() == "recursion limit exceeded" => {
                Err(self.too_deep(e.marker()))
            }
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
        Diagnostic::new(Code::YamlSyntax, format!("YAML syntax error: {info}"))
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
                    return Err(Diagnostic::new(
                        Code::YamlSyntax,
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

    fn too_deep(&self, at: &Marker) -> Diagnostic {
        let start = self.byte(at);
        Diagnostic::new(
            Code::YamlTooDeep,
            format!("YAML nesting is deeper than {} levels", self.max_depth),
        )
        .at(Span::new(self.file, start, start + 1))
        .label("too deep here")
        .help("flatten the structure, or raise `depth` in the `[limits]` table of cfgc.toml")
    }

    fn node(&mut self, event: Event<'a>, span: YSpan) -> Result<Node, Diagnostic> {
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let sp = self.span(&span);
                (self.scalar(&value, style, tag.as_deref(), sp)?, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                self.no_tag(tag.as_deref(), &span)?;
                self.open(&span)?;
                let start = self.byte(&span.start);
                let mut items = Vec::new();
                let end = loop {
                    let (event, span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        break self.byte(&span.end);
                    }
                    items.push(self.node(event, span)?);
                };
                self.depth -= 1;
                (
                    Node::new(Kind::List(items), Span::new(self.file, start, end)),
                    anchor,
                )
            }
            Event::MappingStart(anchor, tag) => {
                self.no_tag(tag.as_deref(), &span)?;
                self.open(&span)?;
                let map = self.mapping(&span)?;
                self.depth -= 1;
                (map, anchor)
            }
            Event::Alias(id) => {
                let anchored = self
                    .anchors
                    .get(&id)
                    .ok_or_else(|| self.syntax(&span.start, "alias refers to an unknown anchor"))?;
                // The copy sits at this depth: its own levels count from here.
                if self.depth + anchored.depth > self.max_depth {
                    return Err(self.too_deep(&span.start));
                }
                self.alias_bytes = self.alias_bytes.saturating_add(anchored.bytes);
                if self.alias_bytes > self.max_alias_bytes {
                    return Err(Diagnostic::new(Code::YamlAliasBudget,
                        format!(
                            "YAML aliases expand to more than {} bytes",
                            self.max_alias_bytes
                        ),
                    )
                    .at(self.span(&span))
                    .label("the budget runs out at this alias")
                    .help("this looks like an alias bomb: write the values out, or raise `alias_bytes` in the `[limits]` table of cfgc.toml"));
                }
                (anchored.node.clone(), 0)
            }
            _ => return Err(self.syntax(&span.start, "unexpected YAML event")),
        };
        if anchor != 0 {
            let (depth, bytes) = weigh(&node);
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    depth,
                    bytes,
                },
            );
        }
        Ok(node)
    }

    /// Enter a list or map, unless that is one level too many.
    fn open(&mut self, span: &YSpan) -> Result<(), Diagnostic> {
        if self.depth >= self.max_depth {
            return Err(self.too_deep(&span.start));
        }
        self.depth += 1;
        Ok(())
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
                return Err(Diagnostic::new(
                    Code::YamlDuplicateKey,
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
        Diagnostic::new(Code::YamlTag, format!("unsupported tag `{}{}`", tag.handle, tag.suffix))
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
                        return Err(Diagnostic::new(
                            Code::YamlTag,
                            format!("this scalar is not a valid `!!{}`", t.suffix),
                        )
                        .at(span)
                        .label("here"));
                    }
                }
            }
            Some(t) => {
                return Err(Diagnostic::new(Code::YamlTag, format!("unsupported tag `{}{}`", t.handle, t.suffix))
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

/// A node's nesting depth, and the bytes of text a copy of it holds: each scalar and key
/// its length plus one, so that even a bomb of empty strings weighs something. Recursion
/// is safe: the node is at most `max_depth` deep.
fn weigh(node: &Node) -> (usize, u64) {
    let text = |k: &Kind| match k {
        Kind::Str(s) => s.len() as u64,
        // Numbers, booleans and nulls print in a few bytes.
        _ => 8,
    };
    match &node.kind {
        Kind::List(items) => items.iter().map(weigh).fold((1, 1), |(d, b), (id, ib)| {
            (d.max(id + 1), b.saturating_add(ib))
        }),
        Kind::Map(m) => {
            m.iter()
                .map(|(k, e)| (k, weigh(&e.node)))
                .fold((1, 1), |(d, b), (k, (id, ib))| {
                    (
                        d.max(id + 1),
                        b.saturating_add(ib).saturating_add(k.len() as u64 + 1),
                    )
                })
        }
        k => (0, text(k) + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn load(text: &str) -> Result<Node, Diagnostic> {
        let src = Source::new("t.yaml".into(), "t.yaml".into(), text.into());
        parse(FileId(0), &src)
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
        assert_eq!(err.code, Code::YamlDuplicateKey);
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
        assert_eq!(err.code, Code::YamlAliasBudget);
    }

    #[test]
    fn stops_a_string_alias_bomb_by_bytes() {
        // Few nodes, many bytes: a node budget let this through.
        let mut text = format!("a: &a \"{}\"\n", "x".repeat(100_000));
        text.push_str("b: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n");
        let err = load(&text).expect_err("bomb");
        assert_eq!(err.code, Code::YamlAliasBudget);
        assert_eq!(
            err.message,
            "YAML aliases expand to more than 1048576 bytes"
        );
    }

    #[test]
    fn refuses_nesting_past_the_limit_in_block_and_flow_style() {
        let flow = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let err = load(&flow).expect_err("too deep");
        assert_eq!(err.code, Code::YamlTooDeep);
        let mut block = String::new();
        for i in 0..5000 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        let err = load(&block).expect_err("too deep");
        assert_eq!(err.code, Code::YamlTooDeep);
        assert_eq!(err.message, "YAML nesting is deeper than 64 levels");
        // Exactly at the limit is fine: the root map is level 1.
        let ok = format!("a: {}{}\n", "[".repeat(63), "]".repeat(63));
        load(&ok).expect("64 levels");
    }

    #[test]
    fn an_alias_counts_the_depth_it_copies() {
        let deep = format!("a: &a {}{}\n", "[".repeat(40), "]".repeat(40));
        let text = format!("{deep}b: {}*a{}\n", "[".repeat(30), "]".repeat(30));
        let err = load(&text).expect_err("too deep");
        assert_eq!(err.code, Code::YamlTooDeep);
    }
}
