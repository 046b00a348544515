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

mod escape;
mod parse;
mod refused;

#[cfg(test)]
mod tests;

use super::round_trip::{expect, text_of};
use super::{EscapeError, Room, SyntaxError};
use escape::escape_text;
pub use escape::{check_key, escape, escape_for, escape_str};
use parse::for_each_entry;
pub use parse::{ParseError, parse_dotenv, parse_dotenv_for};
use serde_json::Value;

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

/// Whether `name` can be an environment variable that every shell can read back (a `.env`
/// key, a name `cfgc exec` passes): a letter or `_`, then letters, digits or `_`.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
