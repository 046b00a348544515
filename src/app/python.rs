//! The Python tokenizer: `#` comments dropped; strings with their prefixes (`r`, `b`,
//! `u`, `f`, `t` and their pairs, any case) and triple quotes are literals, docstrings
//! included; the code inside an f-string's `{…}` is code (its format spec after `:` is
//! text again, and may hold `{…}` code of its own).

use super::token::{Cursor, Kind, LexError, Token, is_ident_start, nest, unterminated};

const PUNCTS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
];

#[derive(Clone, Copy)]
enum Ctx {
    /// `field`: the code of an f-string's replacement field, ended by its `}`.
    Code { brackets: usize, field: bool },
    /// An f-string's text; `piece`: where the current piece of it started.
    FString {
        quote: u8,
        triple: bool,
        piece: usize,
    },
    /// A replacement field's format spec (`:>10`): text, with `{…}` code inside.
    Spec,
}

struct Frame {
    ctx: Ctx,
    start: usize,
}

pub fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let mut lexer = Lexer {
        c: Cursor::new(text),
        stack: vec![Frame {
            ctx: Ctx::Code {
                brackets: 0,
                field: false,
            },
            start: 0,
        }],
    };
    while lexer.step()? {}
    if lexer.stack.len() > 1 {
        let top = lexer.stack.last().expect("more than one frame");
        return Err(unterminated(top.start, "f-string"));
    }
    Ok(lexer.c.tokens)
}

struct Lexer<'t> {
    c: Cursor<'t>,
    stack: Vec<Frame>,
}

/// A string prefix: up to two of `rbuft`, any case, not two of the same.
fn is_prefix(word: &[u8]) -> bool {
    let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
    matches!(
        lower.as_slice(),
        b"r" | b"b" | b"u" | b"f" | b"t" | b"rb" | b"br" | b"rf" | b"fr" | b"rt" | b"tr"
    )
}

impl Lexer<'_> {
    fn step(&mut self) -> Result<bool, LexError> {
        let top = self
            .stack
            .last()
            .expect("the outermost frame is never popped");
        match top.ctx {
            Ctx::Code { .. } => self.code(),
            Ctx::FString {
                quote,
                triple,
                piece,
            } => self.fstring(quote, triple, piece),
            Ctx::Spec => self.spec(),
        }
    }

    fn enter(&mut self, ctx: Ctx, start: usize) -> Result<(), LexError> {
        nest(&mut self.stack, Frame { ctx, start }, start)
    }

    fn code(&mut self) -> Result<bool, LexError> {
        self.c.skip_space();
        let Some(b) = self.c.peek() else {
            return Ok(false);
        };
        let start = self.c.pos;
        match b {
            b'#' => self.c.skip_line(),
            b'\'' | b'"' => self.string(start, false)?,
            b'0'..=b'9' => self.number(start)?,
            b'.' if self.c.peek_at(1).is_some_and(|n| n.is_ascii_digit()) => self.number(start)?,
            _ if is_ident_start(b, false) => {
                self.c.ident(false);
                let word = &self.c.bytes[start..self.c.pos];
                let quoted = matches!(self.c.peek(), Some(b'\'' | b'"'));
                if quoted && is_prefix(word) {
                    let f = word.iter().any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
                    self.string(start, f)?;
                } else {
                    self.c.push(Kind::Ident, start)?;
                }
            }
            b'(' | b'[' | b'{' | b')' | b']' | b'}' | b':' => self.bracket(b)?,
            _ => self.c.punct(PUNCTS)?,
        }
        Ok(true)
    }

    fn number(&mut self, start: usize) -> Result<(), LexError> {
        self.c.number();
        self.c.push(Kind::Number, start)
    }

    /// A string whose prefix (if any) starts at `start` and whose quote is here.
    fn string(&mut self, start: usize, f: bool) -> Result<(), LexError> {
        let quote = self.c.peek().expect("at a quote");
        let triple = self.c.at_str(if quote == b'"' { "\"\"\"" } else { "'''" });
        if f {
            self.c.pos += if triple { 3 } else { 1 };
            return self.enter(
                Ctx::FString {
                    quote,
                    triple,
                    piece: start,
                },
                start,
            );
        }
        let inner = match triple {
            true => self.c.quoted(&[quote; 3], true)?,
            false => self.c.quoted(&[quote], false)?,
        };
        self.c.push_inner(Kind::Str, start, inner)
    }

    /// Brackets, and in an f-string's field the `}` that ends it and the `:` that starts
    /// its format spec.
    fn bracket(&mut self, b: u8) -> Result<(), LexError> {
        let depth = self.stack.len();
        let top = self.stack.last_mut().expect("in code");
        let Ctx::Code { brackets, field } = &mut top.ctx else {
            return self.c.punct(PUNCTS);
        };
        let ends_field = *brackets == 0 && *field && depth > 1;
        match b {
            b'(' | b'[' | b'{' => *brackets += 1,
            b'}' if ends_field => {
                self.stack.pop();
                self.field_ended();
                self.c.pos += 1;
                return Ok(());
            }
            b':' if ends_field && !self.c.at_str(":=") => {
                top.ctx = Ctx::Spec;
                self.c.pos += 1;
                return Ok(());
            }
            b')' | b']' | b'}' => *brackets = brackets.saturating_sub(1),
            _ => {}
        }
        self.c.punct(PUNCTS)
    }

    /// A replacement field ended at `self.pos` (its `}`): the f-string's text goes on.
    fn field_ended(&mut self) {
        if let Some(Frame {
            ctx: Ctx::FString { piece, .. },
            ..
        }) = self.stack.last_mut()
        {
            *piece = self.c.pos;
        }
    }

    fn fstring(&mut self, quote: u8, triple: bool, piece: usize) -> Result<bool, LexError> {
        loop {
            match self.c.peek() {
                None => return Ok(false),
                Some(b'\\') => self.c.pos += 2,
                Some(b'\n') if !triple => {
                    let start = self.stack.last().map_or(piece, |f| f.start);
                    return Err(unterminated(start, "string"));
                }
                Some(b'{' | b'}') if self.c.peek_at(1) == self.c.peek() => self.c.pos += 2,
                Some(b'{') => {
                    self.c.pos += 1;
                    self.c.push(Kind::Opaque, piece)?;
                    let field = Ctx::Code {
                        brackets: 0,
                        field: true,
                    };
                    self.enter(field, self.c.pos - 1)?;
                    return Ok(true);
                }
                Some(q) if q == quote => {
                    let len = if triple { 3 } else { 1 };
                    if triple && !self.c.at_str(if q == b'"' { "\"\"\"" } else { "'''" }) {
                        self.c.pos += 1;
                        continue;
                    }
                    self.c.pos += len;
                    self.stack.pop();
                    self.c.push(Kind::Opaque, piece)?;
                    return Ok(true);
                }
                Some(_) => self.c.pos += 1,
            }
        }
    }

    /// A format spec's text up to the `}` that ends its field, or a `{` of nested code.
    fn spec(&mut self) -> Result<bool, LexError> {
        loop {
            match self.c.peek() {
                None => return Ok(false),
                Some(b'{') => {
                    let at = self.c.pos;
                    self.c.pos += 1;
                    let field = Ctx::Code {
                        brackets: 0,
                        field: true,
                    };
                    self.enter(field, at)?;
                    return Ok(true);
                }
                Some(b'}') => {
                    self.stack.pop();
                    self.field_ended();
                    self.c.pos += 1;
                    return Ok(true);
                }
                Some(_) => self.c.pos += 1,
            }
        }
    }
}
