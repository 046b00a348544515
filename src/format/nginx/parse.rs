//! nginx's own reading of a config file, so a policy sees what nginx sees: directives with
//! their arguments and blocks, comments dropped, quotes and escapes resolved. It follows
//! nginx's tokenizer (`ngx_conf_read_token` in nginx 1.22): a `#` starts a comment only where
//! a token could start, `;` and `{` end an unquoted word but `}` does not, a quoted string must
//! be followed by a blank, `;`, `{` or `)`, and `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped
//! in every word. Bounded: nesting depth and argument length are limited, and it never panics.

use std::ops::Range;

use super::super::SyntaxError;
pub use super::super::directive::{Directive, walk};
use super::MAX_ARGUMENT_BYTES;

/// Blocks nested deeper than this are refused (nginx has no limit; real files use 4 or 5).
pub const MAX_DEPTH: usize = 64;

/// A word, or one of the characters that structure the file.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    End,
    Open,
    Close,
}

/// Parses a whole file into its top-level directives.
pub fn parse(text: &str) -> Result<Vec<Directive>, SyntaxError> {
    let mut lexer = Lexer { text, pos: 0 };
    // Open blocks: the directive that opened each, with what it holds so far.
    let mut stack: Vec<(Directive, Vec<Directive>)> = Vec::new();
    let mut top: Vec<Directive> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut start = 0;
    loop {
        let Some((token, at)) = lexer.next()? else {
            if !words.is_empty() {
                return Err(error(
                    text,
                    text.len(),
                    "unexpected end of file, expecting `;`",
                ));
            }
            if !stack.is_empty() {
                return Err(error(
                    text,
                    text.len(),
                    "unexpected end of file, expecting `}`",
                ));
            }
            return Ok(top);
        };
        if words.is_empty() {
            start = at.start;
        }
        match token {
            Token::Word(word) => words.push(word),
            Token::End | Token::Open if words.is_empty() => {
                let what = if token == Token::End { ";" } else { "{" };
                return Err(error(text, at.start, &format!("unexpected `{what}`")));
            }
            Token::End => {
                let directive = directive(std::mem::take(&mut words), start..at.end);
                current(&mut stack, &mut top).push(directive);
            }
            Token::Open => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        text,
                        at.start,
                        &format!("blocks nested deeper than {MAX_DEPTH}"),
                    ));
                }
                let opened = directive(std::mem::take(&mut words), start..at.end);
                stack.push((opened, Vec::new()));
            }
            Token::Close => {
                if !words.is_empty() {
                    return Err(error(text, at.start, "unexpected `}`, expecting `;`"));
                }
                let Some((mut opened, children)) = stack.pop() else {
                    return Err(error(text, at.start, "unexpected `}`"));
                };
                opened.block = Some(children);
                current(&mut stack, &mut top).push(opened);
            }
        }
    }
}

fn current<'a>(
    stack: &'a mut [(Directive, Vec<Directive>)],
    top: &'a mut Vec<Directive>,
) -> &'a mut Vec<Directive> {
    match stack.last_mut() {
        Some((_, children)) => children,
        None => top,
    }
}

fn directive(mut words: Vec<String>, span: Range<usize>) -> Directive {
    let name = words.remove(0);
    Directive {
        name,
        args: words,
        span,
        block: None,
    }
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    /// The next token and where it is, or `None` at the end of the text.
    fn next(&mut self) -> Result<Option<(Token, Range<usize>)>, SyntaxError> {
        let bytes = self.text.as_bytes();
        while let Some(&ch) = bytes.get(self.pos) {
            let at = self.pos;
            match ch {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'#' => {
                    self.pos = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
                }
                b';' | b'{' | b'}' => {
                    self.pos += 1;
                    let token = match ch {
                        b';' => Token::End,
                        b'{' => Token::Open,
                        _ => Token::Close,
                    };
                    return Ok(Some((token, at..at + 1)));
                }
                b'"' | b'\'' => return self.quoted(ch).map(Some),
                _ => return self.unquoted().map(Some),
            }
        }
        Ok(None)
    }

    /// A word in quotes: up to the unescaped closing quote, which a blank, `;`, `{` or `)`
    /// must follow.
    fn quoted(&mut self, quote: u8) -> Result<(Token, Range<usize>), SyntaxError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match bytes.get(i) {
                None => {
                    return Err(error(self.text, start, "a quoted string is never closed"));
                }
                Some(b'\\') => i += 2,
                Some(&ch) if ch == quote => break,
                Some(_) => i += 1,
            }
        }
        let end = i + 1;
        match bytes.get(end) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b')') => {}
            Some(_) => {
                return Err(error(
                    self.text,
                    end,
                    "a quoted string must be followed by a blank, `;` or `{`",
                ));
            }
        }
        self.pos = end;
        let word = self.word(start + 1..i, start..end)?;
        Ok((Token::Word(word), start..end))
    }

    /// A word without quotes: up to a blank, `;` or `{` (but `${` stays in the word).
    fn unquoted(&mut self) -> Result<(Token, Range<usize>), SyntaxError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut variable = false;
        while let Some(&ch) = bytes.get(i) {
            match ch {
                b'{' if variable => {}
                b'\\' => {
                    i += 2;
                    variable = false;
                    continue;
                }
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' => break,
                _ => {}
            }
            variable = ch == b'$';
            i += 1;
        }
        let end = i.min(bytes.len());
        self.pos = end;
        let word = self.word(start..end, start..end)?;
        Ok((Token::Word(word), start..end))
    }

    /// The word's text with nginx's escapes resolved; `token` is the whole token, for its
    /// length limit and error position.
    fn word(&self, inner: Range<usize>, token: Range<usize>) -> Result<String, SyntaxError> {
        if token.len() > MAX_ARGUMENT_BYTES {
            return Err(error(
                self.text,
                token.start,
                &format!("an argument longer than {MAX_ARGUMENT_BYTES} bytes"),
            ));
        }
        let raw = self
            .text
            .get(inner.clone())
            .ok_or_else(|| error(self.text, inner.start, "an escape at the end of the file"))?;
        Ok(unescape(raw))
    }
}

/// nginx's unescaping of a word: `\"`, `\'` and `\\` become the character, `\t`, `\r` and
/// `\n` control characters; any other backslash stays as it is.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.peek() {
            Some(&next @ ('"' | '\'' | '\\')) => {
                out.push(next);
                chars.next();
            }
            Some('t') => {
                out.push('\t');
                chars.next();
            }
            Some('r') => {
                out.push('\r');
                chars.next();
            }
            Some('n') => {
                out.push('\n');
                chars.next();
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// A syntax error at byte `at` of `text` (1-based line, 1-based column in characters).
fn error(text: &str, at: usize, message: &str) -> SyntaxError {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    SyntaxError {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(directives: &[Directive]) -> Vec<String> {
        walk(directives)
            .iter()
            .map(|d| format!("{} {}", d.name, d.args.join("|")))
            .collect()
    }

    #[test]
    fn directives_blocks_and_arguments() {
        let text = "a 1;\nhttp {\n  server { listen 443 ssl; }\n}\n";
        let parsed = parse(text).expect("valid");
        assert_eq!(
            names(&parsed),
            ["a 1", "http ", "server ", "listen 443|ssl"]
        );
        let listen = &walk(&parsed)[3];
        assert_eq!(&text[listen.span.clone()], "listen 443 ssl;");
    }

    #[test]
    fn comments_are_dropped_and_quotes_resolved() {
        let text = "# ssl_protocols TLSv1;\nx \"a ;b\" 'c\\'d' e\\\"f; # tail\ny a#b;";
        let parsed = parse(text).expect("valid");
        assert_eq!(names(&parsed), ["x a ;b|c'd|e\"f", "y a#b"]);
    }

    #[test]
    fn escapes_are_nginx_s() {
        let parsed = parse(r#"x "a\nb" "\\" "\q";"#).expect("valid");
        assert_eq!(parsed[0].args, ["a\nb", "\\", "\\q"]);
    }

    #[test]
    fn a_closing_brace_inside_a_word_is_part_of_it() {
        let parsed = parse("x a}b; y ${v}z;").expect("valid");
        assert_eq!(names(&parsed), ["x a}b", "y ${v}z"]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases = [
            ("x a", 1, 4, "unexpected end of file"),
            ("http {\n x;\n", 3, 1, "unexpected end of file"),
            ("x;\n}", 2, 1, "unexpected `}`"),
            ("x a }", 1, 5, "unexpected `}`"),
            (";", 1, 1, "unexpected `;`"),
            ("x \"a\"b;", 1, 6, "a quoted string must be followed"),
            ("x \"a;", 1, 3, "a quoted string is never closed"),
            ("x \"a\\", 1, 3, "a quoted string is never closed"),
        ];
        for (text, line, column, message) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!((err.line, err.column), (line, column), "{text:?}");
            assert!(
                err.message.starts_with(message),
                "{text:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn depth_and_length_are_bounded() {
        let deep = "a {".repeat(MAX_DEPTH + 1) + &"}".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).is_err());
        let ok = "a {".repeat(MAX_DEPTH) + &"}".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        assert!(parse(&format!("x {};", "a".repeat(MAX_ARGUMENT_BYTES))).is_ok());
        assert!(parse(&format!("x {};", "a".repeat(MAX_ARGUMENT_BYTES + 1))).is_err());
    }

    proptest::proptest! {
        /// What the escaper writes, nginx's tokenizer (as modelled here) reads back as the
        /// same single argument: the escaper and the parser agree.
        #[test]
        fn escaped_values_parse_back_as_one_argument(value in "\\PC{0,40}|[ \"'\\\\;{}#$\t]{0,12}") {
            if let Ok(escaped) = super::super::escape(&serde_json::Value::String(value.clone())) {
                let parsed = parse(&format!("x {escaped};\ny 1;")).expect("escaped text parses");
                proptest::prop_assert_eq!(&parsed[0].args, &vec![value]);
                proptest::prop_assert_eq!(parsed.len(), 2);
            }
        }

        #[test]
        fn any_text_is_parsed_or_refused_without_a_panic(text in "[a-z ;{}#'\"\\\\$\n]{0,60}") {
            let _ = parse(&text);
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for text in [
            "\\", "x \\", "x é\\", "'", "\"\\é", "{", "}", "x {", "é;", "x 'a'",
        ] {
            let _ = parse(text);
        }
    }
}
