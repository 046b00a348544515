//! A regular expression from cfgc.toml: its syntax is checked when the project loads, so a
//! typo is an error there, and it is compiled the first time a render needs it. Most runs
//! match none (`check`, `explain`, `docs` render nothing), and building the automata of the
//! example's thirty-odd policy patterns was a fifth of its `check`.
//!
//! One pattern written several times (the example writes `\$\w+` four times, and a
//! Unicode `\w` is the costliest class to compile) is checked and compiled once per run:
//! every `LazyRegex` of the same source shares one entry.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};

mod short;

use regex::Regex;
use regex_syntax::ast::{self, Ast};

pub use short::Short;

#[derive(Clone)]
pub struct LazyRegex(Arc<Shared>);

struct Shared {
    source: String,
    compiled: OnceLock<Result<Regex, String>>,
    short: OnceLock<Result<Short, String>>,
}

/// Each source seen in this process, with the outcome of its syntax check. It holds only
/// what the project files wrote (bounded by their size limits); a pattern means the same in
/// every project, so sharing is safe across the projects a test process loads.
static SEEN: LazyLock<Mutex<HashMap<String, Result<LazyRegex, String>>>> =
    LazyLock::new(Mutex::default);

impl LazyRegex {
    /// `source`, if its syntax is valid (the one-line reason otherwise).
    pub fn new(source: &str) -> Result<LazyRegex, String> {
        // A panic elsewhere while the lock was held leaves the map as it was: still usable.
        let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = seen.get(source) {
            return known.clone();
        }
        let checked = check(source).map(|()| {
            LazyRegex(Arc::new(Shared {
                source: source.to_string(),
                compiled: OnceLock::new(),
                short: OnceLock::new(),
            }))
        });
        seen.insert(source.to_string(), checked.clone());
        checked
    }

    /// `source` with its `short` build made now, for a pattern that runs at once (a schema's
    /// `pattern`): that build parses it, so it is not checked a second time.
    pub fn with_short(source: &str) -> Result<LazyRegex, String> {
        let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = seen.get(source) {
            let known = known.clone()?;
            known.short().map_err(str::to_string)?;
            return Ok(known);
        }
        let built = Short::new(source).map(|short| {
            LazyRegex(Arc::new(Shared {
                source: source.to_string(),
                compiled: OnceLock::new(),
                short: OnceLock::from(Ok(short)),
            }))
        });
        seen.insert(source.to_string(), built.clone());
        built
    }

    /// The compiled expression, or why it cannot be compiled. Callers fail closed on the
    /// error: a policy whose pattern cannot run is broken, never passed.
    pub fn get(&self) -> Result<&Regex, &str> {
        self.0
            .compiled
            .get_or_init(|| Regex::new(&self.0.source).map_err(|e| last_line(&e.to_string())))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The same pattern compiled for short haystacks (see `Short`), or why it cannot be.
    /// Call `Short::ready_for_non_ascii` too before matching a haystack that is not ASCII.
    pub fn short(&self) -> Result<&Short, &str> {
        self.0
            .short
            .get_or_init(|| Short::new(&self.0.source))
            .as_ref()
            .map_err(String::as_str)
    }

    pub fn as_str(&self) -> &str {
        &self.0.source
    }
}

/// The parser `regex` itself runs first, with its defaults: what passes here fails to
/// compile only past the compiled-size limit, which `get` reports.
///
/// That parser has two steps, and the second (to the high-level form, where `\w` becomes
/// its Unicode table) is most of the cost. With `regex`'s defaults, Unicode on and UTF-8
/// only, that step fails only on a Unicode class it does not know (`\p{Foo}`) or on what
/// `(?-u)` allows (a byte that is not UTF-8); a pattern with neither is decided by the
/// first step alone.
fn check(source: &str) -> Result<(), String> {
    let why = |e: &dyn std::fmt::Display| last_line(&e.to_string());
    let ast = ast::parse::Parser::new()
        .parse(source)
        .map_err(|e| why(&e))?;
    if ast::visit(&ast, MayFailTranslation(false)) != Ok(false) {
        regex_syntax::hir::translate::Translator::new()
            .translate(source, &ast)
            .map_err(|e| why(&e))?;
    }
    Ok(())
}

/// Whether a parsed pattern has a Unicode class or turns the `u` flag off.
struct MayFailTranslation(bool);

impl ast::Visitor for MayFailTranslation {
    type Output = bool;
    type Err = std::convert::Infallible;

    fn finish(self) -> Result<bool, Self::Err> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), Self::Err> {
        self.0 |= match ast {
            Ast::ClassUnicode(_) => true,
            Ast::Flags(set) => turns_unicode_off(&set.flags),
            Ast::Group(group) => match &group.kind {
                ast::GroupKind::NonCapturing(flags) => turns_unicode_off(flags),
                _ => false,
            },
            _ => false,
        };
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), Self::Err> {
        self.0 |= matches!(item, ast::ClassSetItem::Unicode(_));
        Ok(())
    }
}

fn turns_unicode_off(flags: &ast::Flags) -> bool {
    let mut negated = false;
    flags.items.iter().any(|item| match item.kind {
        ast::FlagsItemKind::Negation => {
            negated = true;
            false
        }
        ast::FlagsItemKind::Flag(ast::Flag::Unicode) => negated,
        ast::FlagsItemKind::Flag(_) => false,
    })
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.0.source).finish()
    }
}

/// The line of a regex error that says what is wrong (its full text is a multi-line drawing
/// of the pattern, which a one-line message cannot hold).
pub(super) fn last_line(text: &str) -> String {
    let last = text.lines().last().unwrap_or("");
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_caught_at_load_and_a_size_error_at_first_use() {
        assert!(
            LazyRegex::new("(unclosed")
                .unwrap_err()
                .contains("unclosed")
        );
        let huge = LazyRegex::new(r"\w{1000}{1000}").expect("valid syntax");
        assert!(huge.get().unwrap_err().contains("size limit"));
        assert!(huge.short().unwrap_err().contains("size limit"));
        let unicode_only = LazyRegex::new(r"\pL{1000}{1000}").expect("valid syntax");
        assert!(unicode_only.short().unwrap_err().contains("size limit"));
        let fine = LazyRegex::new("^TLSv1\\.[23]$").expect("valid");
        assert!(fine.get().expect("compiles").is_match("TLSv1.3"));
        assert!(fine.short().expect("compiles").is_match("TLSv1.3"));
        // Past the limit in Unicode only: the ASCII build runs, and asking for the Unicode
        // one (an argument that is not ASCII) says why it cannot.
        let wide = LazyRegex::new(r"\w{1000}").expect("valid syntax");
        let short = wide.short().expect("the ASCII build fits");
        assert!(short.is_match(&"a".repeat(1000)));
        assert!(
            short
                .ready_for_non_ascii()
                .unwrap_err()
                .contains("size limit")
        );
        assert!(!short.is_match(&"é".repeat(1000)));
    }

    /// `short` answers as `Regex::is_match` does, Unicode classes and case folding included.
    #[test]
    fn short_matches_as_the_full_regex_does() {
        let patterns = [
            r"^(?:\$\w+)$",
            r"^(?:(?i)strict-transport-security)$",
            r"^(?:.+)$",
            r"^(?:[^$]+)$",
            r"^(?:(?s).*\$trace_id\b.*)$",
        ];
        let haystacks = [
            "$host",
            "$hôte",
            "$",
            "$a b",
            "STRICT-TRANSPORT-SECURITY",
            "ſtrict-transport-ſecurity",
            "",
            "a\nb",
            "x $trace_id y",
            "$trace_idé",
            "$trace_id",
        ];
        for p in patterns {
            let re = LazyRegex::new(p).expect("valid");
            // Enough rounds for the pattern to move to its lazy DFA (`short::hot`) midway.
            for round in 0..8 {
                for h in haystacks {
                    assert_eq!(
                        re.short().expect("compiles").is_match(h),
                        re.get().expect("compiles").is_match(h),
                        "{p} on {h:?}, round {round}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        // No regression files: a failure prints its shrunk input.
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// On any argument, ASCII or not, the short build answers as the full `Regex`: the
        /// example's argument patterns and a few that stress the ASCII/Unicode split.
        #[test]
        fn short_agrees_with_regex_on_any_argument(
            which in 0usize..12,
            haystack in "[a-zA-Z0-9$:/._;= *\\-\\[\\]éſKÿ\u{212A}\u{85}\n]{0,24}",
        ) {
            let patterns = [
                r"^(?:\$\w+)$",
                r"^(?:(?i)strict-transport-security)$",
                r"^(?:max-age=(6307200[0-9]|[7-9][0-9]{7}|[1-9][0-9]{8,})(;.*)?)$",
                r"^(?:(.*:)?80)$",
                r"^(?:(?i)(https?://)?(localhost|127\.[0-9.]+|\[::1\]|0\.0\.0\.0)([:/].*)?)$",
                r"^(?:.+)$",
                r"^(?:[^$]+)$",
                r"^(?:(?s).*\$trace_id\b.*)$",
                r"^(?:(?i)[a-z]+\W?\d*)$",
                r"^(?:\S+\s?\B.)$",
                r"^(?:[\x00-\xFF]*k)$",
                r"^(?:(?i)\w*k\b.*)$",
            ];
            let re = LazyRegex::new(patterns[which]).expect("valid");
            let short = re.short().expect("compiles");
            short.ready_for_non_ascii().expect("compiles");
            let full = re.get().expect("compiles").is_match(&haystack);
            proptest::prop_assert_eq!(short.is_match(&haystack), full);
        }
    }

    /// The check refuses exactly what `regex`'s own parser refuses, the failures of its
    /// second step included.
    #[test]
    fn the_check_agrees_with_the_full_parser() {
        for p in [
            r"\$\w+",
            r"(?i)strict-transport-security",
            r"\p{Greek}+",
            r"\p{Foo}",
            r"[\p{Foo}a]",
            r"\P{sc=Nope}",
            r"(?-u)\xFF",
            r"(?-u:\xFF)",
            r"(?i-u)\xFF",
            r"(?-u)\pL",
            r"(?-u)[^a]",
            r"(?-u)\W",
            r"(?-u).",
            r"(?-u)a",
            r"(?u)\xFF",
            r"\xFF",
            r"[[:alpha:]]",
            r"[[:foo:]]",
            r"(unclosed",
            r"a{2,1}",
            r"(?<n>a)(?<n>b)",
            r"x{1000}{1000}",
        ] {
            assert_eq!(
                check(p).is_ok(),
                regex_syntax::Parser::new().parse(p).is_ok(),
                "{p}"
            );
        }
    }

    #[test]
    fn one_source_is_checked_and_compiled_once() {
        let a = LazyRegex::new(r"^\$\w+ shared$").expect("valid");
        let b = LazyRegex::new(r"^\$\w+ shared$").expect("valid");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert!(std::ptr::eq(
            a.get().expect("compiles"),
            b.get().expect("compiles")
        ));
        assert_eq!(
            LazyRegex::new("(unclosed shared").unwrap_err(),
            LazyRegex::new("(unclosed shared").unwrap_err()
        );
        // Built at once or checked first, one source is one entry.
        let c = LazyRegex::with_short(r"^\$\w+ shared$").expect("valid");
        assert!(Arc::ptr_eq(&a.0, &c.0));
        let d = LazyRegex::with_short(r"^built at once$").expect("valid");
        let e = LazyRegex::new(r"^built at once$").expect("valid");
        assert!(Arc::ptr_eq(&d.0, &e.0));
        assert!(LazyRegex::with_short("(unclosed shared").is_err());
        assert!(LazyRegex::with_short("(unclosed at once").is_err());
    }
}
