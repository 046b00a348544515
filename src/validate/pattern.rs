//! The schema's `pattern` keyword, run by cfgc instead of jsonschema's own.
//!
//! The same translation from ECMA-262 syntax (jsonschema's `to_rust_regex`), the same
//! linear-time engine family (the `regex` crate's), the same answers: a pattern matches
//! anywhere in the string, and a value that is not a string passes. What differs is the
//! build. jsonschema builds a `regex::Regex`, which always compiles a reverse automaton too,
//! compiles every Unicode class in full (`[^/*]` is hundreds of states) and allocates a lazy
//! DFA's cache on the first match: a sixth of the example's `check` for its 17 patterns.
//! Config values are short and mostly ASCII, so each pattern here is a `Short`, built once
//! per run however often the schema writes it: forward only, built for ASCII (the Unicode
//! build is made when a value needs it), on the backtracker until it has run often enough
//! for a lazy DFA to pay off (a large project's thousands of environments).

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde_json::{Map, Value};

use crate::project::lazy_regex::{LazyRegex, Short};

/// The keyword's name in a schema.
pub const KEYWORD: &str = "pattern";

/// The start of a failure's message when the pattern could not run on the value (its
/// Unicode build is past the size limit) rather than not matching it.
const CANNOT_RUN: &str = "\0cannot run\0";

struct Pattern {
    /// As the schema wrote it: what a failure names.
    source: String,
    /// The translated pattern: one build however many times the schema writes it.
    regex: LazyRegex,
}

impl Pattern {
    /// Checked when the keyword was built; a pattern that cannot run never passes a value.
    fn short(&self) -> Option<&Short> {
        self.regex.short().ok()
    }
}

impl<'i> Keyword<'i> for Pattern {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        let Some(value) = instance.as_str() else {
            return Ok(());
        };
        let Some(short) = self.short() else {
            return Err(ValidationError::custom(self.source.clone()));
        };
        if short.is_match(value) {
            return Ok(());
        }
        // Never the value: only the pattern, or why it could not run.
        let cannot_run = (!value.is_ascii())
            .then(|| short.ready_for_non_ascii().err())
            .flatten();
        Err(ValidationError::custom(match cannot_run {
            Some(why) => format!("{CANNOT_RUN}{}\0{why}", self.source),
            None => self.source.clone(),
        }))
    }

    /// As the default, minus its allocation for a value that passes (most of them: an
    /// empty iterator is boxed for free).
    fn iter_errors(
        &self,
        instance: &'i Value,
    ) -> Box<dyn Iterator<Item = ValidationError<'i>> + 'i> {
        match self.validate(instance) {
            Ok(()) => Box::new(std::iter::empty()),
            Err(e) => Box::new(std::iter::once(e)),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance
            .as_str()
            .is_none_or(|s| self.short().is_some_and(|short| short.is_match(s)))
    }
}

/// How a failure of this keyword reads, from its error's message: the pattern a value does
/// not match, or the pattern and why it could not run on the value. One that could not run
/// is a finding too: the value is never taken to pass.
pub enum Failure<'a> {
    NoMatch { pattern: &'a str },
    CannotRun { pattern: &'a str, why: &'a str },
}

pub fn failure(message: &str) -> Failure<'_> {
    match message
        .strip_prefix(CANNOT_RUN)
        .and_then(|rest| rest.rsplit_once('\0'))
    {
        Some((pattern, why)) => Failure::CannotRun { pattern, why },
        None => Failure::NoMatch { pattern: message },
    }
}

/// The keyword's factory, for `ValidationOptions::with_keyword`. A value that is not a
/// string, or a pattern the engine cannot run, fails the schema's compile, as jsonschema's
/// own keyword does.
pub fn factory<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let source = value
        .as_str()
        .ok_or_else(|| ValidationError::schema("`pattern` must be a string"))?;
    let regex = build(source).map_err(|why| {
        ValidationError::schema(format!("`{source}` is not a pattern cfgc can run: {why}"))
    })?;
    Ok(Box::new(Pattern {
        source: source.to_string(),
        regex,
    }))
}

/// The ECMA-262 `source` built to run, or why it cannot (look-around, backreferences,
/// past the size limit).
fn build(source: &str) -> Result<LazyRegex, String> {
    let translated = jsonschema_regex::to_rust_regex(source)
        .map_err(|()| "not a valid ECMA-262 regular expression".to_string())?;
    LazyRegex::with_short(&translated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in keyword, with the engine cfgc used before: the reference answers.
    fn builtin(pattern: &str) -> jsonschema::Validator {
        jsonschema::options()
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&serde_json::json!({ "pattern": pattern }))
            .expect("the reference compiles")
    }

    fn ours(pattern: &str) -> jsonschema::Validator {
        jsonschema::options()
            .with_keyword(KEYWORD, factory)
            .build(&serde_json::json!({ "pattern": pattern }))
            .expect("compiles")
    }

    /// ECMA-262 spellings jsonschema translates (`\d` ASCII only, `\w`, `\s` with ECMA's
    /// whitespace, `\cX`, `\p{…}`) answer as the built-in keyword does.
    #[test]
    fn answers_as_the_builtin_keyword() {
        let patterns = [
            r"^postgres(ql)?://",
            r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$",
            r"^(AKIA|ASIA)[A-Z0-9]{16}$",
            r"^https?://[^/*]+$",
            r"^/",
            r"\d+",
            r"^\w+$",
            r"^\S*$",
            r"\s",
            r"^\p{L}+$",
            r"^[^\d]+$",
            r"\cJ",
            r"^$",
            r"",
            r"é",
            r"(?i)abc",
        ];
        let values = [
            "postgres://x",
            "postgresql://",
            "eu-west-1",
            "us-gov-east-1",
            "AKIAIOSFODNN7EXAMPLE",
            "https://a.example",
            "https://a/b",
            "/etc",
            "١٢٣",
            "123",
            "héllo",
            "a\u{a0}b",
            "a\u{feff}b",
            "a\nb",
            "",
            "ABC",
            "x é y",
        ];
        for p in patterns {
            let (a, b) = (builtin(p), ours(p));
            // Enough rounds for each pattern to move to its lazy DFA (`Short`'s second tier).
            for round in 0..3 {
                for v in values {
                    let v = Value::from(v);
                    assert_eq!(
                        ours_valid(&b, &v),
                        a.is_valid(&v),
                        "{p} on {v}, round {round}"
                    );
                }
            }
            assert!(b.is_valid(&Value::from(5)), "{p}: a number passes");
        }
    }

    fn ours_valid(v: &jsonschema::Validator, instance: &Value) -> bool {
        let valid = v.is_valid(instance);
        assert_eq!(valid, v.iter_errors(instance).next().is_none());
        valid
    }

    #[test]
    fn refuses_what_the_engine_cannot_run_at_compile_time() {
        for p in [r"(?=a)b", r"(a)\1", r"(", r"[a-z]{1000}{1000}"] {
            assert!(build(p).is_err(), "{p}");
            assert!(
                jsonschema::options()
                    .with_keyword(KEYWORD, factory)
                    .build(&serde_json::json!({ "pattern": p }))
                    .is_err(),
                "{p}"
            );
        }
        assert!(
            jsonschema::options()
                .with_keyword(KEYWORD, factory)
                .build(&serde_json::json!({ "pattern": 5 }))
                .is_err()
        );
    }

    /// A pattern whose ASCII build fits but whose Unicode build does not: an ASCII value is
    /// checked, and a value that is not ASCII fails, saying the pattern could not run.
    #[test]
    fn a_pattern_too_big_in_unicode_fails_closed_on_a_non_ascii_value() {
        let p = r"^(?:[^a]{1000}){50}$";
        let v = ours(p);
        assert!(v.is_valid(&Value::from("c".repeat(50_000))));
        let wide = Value::from("é".repeat(50_000));
        assert!(!v.is_valid(&wide));
        let e = v.iter_errors(&wide).next().expect("an error");
        let jsonschema::error::ValidationErrorKind::Custom { message, .. } = e.kind() else {
            panic!("unexpected kind {:?}", e.kind());
        };
        match failure(message) {
            Failure::CannotRun { pattern, why } => {
                assert_eq!(pattern, p);
                assert!(why.contains("size limit"), "{why}");
            }
            Failure::NoMatch { .. } => panic!("taken for a mismatch"),
        }
    }

    #[test]
    fn the_error_names_the_pattern_not_the_value() {
        let v = ours("^[a-z]+$");
        let instance = Value::from("Hunter2-canary");
        let e = v.iter_errors(&instance).next().expect("one error");
        match e.kind() {
            jsonschema::error::ValidationErrorKind::Custom { keyword, message } => {
                assert_eq!(keyword, KEYWORD);
                assert!(matches!(
                    failure(message),
                    Failure::NoMatch {
                        pattern: "^[a-z]+$"
                    }
                ));
            }
            other => panic!("unexpected kind {other:?}"),
        }
        assert_eq!(e.schema_path().as_str(), "/pattern");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// On any value, the schema's patterns answer as the built-in keyword does.
        #[test]
        fn agrees_with_the_builtin_keyword_on_any_value(
            which in 0usize..6,
            value in "[a-zA-Z0-9:/._ \\-é\u{a0}\n]{0,80}",
        ) {
            let patterns = [
                r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
                r"^[0-9]+\.[0-9]+\.[0-9]+$",
                r"^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$",
                r"^[a-z0-9-]+-docker\.pkg\.dev/[a-z][a-z0-9-]+/[a-z0-9._/-]+$",
                r"\w\s\d",
                r"^[A-Za-z0-9 ._-]+$",
            ];
            let p = patterns[which];
            let v = Value::from(value);
            proptest::prop_assert_eq!(ours(p).is_valid(&v), builtin(p).is_valid(&v));
        }
    }
}
