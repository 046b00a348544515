//! The minijinja environment every render runs in, before any template is added, and
//! cfgc's `Refusal`: how a room's refusal to place a value travels through minijinja.

use minijinja::{AutoEscape, Error, ErrorKind, UndefinedBehavior};

use crate::format::{FilterError, Format};

/// cfgc's own refusal to place a value (a room's escaper or filter), carried as the source of
/// minijinja's error rather than in its text: its reason (which names a character class or a
/// shape, never the value) is shown, while the detail of any other error (which may quote a
/// value) is not, and no text a template makes can pass for one.
#[derive(Debug)]
pub(super) struct Refusal {
    pub(super) reason: String,
    /// The variables that hold the refused value ([`holders`]).
    pub(super) holders: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    fn error(self) -> Error {
        Error::new(ErrorKind::InvalidOperation, "cfgc cannot place this value").with_source(self)
    }

    /// The refusal `e` carries, if cfgc raised it.
    pub(super) fn of(e: &Error) -> Option<&Refusal> {
        std::error::Error::source(e)?.downcast_ref::<Refusal>()
    }
}

/// How deep macros, includes and nested blocks may go (minijinja counts a macro call as
/// several levels). Its own ceiling without `stacker` is 500; cfgc's templates need far
/// less, and a lower limit fails a runaway recursion sooner.
pub(super) const RECURSION_LIMIT: usize = 200;

/// The fuel of one render: minijinja charges about one unit per instruction and per 64
/// bytes of data a template creates, so this bounds both time and memory. It scales with
/// the output limit (`output_bytes`), the one knob: the limit's worth of text eight times
/// over, plus 200,000 instructions. At the default 16 MiB that is about 2.3 million units,
/// far beyond any real config file (a 3.7 MB output of a 5,000-line loop takes ~0.1 million)
/// and a fraction of a second in a release build.
fn fuel_for(output_limit: u64) -> u64 {
    200_000 + output_limit / 8
}

/// The template environment every render runs in, before any template is added: strict
/// undefined variables, the bounds (fuel from `output_limit`, the recursion limit), no
/// `debug()`, the trailing newline kept, cfgc's filters, and the formatter that sends every
/// interpolation through its output's room. Public so the fuzz target runs this very setup.
/// The caller sets the auto-escape callback (the template's format) before adding templates.
pub fn environment(output_limit: u64) -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(fuel_for(output_limit)));
    env.set_recursion_limit(RECURSION_LIMIT);
    // debug() prints the whole context, secrets included.
    env.remove_global("debug");
    // Each room's own filters (`gcloud_dict` is the cloudbuild room's). A refusal shows its
    // reason, as an escape error does; an engine error keeps its detail hidden.
    for format in crate::format::ALL {
        for &(name, filter) in format.filters() {
            env.add_filter(name, move |value: minijinja::Value| {
                filter(value).map_err(|e| match e {
                    FilterError::Refused(reason) => Refusal {
                        reason,
                        holders: Vec::new(),
                    }
                    .error(),
                    FilterError::Engine(e) => e,
                })
            });
        }
    }
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env.set_formatter(|out, state, value| {
        let AutoEscape::Custom(name) = state.auto_escape() else {
            return minijinja::escape_formatter(out, state, value);
        };
        let format = Format::named(name)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "unknown format"))?;
        // Strings, nearly every interpolation, skip the trip through serde.
        let escaped = match value.as_str() {
            Some(text) if value.kind() == minijinja::value::ValueKind::String => {
                format.escape_str(text)
            }
            _ => format.escape(
                &serde_json::to_value(value)
                    .map_err(|_| Error::new(ErrorKind::BadSerialization, "not serialisable"))?,
            ),
        };
        let text = escaped.map_err(|e| {
            Refusal {
                reason: e.reason,
                holders: holders(state, value),
            }
            .error()
        })?;
        out.write_str(&text)
            .map_err(|_| Error::from(ErrorKind::WriteFailure))
    });
    env
}

/// The variables that hold a value that cannot be placed, so a refusal inside
/// `{% for name, value in secrets | items %}` names the secret and not only `value`. Names
/// only (written as variables are: `A-Z`, `0-9`, `_`), never the value.
fn holders(state: &minijinja::State, value: &minijinja::Value) -> Vec<String> {
    state
        .known_variables()
        .into_iter()
        .filter(|n| {
            n.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
        .filter(|n| state.lookup(n).is_some_and(|v| v == *value))
        .map(|n| n.into_owned())
        .collect()
}
