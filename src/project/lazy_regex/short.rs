//! A pattern for short haystacks that is only asked "does it match" (a policy directive's
//! arguments, a config value against the schema's `pattern`), built the cheap way: compiled
//! forward only, without the lazy DFA, and without Unicode for the haystacks that are ASCII.
//! It matches with the bounded backtracker, or the NFA simulation for long haystacks, and
//! moves to a forward lazy DFA once it has run often (`hot`): all linear in the haystack's
//! length.
//!
//! A `Regex` also compiles the reverse automaton and sets up a lazy DFA (its cache is
//! allocated on the first match), which pay off on long texts only; and a Unicode class
//! (`\w`, `.`, `[^$]`, a case-insensitive letter) compiles to hundreds of states where its
//! ASCII part needs a few. `\$\w+` cost 2.4 M instructions as a `Regex` and under 0.1 M
//! here; the example's plan builds its nineteen argument patterns on every run, and every
//! run its schema's seventeen.
//!
//! On an ASCII haystack the ASCII build answers exactly as the Unicode one: every Unicode
//! class, case folding and word boundary restricted to ASCII is its ASCII form, and what
//! either build adds beyond ASCII (a non-ASCII letter or codepoint, a byte above 0x7F)
//! cannot occur in it. Any other haystack goes to the Unicode build, made the first time one
//! needs it. A pattern that only compiles with Unicode (`\pL`, `(?i)é`) uses that build for
//! everything.

use std::sync::OnceLock;

use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;
use regex_automata::{Input, meta};

use super::last_line;

mod hot;

/// `regex`'s default limit on a compiled pattern: both builds refuse what `Regex` would.
const SIZE_LIMIT: usize = 10 * (1 << 20);

pub struct Short {
    source: String,
    /// None when the pattern needs Unicode to compile at all.
    ascii: Option<Engine>,
    unicode: OnceLock<Result<Engine, String>>,
}

impl std::fmt::Debug for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Short").field(&self.source).finish()
    }
}

impl Short {
    /// The ASCII build (or the Unicode one, for a pattern that needs it), or why the pattern
    /// cannot run.
    pub fn new(source: &str) -> Result<Short, String> {
        let short = |ascii| Short {
            source: source.to_string(),
            ascii,
            unicode: OnceLock::new(),
        };
        match Engine::new(source, false) {
            Ok(engine) => Ok(short(Some(engine))),
            Err(Refused::TooBig(why)) => Err(why),
            Err(Refused::Other(_)) => {
                let short = short(None);
                short.ready_for_non_ascii().map_err(str::to_string)?;
                Ok(short)
            }
        }
    }

    /// Builds the Unicode form for haystacks that are not ASCII, or says why it cannot be.
    /// A check calls it before matching such a haystack, so that a pattern too big in
    /// Unicode is reported as a rule that cannot run, never taken for "no match".
    pub fn ready_for_non_ascii(&self) -> Result<(), &str> {
        self.unicode().map(drop)
    }

    fn unicode(&self) -> Result<&Engine, &str> {
        self.unicode
            .get_or_init(|| {
                Engine::new(&self.source, true)
                    .map_err(|(Refused::TooBig(why) | Refused::Other(why))| why)
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Whether the pattern matches `haystack` (false if the build it needs cannot run: see
    /// `ready_for_non_ascii`).
    pub fn is_match(&self, haystack: &str) -> bool {
        match &self.ascii {
            Some(ascii) if haystack.is_ascii() => ascii.is_match(&self.source, haystack),
            _ => self
                .unicode()
                .is_ok_and(|u| u.is_match(&self.source, haystack)),
        }
    }
}

enum Refused {
    /// Past the size limit: the pattern cannot run.
    TooBig(String),
    /// Anything else; for the ASCII build, that the pattern needs Unicode.
    Other(String),
}

struct Engine {
    regex: meta::Regex,
    /// What it was built with, for its lazy DFA (built from the `Short`'s source).
    syntax: syntax::Config,
    tier: hot::Tier,
}

impl Engine {
    fn new(source: &str, unicode: bool) -> Result<Engine, Refused> {
        // Without Unicode the ASCII build works on bytes: `.` and `[^$]` match one byte, which
        // on an ASCII haystack is one character.
        let syntax = syntax::Config::new().unicode(unicode).utf8(unicode);
        let config = meta::Config::new()
            .hybrid(false)
            .dfa(false)
            .utf8_empty(unicode)
            .which_captures(WhichCaptures::Implicit)
            .nfa_size_limit(Some(SIZE_LIMIT));
        let regex = meta::Builder::new()
            .syntax(syntax)
            .configure(config)
            .build(source)
            .map_err(|e| match e.size_limit() {
                // In `Regex`'s words.
                Some(limit) => Refused::TooBig(format!(
                    "Compiled regex exceeds size limit of {limit} bytes."
                )),
                None => Refused::Other(last_line(&e.to_string())),
            })?;
        Ok(Engine {
            regex,
            syntax,
            tier: hot::Tier::new(),
        })
    }

    /// `source` is the one this engine was built from.
    fn is_match(&self, source: &str, haystack: &str) -> bool {
        let haystack = haystack.as_bytes();
        self.tier
            .is_match(source, self.syntax, SIZE_LIMIT, haystack)
            .unwrap_or_else(|| self.regex.is_match(Input::new(haystack)))
    }
}
