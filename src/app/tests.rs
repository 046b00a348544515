//! The tokenizers and the read matcher on small sources: every read form, every place a
//! read must not count, the bounds; and a property test that no input panics.

use proptest::prelude::*;

use super::token::{MAX_NESTING, Why};
use super::{Lang, reads_in};

const JS: Lang = Lang::Js { jsx: false };
const JSX: Lang = Lang::Js { jsx: true };

/// `name` or `name=fallback` for each read, in order.
fn reads(text: &str, lang: Lang) -> Vec<String> {
    let found = reads_in(text, lang).unwrap_or_else(|e| panic!("{e:?} in {text:?}"));
    found
        .iter()
        .map(|r| {
            assert_eq!(&text[r.at.clone()].trim_matches(['"', '\'', '`']), &r.name);
            match &r.fallback {
                Some(f) => format!("{}={}", r.name, &text[f.clone()]),
                None => r.name.clone(),
            }
        })
        .collect()
}

#[test]
fn javascript_read_forms() {
    let text = r#"
        const a = process.env.A;
        const b = process.env["B"] ?? "b";
        const c = process.env['C'] || 'c';
        const d = process.env[`D`];
        const { E, F: f, G = "g", "H": h, ...rest } = process.env;
        const i = import.meta.env.I;
        const j = Deno.env.get("J") ?? 3;
        const k = process.env.K!;
        const l = process.env?.L;
        const computed = process.env[name];
        const m = other.process.env.M;
    "#;
    assert_eq!(
        reads(text, JS),
        [
            "A", "B=\"b\"", "C='c'", "D", "E", "F", "G=\"g\"", "H", "I", "J=3", "K", "L"
        ]
    );
}

#[test]
fn javascript_literals_and_comments_do_not_count() {
    let text = r#"
        // process.env.LINE_COMMENT
        /* process.env.BLOCK_COMMENT */
        const s = "process.env.DOUBLE" + 'process.env.SINGLE';
        const t = `process.env.TEMPLATE ${process.env.IN_TEMPLATE} and ${`${process.env.NESTED}`}`;
        const r = /process.env.REGEX/g.test(x);
        const half = total / process.env.DIVIDED / 2;
        const u = `{ ${ { a: process.env.IN_OBJECT }.a } }`;
    "#;
    assert_eq!(
        reads(text, JS),
        ["IN_TEMPLATE", "NESTED", "DIVIDED", "IN_OBJECT"]
    );
}

#[test]
fn regex_or_division_by_the_previous_token() {
    // After `(` a regex holding a quote; after a value, two divisions around a read.
    let text = "f(/'/); x = a / process.env.A / 2; return /\"/.test(process.env.B)";
    assert_eq!(reads(text, JS), ["A", "B"]);
}

#[test]
fn jsx_text_is_text_and_its_braces_are_code() {
    let text = r#"
        const el = <p title="it's" data-x='"'>Don't {process.env.A} <b>{`${process.env.B}`}</b></p>;
        const frag = <>process.env.TEXT</>;
        const generic = <T,>(x: T) => process.env.C;
        const half = el / 2;
    "#;
    assert_eq!(reads(text, JSX), ["A", "B", "C"]);
}

#[test]
fn python_read_forms() {
    let text = r#"
import os
a = os.environ["A"]
b = os.environ.get("B")
c = os.environ.get("C", "c")
d = os.getenv('D', default=4)
e = os.getenv("E") or "e"
f = os.getenv(name)
"#;
    assert_eq!(
        reads(text, Lang::Python),
        ["A", "B", "C=\"c\"", "D=4", "E=\"e\""]
    );
}

#[test]
fn python_strings_and_docstrings_do_not_count() {
    let text = r#"
def f():
    """os.environ["DOCSTRING"]
    os.getenv("STILL")"""
    # os.environ["COMMENT"]
    s = 'os.environ["SINGLE"]' + rb"os.getenv('BYTES')" + r'\' os.getenv("RAW")'
    t = f"{os.environ['IN_FSTRING']!r:>{os.getenv('IN_SPEC')}} os.getenv('FTEXT') {{os.getenv('BRACES')}}"
    u = f'''{os.environ["TRIPLE_F"]} os.getenv("TEXT")'''
"#;
    assert_eq!(
        reads(text, Lang::Python),
        ["IN_FSTRING", "IN_SPEC", "TRIPLE_F"]
    );
}

#[test]
fn rust_read_forms() {
    let text = r#"
        let a = std::env::var("A")?;
        let b = env::var("B").unwrap_or("b".into());
        let c = ::std::env::var_os("C");
        let d = env::var("D").unwrap_or_else(|_| panic!("D is required"));
        let e = env::var("E").ok().map(|v| v.len()).unwrap_or(5);
        let f = env::var("F").unwrap_or_else(|_| String::from("f"));
        let g = env::var("G").unwrap_or_default();
        let h = env!("H");
    "#;
    assert_eq!(
        reads(text, Lang::Rust),
        [
            "A",
            "B=\"b\"",
            "C",
            "D",
            "E=5",
            "F=\"f\"",
            "G=unwrap_or_default"
        ]
    );
}

#[test]
fn rust_literals_and_comments_do_not_count() {
    let text = r##"
        /* outer /* env::var("NESTED_COMMENT") */ env::var("STILL_COMMENT") */
        let raw = r#"env::var("RAW") "quoted" "#;
        let bytes = br"env::var(\"BYTES\")";
        let quote = '"'; let escaped = '\''; let unicode = '\u{1F600}';
        fn f<'a>(x: &'a str) -> &'a str { env::var("AFTER_LIFETIMES"); x }
        'outer: loop { break 'outer; }
        let s = "env::var(\"STRING\")";
    "##;
    assert_eq!(reads(text, Lang::Rust), ["AFTER_LIFETIMES"]);
}

#[test]
fn what_does_not_end_is_an_error() {
    for (text, lang) in [
        ("const s = \"open", JS),
        ("/* open", JS),
        ("const t = `open ${x}", JS),
        ("const t = `${ {", JS),
        ("const el = <div>text", JSX),
        ("s = '''open", Lang::Python),
        ("s = f'{x", Lang::Python),
        ("s = 'line\nbreak'", Lang::Python),
        ("let s = r#\"open\"", Lang::Rust),
        ("/* /* */", Lang::Rust),
    ] {
        let e = reads_in(text, lang).expect_err(text);
        assert!(matches!(e.why, Why::Unterminated(_)), "{text:?}: {e:?}");
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = "`${".repeat(MAX_NESTING) + &"}`".repeat(MAX_NESTING);
    let e = reads_in(&deep, JS).expect_err("too deep");
    assert_eq!(e.why, Why::TooDeep);
    let fine = "`${".repeat(MAX_NESTING / 4) + "process.env.A" + &"}`".repeat(MAX_NESTING / 4);
    assert_eq!(reads(&fine, JS), ["A"]);
    let python = "f'{".repeat(MAX_NESTING) + &"}'".repeat(MAX_NESTING);
    assert_eq!(
        reads_in(&python, Lang::Python).expect_err("deep").why,
        Why::TooDeep
    );
    let jsx = "x = <a>".to_string() + &"<a>".repeat(MAX_NESTING);
    assert_eq!(reads_in(&jsx, JSX).expect_err("deep").why, Why::TooDeep);
}

#[test]
fn token_count_is_bounded() {
    let many = "a;".repeat(super::token::MAX_TOKENS / 2 + 1);
    assert_eq!(
        reads_in(&many, JS).expect_err("too many").why,
        Why::TooManyTokens
    );
}

/// Pieces that open and close every context the tokenizers know, to reach them more
/// often than random text would.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "`",
        "${",
        "}",
        "{",
        "/",
        "*",
        "//",
        "/*",
        "*/",
        "\"",
        "'",
        "'''",
        "\"\"\"",
        "\\",
        "\n",
        "<a>",
        "</a>",
        "<",
        ">",
        "/>",
        "f'",
        "rb\"",
        "r#\"",
        "\"#",
        "#",
        "b'",
        "'a",
        "[",
        "]",
        "(",
        ")",
        "process.env.A",
        "os.getenv(\"B\"",
        "env::var(\"C\")",
        " ?? \"d\"",
        "=",
        "é",
        "x",
        "1",
        ".",
        ":",
        "|",
        "!",
    ])
}

proptest! {
    #[test]
    fn no_input_panics(pieces in prop::collection::vec(piece(), 0..200), raw in ".{0,200}") {
        let text = pieces.concat();
        for lang in [JS, JSX, Lang::Python, Lang::Rust] {
            for t in [&text, &raw] {
                // Ok or an error at a position inside the text: never a panic.
                if let Err(e) = reads_in(t, lang) {
                    prop_assert!(e.at < t.len().max(1), "{e:?} for {t:?}");
                }
            }
        }
    }
}
