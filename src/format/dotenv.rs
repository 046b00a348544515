//! `.env`: the value after `KEY=`, in a subset every common reader agrees on.
//!
//! cfgc writes each value in a form that python-dotenv, Docker Compose (`env_file`), Node's
//! `--env-file`, npm `dotenv` with `dotenv-expand`, dotenvx and bash (`set -a; source .env`)
//! all read back as exactly the same string:
//!
//! - **Plain** (unquoted) when the value is not empty and made only of
//!   `A-Z a-z 0-9 _ . / : @ % + , = ? -`.
//! - **Empty**: nothing after the `=`.
//! - **Single-quoted** (`'…'`) otherwise. Inside single quotes all these readers take every
//!   character literally: spaces, tabs, `#`, `"`, `` ` ``, `$`, `\n` written as two characters,
//!   non-ASCII, and line feeds (the value then spans lines; Node reads those since
//!   nodejs/node#51289, released in 20.12).
//! - **Rejected** when the value contains
//!   - `'`: no escape for it inside single quotes works in all four (bash ends the quote there,
//!     python-dotenv and Compose read `\'` as a quote);
//!   - `\\` (two backslashes in a row): python-dotenv reads them as one, the others as two;
//!   - a backslash as its last character: python-dotenv and Compose read `\'` as an escaped quote
//!     and run on past the end of the value;
//!   - `${`: python-dotenv expands `${NAME}` even inside single quotes;
//!   - `$` followed by a letter or `_`: dotenv-expand expands `$NAME` in every value, quoted
//!     or not (it sees only what `dotenv` parsed, not the quotes), and an unset name becomes
//!     nothing, so a bcrypt hash or a password loses its tail;
//!   - `\$`: dotenv-expand's escape for `$`, which it reads as `$` and the others as `\$`;
//!   - `$(`: dotenv-expand 1000 (the current release; `@dotenvx/primitives` inside) runs
//!     `$(…)` as a shell command in every value, quoted or not, and puts its output in the
//!     value's place: a secret holding `$(touch PWNED)` would run on the app's start;
//!   - `encrypted:` at the start: dotenvx (every release here) and dotenv-expand 1000 decrypt
//!     such a value with the `DOTENV_PRIVATE_KEY` they find, even in single quotes, or fail
//!     when there is none;
//!   - a carriage return: python-dotenv reads it as a line feed (universal newlines), Node drops
//!     it;
//!   - NUL: no environment variable can hold it.
//! - Numbers and booleans are written as their JSON text (always plain); null, arrays and objects
//!   are rejected.
//! - Keys must match `[A-Za-z_][A-Za-z0-9_]*` ([`check_key`]).
//!
//! `dotenv-literal` is the same subset for a file no reader expands variables in (the app
//! does not load it through dotenv-expand): `$` followed by a name, `\$` and `$(` are then
//! written single-quoted like any other text, since every reader above but dotenv-expand
//! takes them literally there (dotenvx expands and runs commands only outside single
//! quotes).
//!
//! What else the current readers give a meaning to, and cfgc therefore need not refuse:
//! a backtick (dotenv-expand and dotenvx run only `$(…)`; inside single quotes every reader
//! keeps it), `$$` (no reader reads it as an escape or a process id), and escapes other
//! than `\$` (dotenv-expand has no other; dotenvx's `\'` cannot occur, `'` is refused). Random passwords hold `$x` often enough that refusing them
//! is wrong for such apps, and right for apps that expand.
//!
//! python-dotenv, bash, Node, npm dotenv + dotenv-expand and dotenvx are checked by
//! `tests/escape_dotenv.rs`; Compose by reading
//! compose-go's `dotenv/parser.go` (single quotes: literal, only `\'` special, no expansion).
//!
//! [`parse_dotenv`] reads this subset back, so later stages can find which lines hold which values.

use super::round_trip::{expect, text_of};
use super::{DOTENV, EscapeError, Room, SyntaxError};
use refused::unreadable;
use serde_json::Value;

mod refused;

/// The room, for a file some reader may expand `$NAME` in (`dotenv`: the default) or for one
/// that every reader takes literally (`dotenv-literal`).
pub struct Dotenv {
    pub expanded: Expanded,
}

/// Whether a reader of the file expands `$NAME` in values (dotenv-expand does).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Expanded {
    Maybe,
    Never,
}

impl Room for Dotenv {
    fn name(&self) -> &'static str {
        match self.expanded {
            Expanded::Maybe => "dotenv",
            Expanded::Never => "dotenv-literal",
        }
    }

    fn summary(&self) -> &'static str {
        match self.expanded {
            Expanded::Maybe => "`.env` files: the value after `KEY=`",
            Expanded::Never => "`.env` files no reader expands `$NAME` in",
        }
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        escape_for(value, self.expanded)
    }

    fn escape_str(&self, text: &str) -> Result<String, EscapeError> {
        escape_text(text, self.expanded)
    }

    fn parse_back(&self, text: &str) -> Result<(), SyntaxError> {
        for_each_entry(text, self.expanded, |_, _| {}).map_err(|e| SyntaxError {
            line: e.line,
            column: 1,
            message: e.reason,
        })
    }

    /// `KEY=` (with its indentation and `export `).
    /// `KEY=ESCAPED` before `NEXT=1`, read by cfgc's reader of the subset every reader agrees on
    /// (`tests/escape_dotenv.rs` holds that reader to the real ones).
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        let doc = format!("KEY={escaped}\nNEXT=1\n");
        self.parse_back(&doc)
            .map_err(|e| format!("the file does not parse back: {}", e.message))?;
        let entries = parse_dotenv_for(&doc, self.expanded).map_err(|e| e.to_string())?;
        expect(
            entries.len() == 2 && entries[1] == ("NEXT".to_string(), "1".to_string()),
            "the value swallowed the next entry or added one",
        )?;
        expect(
            entries[0] == ("KEY".to_string(), text_of(value)),
            "the value came back as another value",
        )
    }

    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str {
        let body = line.trim_start_matches([' ', '\t']);
        let assignment = body.strip_prefix("export ").unwrap_or(body);
        match assignment.split_once('=') {
            Some((key, _)) if check_key(key).is_ok() => {
                &line[..line.len() - assignment.len() + key.len() + 1]
            }
            _ => "",
        }
    }
}

/// One value as the text after `KEY=`, for a file some reader may expand.
pub fn escape(value: &Value) -> Result<String, EscapeError> {
    escape_for(value, Expanded::Maybe)
}

/// One value as the text after `KEY=`.
pub fn escape_for(value: &Value, expanded: Expanded) -> Result<String, EscapeError> {
    match value {
        Value::String(text) => escape_text(text, expanded),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Err(reject(
            "is null, and a .env value is always a string; give it a value or a `default` in \
             the template, or leave the line out with `{% if %}`",
        )),
        Value::Array(_) | Value::Object(_) => Err(reject(
            "is a list or object, and a .env value is one string; turn it into one in the \
             template (e.g. `{{ items | join(',') }}`)",
        )),
    }
}

/// One string as the text after `KEY=`; see the module docs for the rule.
pub fn escape_str(text: &str) -> Result<String, EscapeError> {
    escape_text(text, Expanded::Maybe)
}

fn escape_text(text: &str, expanded: Expanded) -> Result<String, EscapeError> {
    if let Some(reason) = unreadable(text, expanded) {
        return Err(reject(reason));
    }
    if text.bytes().all(is_plain) {
        Ok(text.to_string())
    } else {
        Ok(format!("'{text}'"))
    }
}

/// Check that `name` can be a key that all the readers accept and bash can assign.
pub fn check_key(name: &str) -> Result<(), EscapeError> {
    let mut bytes = name.bytes();
    let starts_well = bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_');
    if starts_well && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(())
    } else {
        Err(reject(KEY_RULE))
    }
}

/// A line of a `.env` file that is outside the subset cfgc writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// 1-based line where the offending entry starts.
    pub line: usize,
    /// What is wrong; never quotes the line, which may hold a secret.
    pub reason: String,
}

/// Read back a `.env` file written in the subset [`escape`] emits: `KEY=value` entries (an
/// optional `export ` prefix and leading spaces allowed), blank lines and `#` comment lines. A
/// value is plain, empty, or single-quoted (possibly over several lines), and may be followed by
/// spaces and then a `#` comment. Anything else is an error rather than a guess, because the
/// readers disagree on it: bash reads `'a'#c` as `a#c`, and Node keeps the tab in `a<TAB>#c`.
pub fn parse_dotenv(text: &str) -> Result<Vec<(String, String)>, ParseError> {
    parse_dotenv_for(text, Expanded::Maybe)
}

/// [`parse_dotenv`], for a file read as `expanded` says.
pub fn parse_dotenv_for(
    text: &str,
    expanded: Expanded,
) -> Result<Vec<(String, String)>, ParseError> {
    let mut entries = Vec::new();
    for_each_entry(text, expanded, |key, value| {
        entries.push((key.to_string(), value.to_string()));
    })?;
    Ok(entries)
}

/// Read `text` as [`parse_dotenv_for`] does, handing each entry to `entry` as it is read
/// (parse-back only needs to know the file reads, not to keep a copy of it).
fn for_each_entry<'t>(
    text: &'t str,
    expanded: Expanded,
    mut entry: impl FnMut(&'t str, &'t str),
) -> Result<(), ParseError> {
    let mut line = 1;
    let mut rest = text;
    while !rest.is_empty() {
        let statement = parse_statement(rest, expanded).map_err(|reason| ParseError {
            line,
            reason: reason.to_string(),
        })?;
        line += memchr::memchr_iter(b'\n', &rest.as_bytes()[..rest.len() - statement.rest.len()])
            .count();
        rest = statement.rest;
        if let Some((key, value)) = statement.entry {
            entry(key, value);
        }
    }
    Ok(())
}

/// One statement of a `.env` file: an entry, or nothing for a blank or comment line.
struct Statement<'a> {
    entry: Option<(&'a str, &'a str)>,
    /// The text after the line the statement ends on.
    rest: &'a str,
}

/// The statement at the start of `text`.
fn parse_statement(text: &str, expanded: Expanded) -> Result<Statement<'_>, &'static str> {
    let (first_line, after_first_line) = split_line(text);
    if has(first_line, b'\r') {
        return Err(CR_IN_FILE);
    }
    let trimmed = first_line.trim_start_matches([' ', '\t']);
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(Statement {
            entry: None,
            rest: after_first_line,
        });
    }
    let assignment = trimmed.strip_prefix("export ").unwrap_or(trimmed);
    let key = &assignment[..memchr::memchr(b'=', assignment.as_bytes())
        .ok_or("is not a comment, a blank line or `KEY=value`")?];
    check_key(key).map_err(|_| KEY_RULE)?;
    // Slice from `text`, not the line: a quoted value may run over several lines.
    let value_start = &text[first_line.len() - assignment.len() + key.len() + 1..];
    let (value, after_value) = match value_start.strip_prefix('\'') {
        Some(quoted) => {
            let end = memchr::memchr(b'\'', quoted.as_bytes())
                .ok_or("has a single quote that is never closed")?;
            (&quoted[..end], &quoted[end + 1..])
        }
        None => {
            let end = value_start
                .bytes()
                .position(|b| matches!(b, b' ' | b'\t' | b'\n'))
                .unwrap_or(value_start.len());
            let value = &value_start[..end];
            if !value.bytes().all(is_plain) {
                return Err("has an unquoted value with characters outside \
                            `A-Za-z0-9_./:@%+,=?-`; put it in single quotes");
            }
            (value, &value_start[end..])
        }
    };
    let (tail, remaining) = split_line(after_value);
    let comment = tail.trim_start_matches(' ');
    if !comment.is_empty() && value.is_empty() && !value_start.starts_with('\'') {
        // python-dotenv skips the spaces and reads `KEY= #c` as the value `#c`.
        return Err("has a comment after an empty value; write `KEY=''  # comment` instead");
    }
    if !(comment.is_empty() || (comment.starts_with('#') && comment.len() < tail.len())) {
        return Err("has text after the value other than spaces and a `#` comment");
    }
    if has(value, b'\r') || has(tail, b'\r') {
        return Err(CR_IN_FILE);
    }
    if let Some(reason) = unreadable(value, expanded) {
        return Err(reason);
    }
    Ok(Statement {
        entry: Some((key, value)),
        rest: remaining,
    })
}

const CR_IN_FILE: &str = "has a carriage return; save the file with LF line endings";

const KEY_RULE: &str = "has a key that is not a portable variable name; a .env key must start \
                        with an ASCII letter or `_` and contain only ASCII letters, digits and `_`";

/// The line at the start of `text` without its line feed, and the text after it.
fn split_line(text: &str) -> (&str, &str) {
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(end) => (&text[..end], &text[end + 1..]),
        None => (text, ""),
    }
}

/// Whether `text` holds the ASCII byte `byte` (a searcher is dearer than the lines are long).
fn has(text: &str, byte: u8) -> bool {
    memchr::memchr(byte, text.as_bytes()).is_some()
}

fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'_' | b'.' | b'/' | b':' | b'@' | b'%' | b'+' | b',' | b'=' | b'?' | b'-'
        )
}

fn reject(reason: &str) -> EscapeError {
    EscapeError::new(DOTENV, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dotenv(value: Value) -> Result<String, EscapeError> {
        escape(&value)
    }

    #[test]
    fn safe_values_stay_plain_and_empty_stays_empty() {
        assert_eq!(
            dotenv(json!("postgres://u@db:5432/app?ssl=1")).as_deref(),
            Ok("postgres://u@db:5432/app?ssl=1")
        );
        assert_eq!(dotenv(json!("")).as_deref(), Ok(""));
        assert_eq!(dotenv(json!(-1.5)).as_deref(), Ok("-1.5"));
        assert_eq!(dotenv(json!(true)).as_deref(), Ok("true"));
    }

    #[test]
    fn shell_syntax_is_single_quoted() {
        for hostile in [
            "`id`",
            "$$",
            "a; rm -rf /",
            "a b # c",
            "$1 and $",
            "\"x\"",
            "~/x",
            "*",
        ] {
            assert_eq!(
                dotenv(json!(hostile)),
                Ok(format!("'{hostile}'")),
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn a_line_feed_cannot_start_a_new_entry() {
        assert_eq!(dotenv(json!("a\nEVIL=1")).as_deref(), Ok("'a\nEVIL=1'"));
    }

    #[test]
    fn values_no_reader_agrees_on_are_rejected_without_echoing_them() {
        let cases = [
            ("s3cr3t'; EVIL=1; '", "contains `'`"),
            ("s3cr3t\\\\x", "contains two backslashes"),
            ("s3cr3t\\", "ends with a backslash"),
            ("s3cr3t${HOME}", "contains `${`"),
            ("s3cr3t$HOME", "contains `$` followed by a letter"),
            ("s3cr3t$_x", "contains `$` followed by a letter"),
            ("s3cr3t\\$1", "contains `\\$`"),
            ("s3cr3t$(touch PWNED)", "contains `$(`"),
            ("$(s3cr3t)", "contains `$(`"),
            ("encrypted:s3cr3t", "starts with `encrypted:`"),
            ("s3cr3t\r\n", "contains a carriage return"),
            ("s3cr3t\0", "contains a NUL"),
        ];
        for (value, reason) in cases {
            let err = dotenv(json!(value)).expect_err("must be rejected");
            assert_eq!(err.format, DOTENV);
            assert!(err.reason.starts_with(reason), "{value:?}: {}", err.reason);
            assert!(!err.to_string().contains("s3cr3t"));
        }
        assert!(dotenv(json!(null)).is_err());
        assert!(dotenv(json!(["a"])).is_err());
        assert!(dotenv(json!({"a": "b"})).is_err());
    }

    /// dotenv-expand 1000 runs `$(…)` inside single quotes; a file no reader expands may
    /// hold it, but no file may start a value with `encrypted:`, which dotenvx decrypts.
    #[test]
    fn command_substitution_is_refused_only_where_a_reader_expands() {
        let literal = |text: &str| escape_for(&json!(text), Expanded::Never);
        assert_eq!(literal("$(id)").as_deref(), Ok("'$(id)'"));
        assert!(dotenv(json!("$(id)")).is_err());
        assert!(literal("encrypted:abc").is_err());
        assert_eq!(
            dotenv(json!("not encrypted:")).as_deref(),
            Ok("'not encrypted:'")
        );
    }

    #[test]
    fn lone_backslashes_and_dollars_are_fine() {
        assert_eq!(dotenv(json!("a\\nb$1")).as_deref(), Ok("'a\\nb$1'"));
        assert_eq!(dotenv(json!("$2b$12$.abc")).as_deref(), Ok("'$2b$12$.abc'"));
    }

    #[test]
    fn keys_are_portable_names() {
        for good in ["A", "_", "a_1", "DATABASE_URL"] {
            assert!(check_key(good).is_ok(), "{good}");
        }
        for bad in ["", "1A", "A-B", "A.B", "A B", "É", "A=B"] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_reads_back_what_escape_writes() {
        let values = ["", "plain", "a b", "multi\nline\n", "#x", "$", "\"q\""];
        let mut file = String::from("# header\n\n");
        for (index, value) in values.iter().enumerate() {
            let escaped = dotenv(json!(value)).expect("accepted");
            file.push_str(&format!("K{index}={escaped}\n"));
        }
        let expected: Vec<(String, String)> = values
            .iter()
            .enumerate()
            .map(|(index, value)| (format!("K{index}"), value.to_string()))
            .collect();
        assert_eq!(parse_dotenv(&file), Ok(expected));
    }

    #[test]
    fn parse_accepts_comments_export_and_trailing_spaces() {
        let file = "  # c\nexport A=a  # note\nB='b c' # note\n  C=c  \nD=''\nE=";
        let entries = parse_dotenv(file).expect("valid");
        let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["A", "B", "C", "D", "E"]);
        assert_eq!(entries[1].1, "b c");
    }

    #[test]
    fn parse_reports_the_line_where_the_bad_entry_starts() {
        let cases = [
            ("A='x\ny'\nB=a b\n", 3, "has text after the value"),
            (
                "A=1\nB='open\n",
                2,
                "has a single quote that is never closed",
            ),
            ("A=1\r\n", 1, "has a carriage return"),
            ("A='x'#c\n", 1, "has text after the value"),
            ("A=x\t#c\n", 1, "has text after the value"),
            ("A= #c\n", 1, "has a comment after an empty value"),
            ("A=x#c\n", 1, "has an unquoted value"),
            ("A B=x\n", 1, "has a key"),
            ("just words\n", 1, "is not a comment"),
            ("A='${HOME}'\n", 1, "contains `${`"),
            ("A='x\\\\y'\n", 1, "contains two backslashes"),
        ];
        for (file, line, reason) in cases {
            let err = parse_dotenv(file).expect_err(file);
            assert_eq!(err.line, line, "{file:?}");
            assert!(err.reason.starts_with(reason), "{file:?}: {}", err.reason);
        }
    }

    #[test]
    fn parse_errors_never_quote_the_value() {
        let err = parse_dotenv("A='s3cr3t${X}'\n").expect_err("`${` is rejected");
        assert!(!err.to_string().contains("s3cr3t"));
    }
}
