//! The full YAML reader: saphyr-parser's events built into a span-keeping tree, one
//! document per file, with the nesting and alias limits checked as it goes.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan, Tag};

use super::resolve_plain;
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Limits;
use crate::node::{Entry, Kind, Map, Node};
use crate::source::{FileId, Source, Span};

/// The one document of `src` as a tree (an empty file is an empty map).
pub(super) fn document(file: FileId, src: &Source, limits: &Limits) -> Result<Node, Diagnostic> {
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
            Event::Alias(id) => (self.alias(id, &span)?, 0),
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

    /// A copy of the node anchored as `id`, unless it would nest too deep or the copies
    /// of the whole file would pass the alias budget.
    fn alias(&mut self, id: usize, span: &YSpan) -> Result<Node, Diagnostic> {
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
            .at(self.span(span))
            .label("the budget runs out at this alias")
            .help("this looks like an alias bomb: write the values out, or raise `alias_bytes` in the `[limits]` table of cfgc.toml"));
        }
        Ok(anchored.node.clone())
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
