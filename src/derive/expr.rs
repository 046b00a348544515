//! The text of a derived value: literal text with `${NAME}` references, and `$$` for a
//! literal `$`. Any other `$` is an error, so a typo never becomes text silently.

/// Longest expression accepted, in bytes: a derived value is a URL or a name, not a file.
pub const MAX_EXPRESSION: usize = 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// A reference, with its byte offset in the expression.
    Ref(String, usize),
}

/// The parts of `text`, or why it is not an expression (never quoting it: a value in a
/// layer may hold what should have been a secret).
pub fn parse(text: &str) -> Result<Vec<Part>, String> {
    if text.len() > MAX_EXPRESSION {
        return Err(format!(
            "the expression is longer than {MAX_EXPRESSION} bytes"
        ));
    }
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        literal.push_str(&rest[..i]);
        let at = text.len() - rest.len() + i;
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            literal.push('$');
            rest = tail;
            continue;
        }
        let Some(body) = after.strip_prefix('{') else {
            return Err(format!(
                "`$` at byte {} starts no reference: write `${{NAME}}`, or `$$` for a literal `$`",
                at + 1
            ));
        };
        let Some(close) = body.find('}') else {
            return Err(format!(
                "the reference at byte {} has no closing `}}`",
                at + 1
            ));
        };
        let name = &body[..close];
        if !is_name(name) {
            return Err(format!(
                "the reference at byte {} is not a variable name (letters, digits and `_`, not starting with a digit)",
                at + 1
            ));
        }
        if !literal.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut literal)));
        }
        parts.push(Part::Ref(name.to_string(), at));
        rest = &body[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    Ok(parts)
}

fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_text_and_escaped_dollars() {
        assert_eq!(
            parse("https://${A}-${B_2}.x$$y").unwrap(),
            vec![
                Part::Text("https://".into()),
                Part::Ref("A".into(), 8),
                Part::Text("-".into()),
                Part::Ref("B_2".into(), 13),
                Part::Text(".x$y".into()),
            ]
        );
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn a_stray_dollar_or_bad_name_is_an_error() {
        for bad in ["$A", "${A", "${}", "${1A}", "${A.B}", "x$"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&"x".repeat(MAX_EXPRESSION + 1)).is_err());
    }
}
