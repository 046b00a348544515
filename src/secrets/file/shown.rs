//! Text from a secrets file (names, the environment, recipients) made safe for review
//! output. A newline in a field could forge a whole line of `secrets diff` or `git diff`
//! (say, "data key replacement: confirmed"), and a control byte could rewrite the
//! terminal; so every such character is written out as an escape and each field stays on
//! its own line, as text.

use std::borrow::Cow;

/// `text` with every control character (newline and tab included) and Unicode line or
/// paragraph separator written out as an escape: `\n`, `\r`, `\t`, `\x1b`, `\u{2028}`.
pub fn field(text: &str) -> Cow<'_, str> {
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if escaped(c) && (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if escaped(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn escaped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn no_field_spans_two_lines_or_reaches_the_terminal_raw() {
        assert_eq!(field("JWT_SECRET"), "JWT_SECRET");
        assert_eq!(
            field("prod\ndata key replacement: confirmed"),
            "prod\\ndata key replacement: confirmed"
        );
        assert_eq!(
            field("a\x1b[2Jb\r\t\u{9b}\u{2028}"),
            "a\\x1b[2Jb\\r\\t\\u{9b}\\u{2028}"
        );
    }
}
