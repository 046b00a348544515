use super::*;
use crate::diagnostic::Code;

fn load(text: &str) -> Result<Node, Diagnostic> {
    let src = Source::new("t.yaml".into(), "t.yaml".into(), text.into());
    parse(FileId(0), &src)
}

#[test]
fn keeps_spans_and_unset() {
    let node = load("A: 1\nB: !unset\nC: \"x\"\n").expect("valid yaml");
    let map = node.as_map().expect("a map");
    assert!(matches!(map["B"].node.kind, Kind::Unset));
    assert_eq!(map["C"].node.span.start, 18);
    assert_eq!(map["A"].key_span.start, 0);
}

#[test]
fn rejects_duplicate_keys() {
    let err = load("A: 1\nA: 2\n").expect_err("duplicate");
    assert_eq!(err.code, Code::YamlDuplicateKey);
    assert_eq!(err.span.map(|s| s.start), Some(5));
}

#[test]
fn stops_alias_bombs() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..8 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let err = load(&text).expect_err("bomb");
    assert_eq!(err.code, Code::YamlAliasBudget);
}

#[test]
fn stops_a_string_alias_bomb_by_bytes() {
    // Few nodes, many bytes: a node budget let this through.
    let mut text = format!("a: &a \"{}\"\n", "x".repeat(100_000));
    text.push_str("b: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n");
    let err = load(&text).expect_err("bomb");
    assert_eq!(err.code, Code::YamlAliasBudget);
    assert_eq!(
        err.message,
        "YAML aliases expand to more than 1048576 bytes"
    );
}

#[test]
fn refuses_nesting_past_the_limit_in_block_and_flow_style() {
    let flow = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let err = load(&flow).expect_err("too deep");
    assert_eq!(err.code, Code::YamlTooDeep);
    let mut block = String::new();
    for i in 0..5000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let err = load(&block).expect_err("too deep");
    assert_eq!(err.code, Code::YamlTooDeep);
    assert_eq!(err.message, "YAML nesting is deeper than 64 levels");
    // Exactly at the limit is fine: the root map is level 1.
    let ok = format!("a: {}{}\n", "[".repeat(63), "]".repeat(63));
    load(&ok).expect("64 levels");
}

#[test]
fn an_alias_counts_the_depth_it_copies() {
    let deep = format!("a: &a {}{}\n", "[".repeat(40), "]".repeat(40));
    let text = format!("{deep}b: {}*a{}\n", "[".repeat(30), "]".repeat(30));
    let err = load(&text).expect_err("too deep");
    assert_eq!(err.code, Code::YamlTooDeep);
}
