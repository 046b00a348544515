//! The JavaScript and TypeScript tokenizer (JSX too, for `.jsx` and `.tsx`): comments are
//! dropped; strings, template literals, regex literals and JSX text are literals, never
//! code; the code inside a template's `${…}` and a JSX `{…}` is code.
//!
//! A `/` starts a regex literal where an expression is expected, and a `<` starts a JSX
//! element there too: that is decided by the previous significant token, as real
//! tokenizers do (a value before it, `x / 2`, means division). A "regex" that reaches
//! the end of its line was a division after all: a regex literal holds no line break.

use super::token::{Cursor, Kind, LexError, Token, is_ident_start, nest, unterminated};

const PUNCTS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>",
];

/// After these words an expression starts, so a `/` there opens a regex literal.
const BEFORE_EXPRESSION: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
    "extends",
];

/// What the text at a point is: code (ending at its `}` when it is a template's or a
/// JSX `{…}`), a template literal's text, a JSX tag, or a JSX element's children.
#[derive(Clone, Copy)]
enum Ctx {
    Code {
        braces: usize,
    },
    /// `piece`: where the current piece of text started (the backtick or the `}`).
    Template {
        piece: usize,
    },
    Tag,
    Children,
}

struct Frame {
    ctx: Ctx,
    start: usize,
}

pub fn tokenize(text: &str, jsx: bool) -> Result<Vec<Token>, LexError> {
    let mut lexer = Lexer {
        c: Cursor::new(text),
        stack: vec![Frame {
            ctx: Ctx::Code { braces: 0 },
            start: 0,
        }],
        jsx,
    };
    while lexer.step()? {}
    if lexer.stack.len() > 1 {
        let top = lexer.stack.last().expect("more than one frame");
        let what = match top.ctx {
            Ctx::Code { .. } | Ctx::Template { .. } => "template literal or JSX expression",
            Ctx::Tag | Ctx::Children => "JSX element",
        };
        return Err(unterminated(top.start, what));
    }
    Ok(lexer.c.tokens)
}

struct Lexer<'t> {
    c: Cursor<'t>,
    stack: Vec<Frame>,
    jsx: bool,
}

impl Lexer<'_> {
    /// One token or piece of text; `false` at the end of the file.
    fn step(&mut self) -> Result<bool, LexError> {
        let top = self
            .stack
            .last()
            .expect("the outermost frame is never popped");
        match top.ctx {
            Ctx::Code { .. } => self.code(),
            Ctx::Template { piece } => self.template(piece),
            Ctx::Tag => self.tag(),
            Ctx::Children => self.children(),
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
        let next = self.c.peek_at(1);
        match b {
            b'/' if next == Some(b'/') => self.c.skip_line(),
            b'/' if next == Some(b'*') => self.c.block_comment("/*", "*/")?,
            b'#' if start == 0 && next == Some(b'!') => self.c.skip_line(),
            b'`' => {
                self.enter(Ctx::Template { piece: start }, start)?;
                self.c.pos += 1;
            }
            b'\'' | b'"' => {
                let inner = self.c.quoted(&[b], false)?;
                self.c.push_inner(Kind::Str, start, inner)?;
            }
            b'/' if self.expression_expected() => self.regex()?,
            b'{' | b'}' => self.brace(b)?,
            b'<' if self.jsx && self.expression_expected() && self.jsx_starts() => {
                self.enter(Ctx::Tag, start)?;
                self.c.pos += 1;
            }
            b'0'..=b'9' => {
                self.c.number();
                self.c.push(Kind::Number, start)?;
            }
            b'.' if next.is_some_and(|n| n.is_ascii_digit()) => {
                self.c.number();
                self.c.push(Kind::Number, start)?;
            }
            b'#' => {
                self.c.pos += 1;
                self.c.ident(true);
                self.c.push(Kind::Ident, start)?;
            }
            _ if is_ident_start(b, true) => {
                self.c.ident(true);
                self.c.push(Kind::Ident, start)?;
            }
            _ => self.c.punct(PUNCTS)?,
        }
        Ok(true)
    }

    /// `{` and `}`: a `}` that closes a template's `${` or a JSX `{` ends the code there.
    fn brace(&mut self, b: u8) -> Result<(), LexError> {
        let depth = self.stack.len();
        if let Some(Frame {
            ctx: Ctx::Code { braces },
            ..
        }) = self.stack.last_mut()
        {
            if b == b'{' {
                *braces += 1;
            } else if *braces > 0 {
                *braces -= 1;
            } else if depth > 1 {
                self.stack.pop();
                if let Some(Frame {
                    ctx: Ctx::Template { piece },
                    ..
                }) = self.stack.last_mut()
                {
                    *piece = self.c.pos;
                }
                self.c.pos += 1;
                return Ok(());
            }
        }
        self.c.punct(&[])
    }

    /// Whether a value or an operator comes next: an operator after a value (`a / b`,
    /// `a < b`), a value otherwise (`= /re/`, `return <p/>`).
    fn expression_expected(&self) -> bool {
        let Some(last) = self.c.last() else {
            return true;
        };
        let text = self.c.text(last);
        match last.kind {
            Kind::Number | Kind::Str => false,
            // A template's head or middle (`…${`) is followed by an expression; its end,
            // a regex or a JSX element is a value.
            Kind::Opaque => text.ends_with("${"),
            Kind::Ident => BEFORE_EXPRESSION.contains(&text),
            Kind::Punct => !matches!(text, ")" | "]" | "}" | "++" | "--"),
        }
    }

    /// A regex literal, or a division operator when no regex literal ends on this line.
    fn regex(&mut self) -> Result<(), LexError> {
        let start = self.c.pos;
        self.c.pos += 1;
        let mut class = false;
        loop {
            match self.c.peek() {
                None | Some(b'\n') | Some(b'\r') => {
                    self.c.pos = start;
                    return self.c.punct(PUNCTS);
                }
                Some(b'\\') if matches!(self.c.peek_at(1), None | Some(b'\n' | b'\r')) => {
                    self.c.pos = start;
                    return self.c.punct(PUNCTS);
                }
                Some(b'\\') => self.c.pos += 2,
                Some(b'[') => (class, self.c.pos) = (true, self.c.pos + 1),
                Some(b']') => (class, self.c.pos) = (false, self.c.pos + 1),
                Some(b'/') if !class => break,
                Some(_) => self.c.pos += 1,
            }
        }
        self.c.pos += 1;
        self.c.ident(false);
        self.c.push(Kind::Opaque, start)
    }

    /// A template literal's text up to its end or its next `${`.
    fn template(&mut self, piece: usize) -> Result<bool, LexError> {
        loop {
            match self.c.peek() {
                None => return Ok(false),
                Some(b'\\') => self.c.pos += 2,
                Some(b'`') => {
                    self.c.pos += 1;
                    self.stack.pop();
                    // No substitution at all: a string like any other (`process.env[`X`]`).
                    if self.c.bytes[piece] == b'`' {
                        return self
                            .c
                            .push_inner(Kind::Str, piece, piece + 1..self.c.pos - 1)
                            .map(|()| true);
                    }
                    return self.c.push(Kind::Opaque, piece).map(|()| true);
                }
                Some(b'$') if self.c.peek_at(1) == Some(b'{') => {
                    self.c.pos += 2;
                    self.c.push(Kind::Opaque, piece)?;
                    self.enter(Ctx::Code { braces: 0 }, self.c.pos - 2)?;
                    return Ok(true);
                }
                Some(_) => self.c.pos += 1,
            }
        }
    }

    /// Whether the `<` here opens a JSX element (`<div`, `<>`) rather than a TypeScript
    /// type parameter list (`<T,>(x: T) => x`, `<T extends U>`).
    fn jsx_starts(&self) -> bool {
        let rest = &self.c.bytes[self.c.pos + 1..];
        match rest.first() {
            Some(b'>') => true,
            Some(&b) if is_ident_start(b, true) => {
                let name = rest
                    .iter()
                    .position(|&b| !super::token::is_ident_byte(b, true))
                    .unwrap_or(rest.len());
                let after = rest[name..].trim_ascii_start();
                !(after.starts_with(b",") || after.starts_with(b"extends "))
            }
            _ => false,
        }
    }

    /// Inside a JSX tag: names and `=` pass, strings (no escapes in JSX) are literals, a
    /// `{…}` is code; `/>` ends the element, `>` starts its children.
    fn tag(&mut self) -> Result<bool, LexError> {
        self.c.skip_space();
        let Some(b) = self.c.peek() else {
            return Ok(false);
        };
        match b {
            b'/' if self.c.peek_at(1) == Some(b'>') => {
                self.c.pos += 2;
                self.element_closed()?;
            }
            b'>' => {
                self.c.pos += 1;
                self.stack.last_mut().expect("in a tag").ctx = Ctx::Children;
            }
            b'{' => {
                self.enter(Ctx::Code { braces: 0 }, self.c.pos)?;
                self.c.pos += 1;
            }
            b'"' | b'\'' => {
                let start = self.c.pos;
                self.c.pos += 1;
                while self.c.peek().is_some_and(|c| c != b) {
                    self.c.pos += 1;
                }
                if self.c.peek().is_none() {
                    return Err(unterminated(start, "JSX attribute string"));
                }
                self.c.pos += 1;
            }
            _ => self.c.pos += 1,
        }
        Ok(true)
    }

    /// A JSX element's children: text, `{…}` code, nested elements, its closing tag.
    fn children(&mut self) -> Result<bool, LexError> {
        let Some(b) = self.c.peek() else {
            return Ok(false);
        };
        match b {
            b'{' => {
                self.enter(Ctx::Code { braces: 0 }, self.c.pos)?;
                self.c.pos += 1;
            }
            b'<' if self.c.peek_at(1) == Some(b'/') => {
                while self.c.peek().is_some_and(|c| c != b'>') {
                    self.c.pos += 1;
                }
                if self.c.peek().is_none() {
                    return Ok(false);
                }
                self.c.pos += 1;
                self.element_closed()?;
            }
            b'<' => {
                self.enter(Ctx::Tag, self.c.pos)?;
                self.c.pos += 1;
            }
            _ => self.c.pos += 1,
        }
        Ok(true)
    }

    /// An element ended: back in code, it is a value (what follows `<p/>` is an operator).
    fn element_closed(&mut self) -> Result<(), LexError> {
        let frame = self.stack.pop().expect("in an element");
        if let Some(Frame {
            ctx: Ctx::Code { .. },
            ..
        }) = self.stack.last()
        {
            self.c.push(Kind::Opaque, frame.start)?;
        }
        Ok(())
    }
}
