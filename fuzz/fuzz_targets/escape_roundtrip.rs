//! Each escaper against its own parse-back: a value built from the input is escaped for one
//! format, placed in a small document, and the document is read back with the reader that
//! format is checked with (cfgc's YAML reader, cfgc's dotenv reader, serde_json; for nginx
//! a model of nginx's own argument lexer, and the nginx room's parser). The value must come
//! back exactly, or the escaper must have refused it; it must never come back as something
//! else.
#![no_main]

use cfgc::node::Kind;
use cfgc::format;
use cfgc::source::{FileId, Source};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = format::ALL[usize::from(selector & 7) % format::ALL.len()];
    let value = match selector >> 3 & 7 {
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
    match format.name() {
        "yaml" => yaml(&escaped, &value),
        "dotenv" => dotenv(format, &escaped, &value),
        "dotenv-literal" => dotenv(format, &escaped, &value),
        "json" => json(&escaped, &value),
        "nginx" => nginx(&escaped, &value),
        // YAML with every `$` doubled: undoubled, it must be the YAML room's text.
        "cloudbuild" => {
            assert!(!escaped.replace("$$", "").contains('$'), "a lone `$` in {escaped:?}");
            yaml(&escaped.replace("$$", "$"), &value)
        }
        // text has no syntax: the value is written as is.
        "text" => assert!(format.parse_back(&escaped).is_ok()),
        other => panic!("no round trip for the format `{other}`: add one here"),
    }
});

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().expect("f64"), y.as_f64().expect("f64"));
            x == y || ((x - y) / x).abs() < 1e-15
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        _ => a == b,
    }
}

fn yaml(escaped: &str, value: &Value) {
    let doc = format!("key: {escaped}\nnext: 1\n");
    assert!(
        format::YAML.parse_back(&doc).is_ok(),
        "yaml parse-back refused {doc:?}"
    );
    let src = Source::new("out.yaml".into(), "out.yaml".into(), doc.clone());
    let node = cfgc::yaml::parse(FileId(0), &src)
        .unwrap_or_else(|d| panic!("cfgc's YAML reader refused {doc:?}: {}", d.message));
    let Kind::Map(map) = &node.kind else {
        panic!("not a map: {doc:?}");
    };
    let back = map["key"].node.to_json();
    assert!(same(&back, value), "yaml: {value:?} came back as {back:?}");
    assert!(
        map.contains_key("next"),
        "yaml: the value swallowed the next key"
    );
}

/// Both dotenv rooms: `dotenv-literal` is read back as a file no reader expands.
fn dotenv(room: format::Format, escaped: &str, value: &Value) {
    let doc = format!("KEY={escaped}\nNEXT=1\n");
    assert!(
        room.parse_back(&doc).is_ok(),
        "{} parse-back refused {doc:?}",
        room.name()
    );
    let expanded = if room.name() == "dotenv" {
        format::dotenv::Expanded::Maybe
    } else {
        format::dotenv::Expanded::Never
    };
    let entries = format::dotenv::parse_dotenv_for(&doc, expanded)
        .unwrap_or_else(|e| panic!("dotenv reader refused {doc:?}: {e}"));
    assert_eq!(entries.len(), 2, "dotenv: {doc:?} is not two entries");
    assert_eq!(entries[1], ("NEXT".to_string(), "1".to_string()));
    if let Value::String(s) = value {
        assert_eq!(&entries[0].1, s, "dotenv: the value changed");
    }
}

fn json(escaped: &str, value: &Value) {
    let doc = format!("{{\"key\": {escaped}, \"next\": 1}}");
    assert!(
        format::JSON.parse_back(&doc).is_ok(),
        "json parse-back refused {doc:?}"
    );
    let back: Value = serde_json::from_str(&doc).expect("serde_json reads what json wrote");
    assert!(
        same(&back["key"], value),
        "json: {value:?} came back as {:?}",
        back["key"]
    );
    assert_eq!(back["next"], Value::from(1));
}

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
    assert!(
        !escaped.contains(['\n', '\r']),
        "nginx: a line break in {escaped:?}"
    );
    let args = nginx_arguments(escaped);
    let expected: Vec<String> = match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    };
    assert_eq!(args, expected, "nginx: the arguments changed");
    // The room's own parser (what structural policies see) must read the same arguments.
    let doc = format!("key {escaped};\nnext 1;\n");
    let parsed = format::nginx::parse::parse(&doc)
        .unwrap_or_else(|e| panic!("nginx: the room's parser refused {doc:?}: {e}"));
    assert_eq!(parsed.len(), 2, "nginx: {doc:?} is not two directives");
    assert_eq!(parsed[0].args, expected, "nginx: the room's parser read other arguments");
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
