//! The `.env` grammar import reads: the part python-dotenv and dotenvx agree on, which is
//! wider than what cfgc's dotenv room writes. Written here rather than taken from the
//! `dotenvy` crate because dotenvy stops at the first bad line, puts the line's text (a
//! secret) in its error, and expands `$NAME` as neither python-dotenv nor cfgc does; import
//! must report every bad line at `line:col` with its key only.
//!
//! - `KEY=value`, `export KEY=value`, spaces around `=`, `#` comment lines, blank lines, CRLF;
//! - unquoted values end at ` #` (an inline comment) and lose trailing spaces;
//! - quoted values may span lines; `"double"` quotes decode `\n \r \t` (as both readers do)
//!   and `\" \\ \' \a \b \f \v` (as python-dotenv does), `'single'` quotes `\\ \'` (as
//!   python-dotenv does); any other backslash is kept;
//! - `${NAME}` references are left in the value; `refs` decides what becomes of them,
//!   not the grammar.

/// One `KEY=value` read from the file.
#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub value: zeroize::Zeroizing<String>,
    pub line: usize,
    pub col: usize,
    /// Whether `${…}` in the value means a reference (not in single quotes).
    pub expands: bool,
    /// Which quote the value was in, if any.
    pub quote: Option<char>,
    /// An escape only python-dotenv decodes was decoded (dotenvx keeps the backslash).
    pub escapes_disagree: bool,
    /// An unquoted value holds `#` with no blank before it: python-dotenv keeps it, dotenvx
    /// ends the value there.
    pub hash_disagree: bool,
}

/// A line the readers would not read as cfgc would: where, which key, never the text.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub key: Option<String>,
    pub reason: &'static str,
}

/// Every entry and every problem of `text`, in file order.
pub fn parse(text: &str) -> (Vec<Entry>, Vec<Problem>) {
    let text = text.replace("\r\n", "\n");
    let mut p = Parser {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        col: 1,
        disagree: false,
    };
    let (mut entries, mut problems) = (Vec::new(), Vec::new());
    while p.peek().is_some() {
        match p.statement() {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err(problem) => {
                problems.push(problem);
                p.skip_line();
            }
        }
    }
    (entries, problems)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    line: usize,
    col: usize,
    disagree: bool,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
        }
    }

    fn problem(&self, key: Option<&str>, reason: &'static str) -> Problem {
        Problem {
            line: self.line,
            col: self.col,
            key: key.map(str::to_string),
            reason,
        }
    }

    /// One line (or one multi-line quoted value): an entry, or nothing for a blank or
    /// comment line.
    fn statement(&mut self) -> Result<Option<Entry>, Problem> {
        self.skip_blanks();
        match self.peek() {
            Some('\n') => {
                self.bump();
                return Ok(None);
            }
            Some('#') | None => {
                self.skip_line();
                return Ok(None);
            }
            _ => {}
        }
        let (line, col) = (self.line, self.col);
        let mut name = self.word();
        if name == "export" && matches!(self.peek(), Some(' ' | '\t')) {
            self.skip_blanks();
            name = self.word();
        }
        if name.is_empty() || !crate::render::flatten::is_env_name(&name) {
            return Err(Problem {
                line,
                col,
                key: None,
                reason: "expected a variable name (letters, digits and `_`, not starting with a digit)",
            });
        }
        self.skip_blanks();
        if self.peek() != Some('=') {
            return Err(self.problem(Some(&name), "expected `=` after the name"));
        }
        self.bump();
        self.skip_blanks();
        let quote = self.peek().filter(|c| matches!(c, '"' | '\''));
        self.disagree = false;
        let (value, expands) = self.value(&name)?;
        self.end_of_line(&name)?;
        let value = zeroize::Zeroizing::new(value);
        Ok(Some(Entry {
            name,
            hash_disagree: quote.is_none() && value.contains('#'),
            value,
            line,
            col,
            expands,
            quote,
            escapes_disagree: self.disagree,
        }))
    }

    fn word(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| !matches!(c, '=' | ' ' | '\t' | '\n' | '#'))
        {
            word.push(c);
            self.bump();
        }
        word
    }

    fn value(&mut self, name: &str) -> Result<(String, bool), Problem> {
        match self.peek() {
            Some('\'') => Ok((self.quoted(name, '\'')?, false)),
            Some('"') => Ok((self.quoted(name, '"')?, true)),
            _ => Ok((self.unquoted(), true)),
        }
    }

    /// Up to an inline comment (` #`) or the end of the line, trailing blanks dropped.
    fn unquoted(&mut self) -> String {
        let mut value = String::new();
        while let Some(c) = self.peek().filter(|c| *c != '\n') {
            // python-dotenv keeps a `#` that opens the value (`KEY=#x` is `#x`).
            if c == '#' && value.ends_with([' ', '\t']) {
                break;
            }
            value.push(c);
            self.bump();
        }
        value.truncate(value.trim_end_matches([' ', '\t']).len());
        value
    }

    fn quoted(&mut self, name: &str, quote: char) -> Result<String, Problem> {
        let open = self.problem(Some(name), "this quote is never closed");
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                None => return Err(open),
                Some(c) if c == quote => return Ok(value),
                Some('\\') => match decode(quote, self.peek()) {
                    Some((c, shared)) => {
                        self.bump();
                        self.disagree |= !shared;
                        value.push(c);
                    }
                    None => value.push('\\'),
                },
                Some(c) => value.push(c),
            }
        }
    }
}

/// The character a backslash escape stands for in `quote`s, as python-dotenv decodes it,
/// and whether dotenvx decodes it too (it decodes only `\n`, `\r`, `\t`, in double quotes).
fn decode(quote: char, next: Option<char>) -> Option<(char, bool)> {
    match (quote, next?) {
        ('"', 'n') => Some(('\n', true)),
        ('"', 'r') => Some(('\r', true)),
        ('"', 't') => Some(('\t', true)),
        ('"', 'a') => Some(('\u{7}', false)),
        ('"', 'b') => Some(('\u{8}', false)),
        ('"', 'f') => Some(('\u{c}', false)),
        ('"', 'v') => Some(('\u{b}', false)),
        ('"', c @ ('"' | '\'' | '\\')) | ('\'', c @ ('\'' | '\\')) => Some((c, false)),
        _ => None,
    }
}

impl Parser {
    /// After a quoted value: blanks, then a comment or the end of the line.
    fn end_of_line(&mut self, name: &str) -> Result<(), Problem> {
        self.skip_blanks();
        match self.peek() {
            None => Ok(()),
            Some('\n') => {
                self.bump();
                Ok(())
            }
            Some('#') => {
                self.skip_line();
                Ok(())
            }
            Some(_) => Err(self.problem(
                Some(name),
                "unexpected text after the closing quote (quote the whole value)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        let (entries, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        entries
            .into_iter()
            .map(|e| (e.name, e.value.to_string()))
            .collect()
    }

    #[test]
    fn the_shared_grammar() {
        let text = "export   A=x\nB = hello world # note\r\nC=\"l1\\nl2 \\\"q\\\" \\\\\"\nD='a\\n$b'\nE=\nF=\"multi\nline\"  # c\nG=p!ss#word\n";
        assert_eq!(
            values(text),
            [
                ("A", "x"),
                ("B", "hello world"),
                ("C", "l1\nl2 \"q\" \\"),
                ("D", "a\\n$b"),
                ("E", ""),
                ("F", "multi\nline"),
                ("G", "p!ss#word"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn every_bad_line_is_reported_with_its_key() {
        let (entries, problems) = parse("1X=a\nOK=1\nNOEQ value\nQ=\"a\" b\nLAST=2\n");
        assert_eq!(entries.len(), 2);
        let at: Vec<(usize, usize, Option<&str>)> = problems
            .iter()
            .map(|p| (p.line, p.col, p.key.as_deref()))
            .collect();
        assert_eq!(at, [(1, 1, None), (3, 6, Some("NOEQ")), (4, 7, Some("Q"))]);
    }
}
