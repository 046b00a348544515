//! What the tokenizers make of a source file: significant tokens with their byte spans
//! (comments and whitespace dropped), and the bounds every tokenizer keeps.

use std::ops::Range;

/// Tokens one file may make, at most: a 1 MiB file makes far fewer of real code.
pub const MAX_TOKENS: usize = 400_000;
/// Contexts open at once, at most: template literals and f-strings inside the code of
/// each other, JSX elements inside each other.
pub const MAX_NESTING: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name or keyword.
    Ident,
    /// An operator or bracket.
    Punct,
    /// A string literal whose text is known: `inner` is what is between its quotes.
    Str,
    /// A number literal.
    Number,
    /// Any other literal or piece of one: a template literal's text, a regex literal, an
    /// f-string's text, a char literal, a JSX element. Never a name.
    Opaque,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub span: Range<usize>,
    /// For `Str`: the text between the quotes (escapes left as written).
    pub inner: Range<usize>,
}

/// Why a file could not be read as its language: the run stops rather than reading it
/// halfway (what follows would be read wrongly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub at: usize,
    pub why: Why,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// A string, comment, template, regex or JSX element that does not end.
    Unterminated(&'static str),
    /// More than `MAX_NESTING` contexts open at once.
    TooDeep,
    /// More than `MAX_TOKENS` tokens.
    TooManyTokens,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Unterminated(what) => write!(f, "this {what} does not end"),
            Why::TooDeep => write!(
                f,
                "literals and code nest inside each other more than {MAX_NESTING} levels deep here"
            ),
            Why::TooManyTokens => write!(f, "the file has more than {MAX_TOKENS} tokens"),
        }
    }
}

/// A position in a file's bytes and the tokens found so far: what every tokenizer is
/// built on. Positions only ever stop at ASCII bytes, so every span is on a `char`
/// boundary.
pub struct Cursor<'t> {
    pub bytes: &'t [u8],
    pub pos: usize,
    pub tokens: Vec<Token>,
}

impl<'t> Cursor<'t> {
    pub fn new(text: &'t str) -> Cursor<'t> {
        Cursor {
            bytes: text.as_bytes(),
            pos: 0,
            tokens: Vec::new(),
        }
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    pub fn at_str(&self, s: &str) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s.as_bytes()))
    }

    pub fn push(&mut self, kind: Kind, start: usize) -> Result<(), LexError> {
        self.push_inner(kind, start, start..start)
    }

    pub fn push_inner(
        &mut self,
        kind: Kind,
        start: usize,
        inner: Range<usize>,
    ) -> Result<(), LexError> {
        if self.tokens.len() >= MAX_TOKENS {
            return Err(LexError {
                at: start,
                why: Why::TooManyTokens,
            });
        }
        self.tokens.push(Token {
            kind,
            span: start..self.pos,
            inner,
        });
        Ok(())
    }

    /// The last token, for deciding what a `/` or `<` starts.
    pub fn last(&self) -> Option<&Token> {
        self.tokens.last()
    }

    pub fn text(&self, token: &Token) -> &'t str {
        std::str::from_utf8(&self.bytes[token.span.clone()]).unwrap_or("")
    }

    /// Skip spaces, tabs and line breaks (and any non-ASCII byte outside a token: no
    /// language cfgc reads puts a name's first letter there that matters for a read).
    pub fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// A name: ASCII letters, digits, `_`, `$` (when `dollar`), and any non-ASCII byte.
    pub fn ident(&mut self, dollar: bool) {
        while let Some(b) = self.peek() {
            if is_ident_byte(b, dollar) {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// A number: digits, letters, `_`, and a `.` followed by a digit (`1.5`, `0x1F`, `1_000`).
    pub fn number(&mut self) {
        while let Some(b) = self.peek() {
            let dot = b == b'.' && self.peek_at(1).is_some_and(|n| n.is_ascii_digit());
            if b.is_ascii_alphanumeric() || b == b'_' || dot {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The longest of `puncts` here, else one byte; pushed as a `Punct`.
    pub fn punct(&mut self, puncts: &[&str]) -> Result<(), LexError> {
        let start = self.pos;
        let len = puncts
            .iter()
            .filter(|p| self.at_str(p))
            .map(|p| p.len())
            .max()
            .unwrap_or(1);
        self.pos += len;
        self.push(Kind::Punct, start)
    }

    /// Skip to the end of the line (a line comment).
    pub fn skip_line(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    /// A string whose opening quote `quote` is at `self.pos`, up to its closing quote; a
    /// backslash escapes the next byte. With `multiline` false, a line break unescaped
    /// ends nothing: the string is unterminated.
    pub fn quoted(&mut self, quote: &[u8], multiline: bool) -> Result<Range<usize>, LexError> {
        let start = self.pos;
        self.pos += quote.len();
        let inner_start = self.pos;
        loop {
            match self.peek() {
                None => return Err(unterminated(start, "string")),
                Some(b'\\') => self.pos += 2,
                Some(b'\n') if !multiline => return Err(unterminated(start, "string")),
                Some(_) if self.bytes[self.pos..].starts_with(quote) => {
                    let inner = inner_start..self.pos;
                    self.pos += quote.len();
                    return Ok(inner);
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Skip a block comment opened at `self.pos` by `open`, up to `close`.
    pub fn block_comment(&mut self, open: &str, close: &str) -> Result<(), LexError> {
        let start = self.pos;
        self.pos += open.len();
        while !self.at_str(close) {
            if self.peek().is_none() {
                return Err(unterminated(start, "comment"));
            }
            self.pos += 1;
        }
        self.pos += close.len();
        Ok(())
    }
}

pub fn is_ident_byte(b: u8, dollar: bool) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 || (dollar && b == b'$')
}

pub fn is_ident_start(b: u8, dollar: bool) -> bool {
    is_ident_byte(b, dollar) && !b.is_ascii_digit()
}

pub fn unterminated(at: usize, what: &'static str) -> LexError {
    LexError {
        at,
        why: Why::Unterminated(what),
    }
}

/// `frame` opened on `stack`, or refused (at `start`) past `MAX_NESTING` open contexts:
/// the one bound every tokenizer's nesting of literals and code keeps.
pub fn nest<T>(stack: &mut Vec<T>, frame: T, start: usize) -> Result<(), LexError> {
    if stack.len() >= MAX_NESTING {
        return Err(too_deep(start));
    }
    stack.push(frame);
    Ok(())
}

pub fn too_deep(at: usize) -> LexError {
    LexError {
        at,
        why: Why::TooDeep,
    }
}
