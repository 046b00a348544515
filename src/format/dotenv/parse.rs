//! Reading a `.env` file back, in the subset cfgc writes and nothing more: later stages
//! find which lines hold which values, and parse-back proves a rendered file reads.

use super::Expanded;
use super::escape::{KEY_RULE, check_key, is_plain};
use super::refused::unreadable;

/// A line of a `.env` file that is outside the subset cfgc writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// 1-based line where the offending entry starts.
    pub line: usize,
    /// What is wrong; never quotes the line, which may hold a secret.
    pub reason: String,
}

/// Read back a `.env` file written in the subset [`escape`](super::escape) emits: `KEY=value` entries (an
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
pub(super) fn for_each_entry<'t>(
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
