//! What import does with `${NAME}` and with the spots where python-dotenv and dotenvx read a
//! value differently. The rule: `${NAME}` (and `${NAME:-default}`) is expanded as both readers
//! expand it, from a name set earlier in the same file, with a warning naming the key (the
//! link is not kept: cfgc stores the value). A reference to a name the file does not set is
//! an error: the readers would take it from their process environment, which import cannot
//! see. Where the readers disagree (`$NAME` bare, `${…}` in single quotes, `\"` and `\\` in
//! double quotes, `a#b` unquoted) the value is imported as python-dotenv reads it, with a warning.

use std::collections::BTreeMap;

use super::dotenv::{Entry, Problem};

/// Findings about one file's references, values expanded in place.
#[derive(Default)]
pub struct Found {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

pub fn resolve(entries: &mut [Entry]) -> Found {
    let mut found = Found::default();
    let mut seen: BTreeMap<String, zeroize::Zeroizing<String>> = BTreeMap::new();
    for entry in entries.iter_mut() {
        let at = |reason| Problem {
            line: entry.line,
            col: entry.col,
            key: Some(entry.name.clone()),
            reason,
        };
        if entry.escapes_disagree {
            found.warnings.push(at(
                "holds a backslash escape python-dotenv decodes and dotenvx keeps (`\\\"`, `\\\\`, `\\'`, `\\a`, `\\b`, `\\f`, `\\v`); imported as python-dotenv reads it",
            ));
        }
        if entry.hash_disagree {
            found.warnings.push(at(
                "holds `#` with no blank before it: python-dotenv keeps it in the value, dotenvx ends the value there; imported as python-dotenv reads it (quote the value to make both agree)",
            ));
        }
        if entry.quote == Some('\'') && entry.value.contains("${") {
            found.warnings.push(at(
                "holds `${…}` in single quotes: dotenvx keeps it, python-dotenv expands it; imported as python-dotenv reads it",
            ));
        }
        if entry.expands || entry.value.contains("${") {
            let (value, outcome) = expand(&entry.value, &seen);
            match outcome {
                Outcome::None => {}
                Outcome::Expanded => found.warnings.push(at(
                    "refers to `${…}`: imported with the reference expanded, as the readers do (the link is not kept)",
                )),
                Outcome::Unset => found.errors.push(at(
                    "refers to `${…}` of a name this file does not set earlier: the readers would take it from their process environment; write the value itself",
                )),
            }
            entry.value = value;
        }
        if has_bare_reference(&entry.value) && entry.quote != Some('\'') {
            found.warnings.push(at(
                "holds `$NAME`: dotenvx expands it, python-dotenv keeps it; imported as python-dotenv reads it",
            ));
        }
        seen.insert(entry.name.clone(), entry.value.clone());
    }
    found
}

enum Outcome {
    None,
    Expanded,
    Unset,
}

/// `value` with every `${NAME}` / `${NAME:-default}` replaced from `seen`.
fn expand(
    value: &str,
    seen: &BTreeMap<String, zeroize::Zeroizing<String>>,
) -> (zeroize::Zeroizing<String>, Outcome) {
    let mut out = zeroize::Zeroizing::new(String::with_capacity(value.len()));
    let mut outcome = Outcome::None;
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        match (seen.get(name), default) {
            (Some(v), _) => out.push_str(v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => {
                outcome = Outcome::Unset;
                out.push_str(&rest[start..=start + len]);
                rest = &rest[start + len + 1..];
                continue;
            }
        }
        if !matches!(outcome, Outcome::Unset) {
            outcome = Outcome::Expanded;
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    (out, outcome)
}

/// `$NAME` not followed by `{`, which only dotenvx expands.
fn has_bare_reference(value: &str) -> bool {
    value
        .split('$')
        .skip(1)
        .any(|after| after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}
