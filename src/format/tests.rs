//! What every room must do, checked over `ALL`: a room added there is held to it at once.

use super::*;
use serde_json::json;

#[test]
fn every_name_finds_its_format() {
    for &format in ALL {
        assert_eq!(Format::named(format.name()), Some(format));
    }
    assert_eq!(Format::named("toml"), None);
    assert_eq!(
        Format::names(),
        "yaml, nginx, dotenv, dotenv-literal, json, text, cloudbuild, kubernetes"
    );
}

#[test]
fn error_message_names_the_format_and_reason_only() {
    let err = escape(NGINX, &json!("hunter2$")).expect_err("`$` is rejected");
    let message = err.to_string();
    assert!(message.starts_with("cannot escape this value for nginx: "));
    assert!(!message.contains("hunter2"));
    assert!(!format!("{err:?}").contains("hunter2"));
}

#[test]
fn dispatch_reaches_each_format() {
    let value = json!("a b");
    assert_eq!(escape(YAML, &value).as_deref(), Ok("\"a b\""));
    assert_eq!(escape(NGINX, &value).as_deref(), Ok("\"a b\""));
    assert_eq!(escape(DOTENV, &value).as_deref(), Ok("'a b'"));
    assert_eq!(escape(JSON, &value).as_deref(), Ok("\"a b\""));
    assert_eq!(escape(TEXT, &value).as_deref(), Ok("a b"));
    assert_eq!(
        escape(CLOUDBUILD, &json!("$a b")).as_deref(),
        Ok("\"$$a b\"")
    );
}

#[test]
fn every_room_escapes_a_str_as_the_string_value() {
    let texts = [
        "",
        "plain",
        "a b",
        "$HOME",
        "${X}",
        "'",
        "\"",
        "\\",
        "x\\",
        "\n",
        "\r",
        "\0",
        "\u{85}",
        "\u{2028}",
        "é 🦀",
        "a: b # c",
        "{x}",
        ";",
        "$$",
        "\\$",
        "-----BEGIN",
    ];
    for &format in ALL {
        for text in texts {
            assert_eq!(
                format.escape_str(text),
                format.escape(&json!(text)),
                "{format} {text:?}"
            );
        }
    }
}

#[test]
fn mask_prefixes_name_what_a_line_sets() {
    assert_eq!(DOTENV.mask_prefix("JWT_SECRET='x=y'"), "JWT_SECRET=");
    assert_eq!(DOTENV.mask_prefix("export A=1"), "export A=");
    assert_eq!(DOTENV.mask_prefix("-----BEGIN KEY-----"), "");
    assert_eq!(YAML.mask_prefix("  - name: \"x: y\""), "  - name: ");
    assert_eq!(YAML.mask_prefix("  \"a: b\": c"), "  \"a: b\": ");
    assert_eq!(YAML.mask_prefix("  - \"secret\""), "  - ");
    assert_eq!(
        NGINX.mask_prefix("    proxy_pass https://x;"),
        "    proxy_pass "
    );
    assert_eq!(NGINX.mask_prefix("\"quoted\";"), "");
    assert_eq!(JSON.mask_prefix("  \"key\\\"\": \"v\","), "  \"key\\\"\": ");
    assert_eq!(TEXT.mask_prefix("anything: at all"), "");
}

/// Strings that change a file's structure or type somewhere: indicators, breaks, quotes,
/// expansions, YAML 1.1 booleans and numbers, controls.
const HOSTILE: &[&str] = &[
    "",
    " leading and trailing ",
    "a: b # c",
    "- item",
    "? key",
    "*alias",
    "&anchor",
    "!tag",
    "%YAML 1.1",
    "@at",
    "`tick`",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "null",
    "~",
    "0x1F",
    "1e3",
    ".inf",
    "0644",
    "line\nnext: injected",
    "\n---\nkind: Secret\n",
    "cr\rlf",
    "nul\0byte",
    "\u{1b}[31m",
    "\u{85}\u{2028}\u{2029}\u{feff}",
    "é 🦀",
    "'single' \"double\" \\back\\",
    "$HOME ${X} $(id) $$ \\$",
    "key {\n}; next 1;",
    "#comment",
    "=equals",
    "export A=1",
    "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
];

fn hostile_values() -> Vec<Value> {
    let mut values: Vec<Value> = HOSTILE.iter().map(|s| json!(s)).collect();
    values.extend([
        json!(0),
        json!(-42),
        // Values reach a room from cfgc's own readers, whose integers are i64.
        json!(i64::MIN),
        json!(i64::MAX),
        json!(2.5),
        json!(1e300),
        json!(true),
        json!(false),
        json!(null),
        json!(["a b", "c"]),
        json!([]),
        json!({"k": ["v", 1, null]}),
        json!("x".repeat(1 << 20)),
    ]);
    values
}

fn check_round_trip(format: Format, value: &Value) -> Result<(), String> {
    match format.escape(value) {
        Ok(escaped) => format
            .round_trip(value, &escaped)
            .map_err(|why| format!("{format}: {why} (value {value:.60?})")),
        Err(_) => Ok(()),
    }
}

#[test]
fn every_room_round_trips_or_refuses_hostile_values() {
    for &format in ALL {
        for value in hostile_values() {
            if let Err(why) = check_round_trip(format, &value) {
                panic!("{why}");
            }
        }
    }
}

/// Any string at all, biased towards what breaks files.
fn tricky_string() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let special = proptest::sample::select(
        "\n\r\t\0\u{7f}\u{85}\u{2028}\u{feff} :#-?*&!%@`'\"\\${}[];,=|>~."
            .chars()
            .collect::<Vec<_>>(),
    );
    proptest::collection::vec(prop_oneof![any::<char>(), special, Just('a')], 0..40)
        .prop_map(String::from_iter)
}

proptest::proptest! {
    #[test]
    fn every_room_round_trips_or_refuses_any_string(
        text in tricky_string(),
        room in 0..ALL.len(),
    ) {
        let result = check_round_trip(ALL[room], &json!(text));
        proptest::prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

/// One template environment holds every room's filters: a name must name one filter.
#[test]
fn filter_names_are_unique() {
    let mut seen = std::collections::BTreeMap::new();
    for &format in ALL {
        for (name, _) in format.filters() {
            if let Some(other) = seen.insert(*name, format) {
                panic!("the filter `{name}` is both {other}'s and {format}'s");
            }
        }
    }
    assert!(seen.contains_key("gcloud_dict"));
}

#[test]
fn only_nginx_reads_directives() {
    let reading: Vec<Format> = ALL
        .iter()
        .copied()
        .filter(|f| f.directives().is_some())
        .collect();
    assert_eq!(reading, [NGINX]);
    assert_eq!(Format::with_directives(), "nginx");
}
