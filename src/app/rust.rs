//! The Rust tokenizer: line and (nested) block comments dropped; strings, byte and C
//! strings, raw strings (`r#"…"#`, any number of `#`) and char literals are literals; a
//! `'` starts a lifetime or label unless a char literal closes right after it.

use super::token::{Cursor, Kind, LexError, Token, is_ident_start, unterminated};

const PUNCTS: &[&str] = &[
    "::", "->", "=>", "..=", "...", "..", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=",
    "/=", "%=", "^=", "&=", "|=", "<<=", ">>=", "<<", ">>",
];

pub fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let mut c = Cursor::new(text);
    loop {
        c.skip_space();
        let Some(b) = c.peek() else {
            return Ok(c.tokens);
        };
        let start = c.pos;
        match b {
            b'/' if c.peek_at(1) == Some(b'/') => c.skip_line(),
            b'/' if c.peek_at(1) == Some(b'*') => block_comment(&mut c)?,
            b'"' => {
                let inner = c.quoted(b"\"", true)?;
                c.push_inner(Kind::Str, start, inner)?;
            }
            b'\'' => quote(&mut c)?,
            b'0'..=b'9' => {
                c.number();
                c.push(Kind::Number, start)?;
            }
            _ if is_ident_start(b, false) => word(&mut c)?,
            _ => c.punct(PUNCTS)?,
        }
    }
}

/// `/* … */`, nested: a counter, so any depth costs nothing.
fn block_comment(c: &mut Cursor) -> Result<(), LexError> {
    let start = c.pos;
    let mut depth = 0usize;
    loop {
        if c.at_str("/*") {
            depth += 1;
            c.pos += 2;
        } else if c.at_str("*/") {
            depth -= 1;
            c.pos += 2;
            if depth == 0 {
                return Ok(());
            }
        } else if c.peek().is_none() {
            return Err(unterminated(start, "block comment"));
        } else {
            c.pos += 1;
        }
    }
}

/// A name, or the prefix of a literal: `b"…"`, `c"…"`, `b'x'`, `r"…"`, `r#"…"#`, `br#"…"#`,
/// `cr"…"`; `r#name` is a raw identifier.
fn word(c: &mut Cursor) -> Result<(), LexError> {
    let start = c.pos;
    c.ident(false);
    let word = &c.bytes[start..c.pos];
    match (word, c.peek()) {
        (b"b" | b"c", Some(b'"')) => {
            let inner = c.quoted(b"\"", true)?;
            c.push_inner(Kind::Str, start, inner)
        }
        (b"b", Some(b'\'')) => {
            c.pos = start + 1;
            quote(c)
        }
        (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => raw(c, start),
        _ => c.push(Kind::Ident, start),
    }
}

/// A raw string whose `r` prefix ended at `self.pos`; `r#name`, a raw identifier.
fn raw(c: &mut Cursor, start: usize) -> Result<(), LexError> {
    let hashes = c.bytes[c.pos..].iter().take_while(|&&b| b == b'#').count();
    if c.peek_at(hashes) != Some(b'"') {
        // `r#type`: a raw identifier, a name like any other.
        c.pos += hashes;
        c.ident(false);
        return c.push(Kind::Ident, start);
    }
    c.pos += hashes + 1;
    let inner = c.pos;
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    loop {
        if c.bytes[c.pos..].starts_with(&close) {
            let inner = inner..c.pos;
            c.pos += close.len();
            return c.push_inner(Kind::Str, start, inner);
        }
        if c.peek().is_none() {
            return Err(unterminated(start, "raw string"));
        }
        c.pos += 1;
    }
}

/// A char literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`), or a lifetime or label (`'a`,
/// `'static`) when no `'` closes it right after one character.
fn quote(c: &mut Cursor) -> Result<(), LexError> {
    let start = c.pos;
    let Some(first) = c.peek_at(1) else {
        return Err(unterminated(start, "char literal"));
    };
    if first == b'\\' {
        c.pos += 3;
        while c.peek().is_some_and(|b| b != b'\'' && b != b'\n') {
            c.pos += 1;
        }
        if c.peek() != Some(b'\'') {
            return Err(unterminated(start, "char literal"));
        }
        c.pos += 1;
        return c.push(Kind::Opaque, start);
    }
    let len = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    if c.peek_at(1 + len) == Some(b'\'') {
        c.pos += 2 + len;
        return c.push(Kind::Opaque, start);
    }
    c.pos += 1;
    c.ident(false);
    c.push(Kind::Opaque, start)
}
