//! Each room's escaper against its own proof: a value built from the input is escaped for
//! one of the registered formats (`format::ALL`, so a new room is fuzzed as soon as it is
//! listed), and the room's `round_trip` writes it into a small file of its format and reads
//! it back the way the format's consumer does. The value must come back exactly, or the
//! escaper must have refused it; it must never come back as something else. nginx is also
//! held to a model of nginx's own argument lexer, written here apart from the room's parser.
#![no_main]

use cfgc::format;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let selector = usize::from(selector);
    let format = format::ALL[selector % format::ALL.len()];
    let value = match selector / format::ALL.len() % 8 {
        4 => match text.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => match text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) => Value::Number(n),
                None => return,
            },
        },
        5 => Value::Bool(text.len() % 2 == 0),
        6 => Value::Null,
        7 => Value::Array(text.split('\0').map(Value::from).collect()),
        _ => Value::from(text),
    };
    let Ok(escaped) = format.escape(&value) else {
        return;
    };
    if let Err(why) = format.round_trip(&value, &escaped) {
        panic!("{format}: {why}: {value:?} escaped as {escaped:?}");
    }
    if format == format::NGINX {
        nginx(&escaped, &value);
    }
});

/// nginx's lexer for one argument (ngx_conf_read_token): a quoted argument ends at the first
/// unescaped quote, and `\"`, `\\`, `\t`, `\r`, `\n` are unescaped inside it; a bare
/// argument ends at a blank, `;`, `{` or `}`. `$` is expanded as a variable wherever it is.
fn nginx_arguments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == ' ' {
            chars.next();
            continue;
        }
        let mut arg = String::new();
        if c == '"' {
            chars.next();
            loop {
                match chars.next() {
                    None => panic!("nginx: unterminated quote in {text:?}"),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('"') => arg.push('"'),
                        Some('\\') => arg.push('\\'),
                        Some('\'') => arg.push('\''),
                        Some('t') => arg.push('\t'),
                        Some('r') => arg.push('\r'),
                        Some('n') => arg.push('\n'),
                        Some(other) => {
                            arg.push('\\');
                            arg.push(other);
                        }
                        None => panic!("nginx: trailing backslash in {text:?}"),
                    },
                    Some(other) => arg.push(other),
                }
            }
            if let Some(&next) = chars.peek() {
                assert_eq!(
                    next, ' ',
                    "nginx: text right after a closing quote in {text:?}"
                );
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                assert!(
                    !matches!(
                        c,
                        ';' | '{' | '}' | '"' | '\'' | '#' | '\t' | '\n' | '\r' | '\\'
                    ),
                    "nginx: {c:?} in a bare argument {text:?}"
                );
                arg.push(c);
                chars.next();
            }
        }
        assert!(!arg.contains('$'), "nginx: `$` reaches nginx in {text:?}");
        out.push(arg);
    }
    out
}

fn nginx(escaped: &str, value: &Value) {
    let expected: Vec<String> = match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    };
    assert_eq!(
        nginx_arguments(escaped),
        expected,
        "nginx: the arguments changed"
    );
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
