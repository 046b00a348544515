//! The commonest layer lines, read without the full YAML parser: `KEY: value` lines at the
//! top of a block mapping, with blank and `#` comment lines between them.
//!
//! The full parser works a character at a time and is most of the time of a run over many
//! environments. This reader takes the flat lines at the start of a file, as long as their
//! meaning cannot be in doubt, and leaves the rest of the file, from its first line of any
//! other shape, to the full parser. It gives up (`None`) on anything unusual, including
//! every error, and the full parser then reads the whole file and gives its diagnostic.
//! What it takes, it builds exactly as the full parser would, spans included (the tests
//! `agrees_with_the_full_parser` compare the trees). A flat line is:
//! - printable ASCII, ended by a line feed;
//! - blank, a `#` comment from its first column, or an entry: a key
//!   `[A-Za-z_][A-Za-z0-9_]*` at the start of the line, shorter than YAML's 1,024-character
//!   limit on implicit keys, then `: ` and a value;
//! - a value is one plain scalar on its line: no quote, indicator or space at its start
//!   (`- x` would be a list, `&a` an anchor), no `#` (a comment) and no `:` before a space
//!   or the line's end (a nested mapping) anywhere, no space at its end;
//! - no key twice (the full parser reports it).
//!
//! The rest is handed over only when it starts with a key in the first column: the flat
//! lines before it are then whole entries of the same top-level mapping (a continuation
//! line would be indented), so the rest means alone what it means after them.

use crate::node::{Entry, Map};
use crate::source::{FileId, Span};

/// Implicit keys may not be longer than 1,024 characters in YAML; stay well inside.
const MAX_KEY: usize = 1000;

/// The flat lines at the start of a file.
pub(super) struct Prefix {
    pub entries: Map,
    /// Where the first entry starts: the top-level mapping's span starts there.
    pub first: Option<usize>,
    /// Where the first line of another shape starts (the text's length when none does).
    pub rest: usize,
}

/// The flat lines at the start of `text`, or `None` when they cannot be taken (a key
/// twice, or a rest the full parser could read differently alone than after them).
pub(super) fn prefix(file: FileId, text: &str) -> Option<Prefix> {
    let mut entries = Map::new();
    let mut first = None;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = &text[start..end];
        let Some(entry) = flat_line(file, line, start) else {
            break;
        };
        start = end + 1;
        let Some((key, entry)) = entry else {
            continue;
        };
        if entries.insert(key.to_string(), entry).is_some() {
            return None;
        }
        first.get_or_insert(start - line.len() - 1);
    }
    if start < text.len() && !starts_with_key(&text[start..]) {
        return None;
    }
    Some(Prefix {
        entries,
        first,
        rest: start,
    })
}

/// What a line starting at `at` holds if it is flat: `Some(None)` for a blank or comment
/// line, `Some(Some(entry))` for an entry.
fn flat_line(file: FileId, line: &str, at: usize) -> Option<Option<(&str, Entry)>> {
    if !line.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    if line.is_empty() || line.starts_with('#') {
        return Some(None);
    }
    let (key, value) = entry(line)?;
    let value_start = at + key.len() + 2;
    Some(Some((
        key,
        Entry {
            key_span: Span::new(file, at, at + key.len()),
            node: crate::node::Node::new(
                super::resolve_plain(value),
                Span::new(file, value_start, value_start + value.len()),
            ),
        },
    )))
}

/// Whether `rest` starts with a top-level key: `NAME:` then a space, a line feed or the end.
fn starts_with_key(rest: &str) -> bool {
    let after = key_len(rest).map(|len| &rest.as_bytes()[len..]);
    after.is_some_and(|after| {
        after.first() == Some(&b':') && matches!(after.get(1), None | Some(b' ' | b'\n'))
    })
}

/// The key and value of a `KEY: value` line, if it is one this reader takes.
fn entry(line: &str) -> Option<(&str, &str)> {
    let len = key_len(line)?;
    let value = line[len..].strip_prefix(": ")?;
    plain(value).then_some((&line[..len], value))
}

/// The length of the key `[A-Za-z_][A-Za-z0-9_]*` at the start of `text`, if one is there
/// and short enough to be an implicit key.
fn key_len(text: &str) -> Option<usize> {
    let starts_well = text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    let len = text
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    (starts_well && len <= MAX_KEY).then_some(len)
}

/// Whether `value` is a single-line plain scalar that means itself.
fn plain(value: &str) -> bool {
    let bytes = value.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    // `-` and `+` start a plain scalar when something other than a space follows (`-1`,
    // `-x`); alone, or before a space, `-` is a list entry.
    let starts_plain = first.is_ascii_alphanumeric()
        || matches!(first, b'_' | b'.' | b'/' | b'$' | b'~')
        || (matches!(first, b'-' | b'+') && bytes.get(1).is_some_and(|&b| b != b' '));
    if !starts_plain || bytes.last() == Some(&b' ') {
        return false;
    }
    // No comment, and no `:` before a space or the end (a nested mapping).
    let mut after_colon = false;
    for &byte in bytes {
        if byte == b'#' || (after_colon && byte == b' ') {
            return false;
        }
        after_colon = byte == b':';
    }
    !after_colon
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fs::Limits;
    use crate::source::Source;

    /// What each reader makes of `text`, as comparable text.
    fn both(text: &str) -> (Option<String>, Result<String, String>) {
        let src = Source::new("t.yaml".into(), "t.yaml".into(), text.into());
        let fast = super::super::parse_flat_first(FileId(0), &src, &Limits::default())
            .map(|n| format!("{n:?}"));
        let full = super::super::parse_full(FileId(0), &src, &Limits::default())
            .map(|n| format!("{n:?}"))
            .map_err(|d| d.message);
        (fast, full)
    }

    fn agree(text: &str) -> Result<(), TestCaseError> {
        if let (Some(fast), full) = both(text) {
            prop_assert_eq!(Ok(fast), full, "{:?}", text);
        }
        Ok(())
    }

    #[test]
    fn takes_the_workload_shape_and_agrees() {
        let text = "# generated\nNODE_ENV: staging\nPORT: 43406\nRATE: 1.5\nON: true\nOFF: ~\n\
                    URL: https://api.example.com/a?b=c&d=[1,2]\nNAME: bravo  india 741\n\n\
                    MODE: 0644\nNEG: -12\nSEALED: ENC[v1,abc+/=]\n";
        let (fast, full) = both(text);
        assert!(fast.is_some(), "the common shape is taken");
        assert_eq!(Ok(fast.unwrap()), full);
    }

    #[test]
    fn hands_a_rest_of_another_shape_to_the_full_parser_and_agrees() {
        let text = "A: 1\nB: x\ncfgc:\n  version: 1\n  recipients:\n    - age1x\n  \
                    data_key: |\n    line one\n    line two\n  mac: abc\nZ: &z [1, {a: b}]\nY: *z\n";
        let (fast, full) = both(text);
        assert!(fast.is_some(), "a secrets file's shape is taken");
        assert_eq!(Ok(fast.unwrap()), full);
    }

    /// Inputs the property tests shrank to while each rule was weakened in turn.
    #[test]
    fn agrees_on_the_inputs_that_caught_weakened_rules() {
        for text in [
            "_: &\n",
            "A: 0 \n",
            "A: 0:\n",
            "A: a #\n",
            "_: a:\n",
            "A: a: a\n",
            "A: a- \n",
            "a: a\n---\nk: !unset",
            "A: 0\na: ",
        ] {
            let (fast, full) = both(text);
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), full, "{text:?}");
            }
        }
    }

    #[test]
    fn steps_aside_for_anything_else() {
        for text in [
            "",                         // empty: an empty map, with the full parser's span
            "# only a comment\n",       // likewise
            "A: 'x'\n",                 // nothing flat before the first other line
            "A: 1\nA: 2\n",             // duplicate: the full parser's error
            "A: 1\nB:\n  A: 2\nA: 3\n", // likewise, across the rest
            "A: 1\n  B: 2\n",           // continuation: the rest would mean something else alone
            "A: 1\n- x\n",              // not a mapping
            "A: 1\n---\nB: 1\n",        // a second document
            "A: 1\nB: [\n",             // the rest does not parse
            "A: 1\n# c\n %x\n",         // the rest starts indented
        ] {
            assert!(both(text).0.is_none(), "{text:?}");
        }
    }

    #[test]
    fn flat_lines_are_only_the_unambiguous_ones() {
        for line in [
            "A: x # c",
            "A: - x",
            "A: &a x",
            "A: x:",
            "A: x: y",
            "A: x ",
            "A:",
            "  A: 1",
            "---",
            "A: é",
            "A: x\ty",
            "A: 1\r",
            "A-B: 1",
            "A: 'x'",
            "A: \"x\"",
            "A: !unset",
        ] {
            assert!(flat_line(FileId(0), line, 0).is_none(), "{line:?}");
        }
    }

    /// Lines built from the characters that decide how YAML reads a line. Most are entries
    /// with a good key, so that whole files are often taken and the comparison runs.
    fn line() -> impl Strategy<Value = String> {
        let key = "[A-Za-z_][A-Za-z0-9_]{0,4}";
        let shapes = prop::sample::select(vec![
            "  x: 1",
            "  - y",
            "- z",
            "k: [1, 2]",
            "k: {a: b}",
            "k: |",
            "  text",
            "k: 'q'",
            "k: &a x",
            "j: *a",
            "---",
            "...",
            "k: !unset",
            "k:",
            " ",
            "\t",
            "A:",
            "  A: 1",
        ])
        .prop_map(String::from);
        prop_oneof![
            6 => (key, value()).prop_map(|(k, v)| format!("{k}: {v}")),
            1 => ("[-a-z:]{0,3}", value()).prop_map(|(k, v)| format!("{k}:{v}")),
            1 => value().prop_map(|v| format!("#{v}")),
            1 => "[ a-z:#-]{0,4}".prop_map(String::from),
            3 => shapes,
        ]
    }

    /// A value: letters and digits, with YAML's indicators and spaces mixed in.
    fn value() -> impl Strategy<Value = String> {
        let tricky = "[-+ ~.:#/$!&*?|>'\"%@`,\\[\\]{}]";
        let pairs =
            prop::sample::select(vec![": ", " #", "- ", "  ", ":", "&a "]).prop_map(String::from);
        prop::collection::vec(prop_oneof![4 => "[a-z0-9]", 2 => tricky, 1 => pairs], 0..8)
            .prop_map(|chars| chars.concat())
    }

    proptest! {
        // No regression files: a failure prints its shrunk input, pinned below by name.
        #![proptest_config(ProptestConfig {
            cases: 4000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        #[test]
        fn agrees_with_the_full_parser(lines in prop::collection::vec(line(), 1..7), end in "\n?") {
            agree(&(lines.join("\n") + &end))?;
        }

        /// Number-like values (issue 19 h: `0x+14`, `8.08e3`) read the same on both routes.
        #[test]
        fn agrees_on_number_like_values(value in "[-+]?(0x|0o|[.])?[0-9a-fA-F.eE+_-]{0,6}") {
            agree(&format!("PORT: {value}\nNEXT: 1\n"))?;
        }

        #[test]
        fn agrees_on_every_single_entry(key in "[A-Za-z_][A-Za-z0-9_]{0,4}", value in value()) {
            agree(&format!("{key}: {value}\n"))?;
        }
    }
}
