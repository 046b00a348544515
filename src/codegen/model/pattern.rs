//! The patterns a loader can run as `cfgc check` runs them. cfgc's validator reads a
//! `pattern` as ECMA-262 (jsonschema translates `\d`, `\w`, `\s` and `.` to their ECMA
//! meanings before running it on Rust's `regex`); JavaScript's `u` mode reads the same text
//! the same way within a subset, and is strict about everything outside it. This is that
//! subset, checked by a small scanner: anything else is refused, never run differently.

/// Why `p` is outside the subset, or `None` when it is inside.
pub fn problem(p: &str) -> Option<&'static str> {
    scan(p).err()
}

fn scan(p: &str) -> Result<(), &'static str> {
    const NOT_CLOSED: &str = "the pattern is not closed";
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => escape(chars.next(), in_class)?,
            '[' if in_class => {
                return Err("a `[` inside a class (nested classes) reads differently");
            }
            '[' => {
                in_class = true;
                chars.next_if_eq(&'^');
                // `[]` and `[^]` mean different things in the two dialects.
                if chars.peek() == Some(&']') {
                    return Err("an empty class `[]` reads differently");
                }
            }
            ']' if in_class => in_class = false,
            '&' | '-' | '~' if in_class && chars.peek() == Some(&c) => {
                return Err(
                    "`&&`, `--` and `~~` inside a class are set operations in one dialect only",
                );
            }
            _ if in_class => {}
            ']' | '}' => {
                return Err("a lone `]` or `}` is an error in JavaScript's `u` mode; escape it");
            }
            '(' if chars.peek() == Some(&'?') => {
                chars.next();
                if chars.next() != Some(':') {
                    return Err(
                        "only `(?:` groups are supported: no look-around, named groups or inline flags",
                    );
                }
                depth += 1;
            }
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or("a `)` closes no group")?,
            '{' => repetition(&mut chars)?,
            _ => {}
        }
    }
    if in_class || depth != 0 {
        Err(NOT_CLOSED)
    } else {
        Ok(())
    }
}

/// The character after a `\`, which must be inside the subset.
fn escape(next: Option<char>, in_class: bool) -> Result<(), &'static str> {
    let ok = match next.ok_or("the pattern ends in a lone `\\`")? {
        'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'n' | 'r' | 't' | 'f' | 'v' => true,
        '^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|'
        | '/' => true,
        '-' => in_class,
        'b' | 'B' => return Err("`\\b` and `\\B` are Unicode-aware in one dialect only"),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(
            "the escape is not read the same way by both dialects (supported: `\\d \\D \\w \\W \\s \\S \\n \\r \\t \\f \\v` and escaped syntax characters)",
        )
    }
}

/// After a `{`: `n}`, `n,}` or `n,m}`.
fn repetition(chars: &mut std::iter::Peekable<std::str::Chars>) -> Result<(), &'static str> {
    const BAD: &str = "a `{` that is not a repetition `{n}`, `{n,}` or `{n,m}`; escape it";
    let mut digits = 0;
    let mut comma = false;
    for c in chars.by_ref() {
        match c {
            '0'..='9' => digits += 1,
            ',' if !comma && digits > 0 => comma = true,
            '}' if digits > 0 => return Ok(()),
            _ => return Err(BAD),
        }
    }
    Err(BAD)
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn the_example_patterns_are_in_the_subset_and_dialect_traps_are_not() {
        for ok in [
            "^postgres(ql)?://",
            "^sk-or-",
            "^[a-z]{2}(-gov)?-[a-z]+-[0-9]$",
            "^(AKIA|ASIA)[A-Z0-9]{16}$",
            "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            "^https?://[^/*]+$",
            r"^\d+(?:\.\d+)*$",
            r"^[\w-]+\.example$",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            r"\bword", "(?i)abc", "(?<n>a)", r"\p{L}", "[a[b]]", "a{,3}", "a}", "[]", "(a", r"\#",
            r"\1", "[a&&b]", "a\\",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
