//! The commonest layer, read without the full YAML parser: a flat block mapping of
//! `KEY: value` lines, with blank and `#` comment lines between them.
//!
//! The full parser works a character at a time and is most of the time of a run over many
//! environments. This reader takes only files whose meaning cannot be in doubt, and steps
//! aside (`None`) for anything else, including every error: the full parser then reads the
//! file and gives its diagnostic. What it takes, it builds exactly as the full parser would,
//! spans included (the test `agrees_with_the_full_parser` compares the two trees):
//! - the file is printable ASCII and line feeds, and ends with a line feed;
//! - a key is `[A-Za-z_][A-Za-z0-9_]*`, at the start of its line, shorter than YAML's
//!   1,024-character limit on implicit keys, followed by `: ` and a value;
//! - a value is one plain scalar on its line: no quote, indicator or space at its start
//!   (`- x` would be a list, `&a` an anchor), no `#` (a comment) and no `:` before a space
//!   or the line's end (a nested mapping) anywhere, no space at its end;
//! - no key twice (the full parser reports it).

use crate::node::{Entry, Kind, Map, Node};
use crate::source::{FileId, Span};

/// Implicit keys may not be longer than 1,024 characters in YAML; stay well inside.
const MAX_KEY: usize = 1000;

/// `text` as the full parser would read it, if it is a flat mapping of plain scalars.
/// Line by line, so that a file of another shape is given up at its first such line.
pub(super) fn parse(file: FileId, text: &str) -> Option<Node> {
    if !text.ends_with('\n') {
        return None;
    }
    let mut map = Map::new();
    let mut first = None;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = &text[start..end];
        let line_start = start;
        start = end + 1;
        if !line.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return None;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = entry(line)?;
        let value_start = line_start + key.len() + 2;
        let entry = Entry {
            key_span: Span::new(file, line_start, line_start + key.len()),
            node: Node::new(
                super::resolve_plain(value),
                Span::new(file, value_start, value_start + value.len()),
            ),
        };
        if map.insert(key.to_string(), entry).is_some() {
            return None;
        }
        first.get_or_insert(line_start);
    }
    Some(Node::new(
        Kind::Map(map),
        Span::new(file, first?, text.len()),
    ))
}

/// The key and value of a `KEY: value` line, if it is one this reader takes.
fn entry(line: &str) -> Option<(&str, &str)> {
    let colon = memchr::memchr(b':', line.as_bytes())?;
    let (key, value) = (&line[..colon], line[colon..].strip_prefix(": ")?);
    let mut key_bytes = key.bytes();
    let starts_well = key_bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    if !starts_well
        || !key_bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        || key.len() > MAX_KEY
    {
        return None;
    }
    plain(value).then_some((key, value))
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
        let fast = parse(FileId(0), text).map(|n| format!("{n:?}"));
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
    fn steps_aside_for_anything_else() {
        for text in [
            "A: 1",               // no final line feed
            "",                   // empty: an empty map, with the full parser's span
            "# only a comment\n", // likewise
            "A: 1\nA: 2\n",       // duplicate: the full parser's error
            "A: 'x'\n",           // quoted
            "A: x # c\n",         // comment after a value
            "A: - x\n",           // a list entry
            "A: &a x\n",          // anchor
            "A: x:\n",            // nested mapping
            "A: x: y\n",          // likewise
            "A: x \n",            // trailing space
            "A:\n",               // null by omission
            "  A: 1\n",           // indented
            "A: 1\n  B: 2\n",     // continuation
            "---\nA: 1\n",        // document marker
            "A: é\n",             // not ASCII
            "A: x\ty\n",          // tab
            "A: 1\r\n",           // carriage return
            "A-B: 1\n",           // key outside the name rule
        ] {
            assert!(parse(FileId(0), text).is_none(), "{text:?}");
        }
    }

    /// Lines built from the characters that decide how YAML reads a line. Most are entries
    /// with a good key, so that whole files are often taken and the comparison runs.
    fn line() -> impl Strategy<Value = String> {
        let key = "[A-Za-z_][A-Za-z0-9_]{0,4}";
        prop_oneof![
            6 => (key, value()).prop_map(|(k, v)| format!("{k}: {v}")),
            1 => ("[-a-z:]{0,3}", value()).prop_map(|(k, v)| format!("{k}:{v}")),
            1 => value().prop_map(|v| format!("#{v}")),
            1 => "[ a-z:#-]{0,4}".prop_map(String::from),
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
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn agrees_with_the_full_parser(lines in prop::collection::vec(line(), 1..5)) {
            agree(&(lines.join("\n") + "\n"))?;
        }

        #[test]
        fn agrees_on_every_single_entry(key in "[A-Za-z_][A-Za-z0-9_]{0,4}", value in value()) {
            agree(&format!("{key}: {value}\n"))?;
        }
    }
}
