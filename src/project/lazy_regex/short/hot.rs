//! The tier a `Short` pattern moves to once it has run often: a forward lazy DFA, one table
//! step per byte of the haystack. A schema pattern is run on every environment's value of
//! its variable, thousands of times in a large project, and there the lazy DFA is several
//! times faster than the backtracker. Building it (a second automaton, a cache per thread)
//! costs more than the few runs a pattern gets in a small project save, so it waits for
//! `WARM` runs.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use regex_automata::Input;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;

/// Runs of a pattern before its lazy DFA is built.
const WARM: u32 = 64;

pub(super) struct Tier {
    runs: AtomicU32,
    /// None when the lazy DFA cannot be built (past its limits): the first tier serves.
    hot: OnceLock<Option<Hot>>,
}

struct Hot {
    dfa: DFA,
    caches: Pool<Cache, CacheFn>,
}

type CacheFn =
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>;

impl Tier {
    pub(super) fn new() -> Tier {
        Tier {
            runs: AtomicU32::new(0),
            hot: OnceLock::new(),
        }
    }

    /// Whether `haystack` matches, if the lazy DFA is built and answers; `None` sends the
    /// caller to the first tier (not warm yet, not buildable, or the DFA gave up on this
    /// haystack: a Unicode word boundary next to a non-ASCII byte).
    pub(super) fn is_match(
        &self,
        source: &str,
        syntax: syntax::Config,
        size_limit: usize,
        haystack: &[u8],
    ) -> Option<bool> {
        let hot = match self.hot.get() {
            Some(hot) => hot.as_ref()?,
            None if self.runs.fetch_add(1, Ordering::Relaxed) < WARM => return None,
            None => self
                .hot
                .get_or_init(|| Hot::new(source, syntax, size_limit))
                .as_ref()?,
        };
        let input = Input::new(haystack).earliest(true);
        hot.dfa
            .try_search_fwd(&mut hot.caches.get(), &input)
            .ok()
            .map(|found| found.is_some())
    }
}

impl Hot {
    fn new(source: &str, syntax: syntax::Config, size_limit: usize) -> Option<Hot> {
        let dfa = DFA::builder()
            .syntax(syntax)
            .thompson(
                thompson::Config::new()
                    .utf8(syntax.get_utf8())
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(size_limit)),
            )
            // A Unicode `\b` makes the DFA stop at a non-ASCII byte (the first tier answers
            // that haystack) instead of refusing to build.
            .configure(DFA::config().unicode_word_boundary(true))
            .build(source)
            .ok()?;
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Some(Hot {
            dfa,
            caches: Pool::new(create),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past `WARM` runs the lazy DFA answers, and as the first tier would.
    #[test]
    fn warms_up_then_answers_as_the_first_tier() {
        let syntax = syntax::Config::new();
        let tier = Tier::new();
        let source = r"^[a-z]+\d$|\bé";
        for _ in 0..WARM {
            assert_eq!(tier.is_match(source, syntax, 1 << 20, b"abc1"), None);
        }
        assert_eq!(tier.is_match(source, syntax, 1 << 20, b"abc1"), Some(true));
        assert_eq!(tier.is_match(source, syntax, 1 << 20, b"abc"), Some(false));
        // The Unicode word boundary next to a non-ASCII byte: the DFA hands it back.
        assert_eq!(
            tier.is_match(source, syntax, 1 << 20, "x é".as_bytes()),
            None
        );
    }

    #[test]
    fn a_pattern_past_the_limit_stays_on_the_first_tier() {
        let tier = Tier::new();
        for _ in 0..=WARM {
            assert_eq!(
                tier.is_match(r"\w{100}", syntax::Config::new(), 1000, b"a"),
                None
            );
        }
    }
}
