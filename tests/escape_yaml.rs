//! The YAML escaper against real parsers: saphyr-parser (YAML 1.2, in process, many cases) and
//! PyYAML (YAML 1.1, one `python3` per batch). Every value, placed after `k: `, in a block
//! sequence, nested in a mapping or inside a flow sequence, must read back as exactly one node
//! equal to the input; strings as one double-quoted scalar.
//!
//! Needs `python3` with PyYAML (`scripts/test` puts it in target/test-venv); without it the
//! PyYAML tests fail with how to install it.

use cfgc::format::{YAML, escape};
use proptest::prelude::*;
use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::sync::LazyLock;

use crate::common::tools;

/// A YAML node as parsed, before any type is resolved.
#[derive(Debug, PartialEq)]
pub(crate) enum Node {
    Scalar { text: String, style: ScalarStyle },
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}

/// Parse a one-document stream into its root node; anchors, aliases and tags are errors, since
/// escaped values must never produce them.
pub(crate) fn parse(text: &str) -> Result<Node, String> {
    let mut events = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, _span) = item.map_err(|err| format!("{err:?}"))?;
        events.push(event);
    }
    let mut events = events.into_iter();
    let expect = |event: Option<Event>, what: &str| match event {
        Some(
            Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd | Event::StreamEnd,
        ) => Ok(()),
        other => Err(format!("expected {what}, got {other:?}")),
    };
    expect(events.next(), "stream start")?;
    expect(events.next(), "document start")?;
    let root = node(&mut events)?;
    expect(events.next(), "document end")?;
    expect(events.next(), "stream end")?;
    match events.next() {
        None => Ok(root),
        extra => Err(format!("more than one document: {extra:?}")),
    }
}

fn node<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> Result<Node, String> {
    match events.next() {
        Some(Event::Scalar(text, style, 0, None)) => Ok(Node::Scalar {
            text: text.into_owned(),
            style,
        }),
        Some(Event::SequenceStart(0, None)) => {
            let mut items = Vec::new();
            loop {
                match node(events) {
                    Ok(item) => items.push(item),
                    Err(end) if end == "end" => return Ok(Node::Sequence(items)),
                    Err(err) => return Err(err),
                }
            }
        }
        Some(Event::MappingStart(0, None)) => {
            let mut pairs = Vec::new();
            loop {
                match node(events) {
                    Ok(key) => pairs.push((key, node(events)?)),
                    Err(end) if end == "end" => return Ok(Node::Mapping(pairs)),
                    Err(err) => return Err(err),
                }
            }
        }
        Some(Event::SequenceEnd | Event::MappingEnd) => Err("end".to_string()),
        other => Err(format!("unexpected event {other:?}")),
    }
}

static CORE_INT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[-+]?[0-9]+$").expect("regex"));
static CORE_FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").expect("regex")
});

/// Resolve a node with the YAML 1.2 core schema, the way a YAML 1.2 loader types it.
pub(crate) fn to_json(node: &Node) -> Result<Value, String> {
    match node {
        Node::Scalar { text, style } if *style != ScalarStyle::Plain => {
            Ok(Value::String(text.clone()))
        }
        Node::Scalar { text, .. } => Ok(match text.as_str() {
            "null" | "Null" | "NULL" | "~" | "" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            int if CORE_INT.is_match(int) => int
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| int.parse::<u64>().map(Value::from))
                .map_err(|err| format!("int {int}: {err}"))?,
            float if CORE_FLOAT.is_match(float) => float
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or(format!("float {float}"))?,
            other => Value::String(other.to_string()),
        }),
        Node::Sequence(items) => items
            .iter()
            .map(to_json)
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Node::Mapping(pairs) => {
            let mut map = Map::new();
            for (key, item) in pairs {
                let Value::String(key) = to_json(key)? else {
                    return Err("non-string key".to_string());
                };
                if map.insert(key, to_json(item)?).is_some() {
                    return Err("duplicate key".to_string());
                }
            }
            Ok(Value::Object(map))
        }
    }
}

fn scalar(text: &str, style: ScalarStyle) -> Node {
    Node::Scalar {
        text: text.to_string(),
        style,
    }
}

/// Place `escaped` in four value positions and return what saphyr reads at each.
fn read_back_in_every_position(escaped: &str) -> Result<Vec<Node>, String> {
    let plain = ScalarStyle::Plain;
    let mut found = Vec::new();
    let Node::Mapping(mut pairs) = parse(&format!("k: {escaped}\n"))? else {
        return Err("`k: …` is not a mapping".to_string());
    };
    match (pairs.pop(), pairs.is_empty()) {
        (Some((key, value)), true) if key == scalar("k", plain) => found.push(value),
        _ => return Err("`k: …` is not one pair".to_string()),
    }
    let Node::Sequence(mut items) = parse(&format!("- {escaped}\n- end\n"))? else {
        return Err("`- …` is not a sequence".to_string());
    };
    match (items.len(), items.pop()) {
        (2, Some(end)) if end == scalar("end", plain) => found.push(items.remove(0)),
        _ => return Err("`- …` is not two items".to_string()),
    }
    let nested = parse(&format!("a:\n  b: {escaped}\n  c: end\n"))?;
    let Node::Mapping(mut outer) = nested else {
        return Err("nested is not a mapping".to_string());
    };
    match outer.pop() {
        Some((_, Node::Mapping(mut inner))) if outer.is_empty() && inner.len() == 2 => {
            if inner.pop() != Some((scalar("c", plain), scalar("end", plain))) {
                return Err("the sibling after the value changed".to_string());
            }
            found.push(inner.remove(0).1);
        }
        _ => return Err("nested shape changed".to_string()),
    }
    let Node::Sequence(mut flow) = parse(&format!("[{escaped}, end]\n"))? else {
        return Err("flow is not a sequence".to_string());
    };
    match (flow.len(), flow.pop()) {
        (2, Some(end)) if end == scalar("end", plain) => found.push(flow.remove(0)),
        _ => return Err("flow sequence is not two items".to_string()),
    }
    Ok(found)
}

fn check_string_with_saphyr(value: &str) -> Result<(), String> {
    let escaped = escape(YAML, &Value::String(value.to_string())).map_err(|e| e.to_string())?;
    for node in read_back_in_every_position(&escaped)? {
        if node != scalar(value, ScalarStyle::DoubleQuoted) {
            return Err(format!("{value:?} as {escaped} read back as {node:?}"));
        }
    }
    Ok(())
}

fn check_value_with_saphyr(value: &Value) -> Result<(), String> {
    let escaped = escape(YAML, value).map_err(|e| e.to_string())?;
    for node in read_back_in_every_position(&escaped)? {
        let read = to_json(&node)?;
        if &read != value {
            return Err(format!("{value} as {escaped} read back as {read}"));
        }
    }
    Ok(())
}

const PYYAML_READER: &str = r#"
import json, sys, yaml
expected = json.load(open(sys.argv[1], encoding="utf-8"))
loaded = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))

def same(a, b):
    # Python says True == 1 and 1 == 1.0: compare types too.
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b

if not isinstance(loaded, dict) or list(loaded) != [f"k{i}" for i in range(len(expected))]:
    print("the document's keys changed:", list(loaded)[:10] if isinstance(loaded, dict) else type(loaded))
    sys.exit(1)
bad = [i for i, value in enumerate(expected) if not same(value, loaded[f"k{i}"])]
for i in bad[:5]:
    print(f"k{i}: expected {expected[i]!r}, PyYAML read {loaded[f'k{i}']!r}")
sys.exit(1 if bad else 0)
"#;

/// Write every value as `k{i}: <escaped>` in one document and have PyYAML compare, with
/// Python's own JSON reader for the expected values (correctly rounded floats).
fn check_batch_with_pyyaml(values: &[Value]) -> Result<(), String> {
    let mut document = String::new();
    for (index, value) in values.iter().enumerate() {
        let escaped = escape(YAML, value).map_err(|e| e.to_string())?;
        document.push_str(&format!("k{index}: {escaped}\n"));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = dir.path().join("expected.json");
    let yaml = dir.path().join("document.yaml");
    std::fs::write(&expected, Value::Array(values.to_vec()).to_string()).expect("write json");
    std::fs::write(&yaml, &document).expect("write yaml");
    tools::require_python_module("yaml", "pyyaml");
    let output = tools::output(
        tools::command("python3")
            .args(["-c", PYYAML_READER])
            .arg(&expected)
            .arg(&yaml),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{stderr}",
            String::from_utf8_lossy(&output.stdout)
        ))
    }
}

fn hostile_strings() -> Vec<&'static str> {
    vec![
        "",
        " ",
        "a: b",
        "a #b",
        "#c",
        "- item",
        "-",
        "? k",
        ": v",
        "*alias",
        "&anchor x",
        "!!python/object:os.system",
        "!tag",
        "%YAML 1.2",
        "@at",
        "`tick",
        "'single'",
        "\"double\"",
        "|",
        ">",
        "{a: 1}",
        "[1, 2]",
        "a, b",
        "true",
        "no",
        "Yes",
        "on",
        "null",
        "~",
        "0644",
        "0x1F",
        "1e3",
        "1_000",
        ".inf",
        ".nan",
        "2001-12-14",
        "<<",
        "=",
        "x\nadmin: true",
        "x\n- evil",
        "---\nevil: 1",
        "...",
        "multi\n\nline\n",
        "trailing  ",
        "\ttab",
        "\r\n",
        "\u{0}\u{1}\u{1b}\u{7f}",
        "\u{85}\u{2028}\u{2029}",
        "\u{feff}bom",
        "\u{fffe}\u{ffff}",
        "é 🦀 中文",
        "back\\slash \\n \\\" \\x41",
        "\u{a0}nbsp",
    ]
}

#[test]
fn hostile_strings_stay_one_double_quoted_scalar() {
    for value in hostile_strings() {
        if let Err(problem) = check_string_with_saphyr(value) {
            panic!("{problem}");
        }
    }
}

#[test]
fn non_strings_keep_their_type_in_yaml_1_2_and_1_1() {
    let values = [
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!(false),
        serde_json::json!(0),
        serde_json::json!(-17),
        serde_json::json!(u64::MAX),
        serde_json::json!(i64::MIN),
        serde_json::json!(0.5),
        serde_json::json!(-0.0),
        serde_json::json!(100.0),
        serde_json::json!(1e300),
        serde_json::json!(-2.5e-300),
        serde_json::json!(f64::MAX),
        serde_json::json!(5e-324),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!(["a: b", 1, null, [true], {"k": "v"}]),
        serde_json::json!({"a: b": {"- c": ["#d"]}, "true": "0644", "": ""}),
        serde_json::json!({ "k".repeat(1500): 1 }),
        // PyYAML (YAML 1.1) reads raw LS and PS as line breaks: fatal in an implicit key.
        serde_json::json!({"a\u{2028}b": 1, "c\u{2029}d": "\u{2028}"}),
    ];
    for value in &values {
        if let Err(problem) = check_value_with_saphyr(value) {
            panic!("{problem}");
        }
    }
    let mut batch: Vec<Value> = values.to_vec();
    batch.extend(hostile_strings().into_iter().map(Value::from));
    if let Err(problem) = check_batch_with_pyyaml(&batch) {
        panic!("{problem}");
    }
}

fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        4 => prop::sample::select(vec![
            ' ', '\t', '\n', '\r', ':', '#', '-', '?', '*', '&', '!', '%', '@', '`', '\'', '"',
            '\\', '|', '>', '{', '}', '[', ']', ',', '0', '1', '.', '~', 'x', 'u', 'n',
        ]),
        1 => prop::sample::select(vec![
            '\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{a0}', '\u{2028}',
            '\u{2029}', '\u{feff}', '\u{fffe}', '\u{ffff}', '\u{10ffff}',
        ]),
        2 => any::<char>(),
    ]
}

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..24).prop_map(String::from_iter)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
        tricky_string().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((tricky_string(), inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    // saphyr runs in process: many cases cost little. No regression file: a failure prints
    // its shrunk input, to be pinned as a named regression test.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_string_reads_back_as_one_equal_scalar(value in tricky_string()) {
        if let Err(problem) = check_string_with_saphyr(&value) {
            return Err(TestCaseError::fail(problem));
        }
    }

    #[test]
    fn every_json_value_reads_back_equal_in_yaml_1_2(value in json_value()) {
        if let Err(problem) = check_value_with_saphyr(&value) {
            return Err(TestCaseError::fail(problem));
        }
    }
}

proptest! {
    // One python3 per 200-value batch.
    // No regression file: a failure is reported with its input, and the file would only
    // pin inputs from runs that failed for want of a tool.
    #![proptest_config(ProptestConfig {
        cases: 8,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_json_value_reads_back_equal_in_pyyaml(
        values in prop::collection::vec(json_value(), 200)
    ) {
        if let Err(problem) = check_batch_with_pyyaml(&values) {
            return Err(TestCaseError::fail(problem));
        }
    }
}
