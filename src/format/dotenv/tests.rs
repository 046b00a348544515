//! The `.env` escaper and its reader: what is written plain, quoted or refused, and what
//! reads back.

use super::*;
use crate::format::DOTENV;
use serde_json::json;

fn dotenv(value: Value) -> Result<String, EscapeError> {
    escape(&value)
}

#[test]
fn safe_values_stay_plain_and_empty_stays_empty() {
    assert_eq!(
        dotenv(json!("postgres://u@db:5432/app?ssl=1")).as_deref(),
        Ok("postgres://u@db:5432/app?ssl=1")
    );
    assert_eq!(dotenv(json!("")).as_deref(), Ok(""));
    assert_eq!(dotenv(json!(-1.5)).as_deref(), Ok("-1.5"));
    assert_eq!(dotenv(json!(true)).as_deref(), Ok("true"));
}

#[test]
fn shell_syntax_is_single_quoted() {
    for hostile in [
        "`id`",
        "$$",
        "a; rm -rf /",
        "a b # c",
        "$1 and $",
        "\"x\"",
        "~/x",
        "*",
    ] {
        assert_eq!(
            dotenv(json!(hostile)),
            Ok(format!("'{hostile}'")),
            "{hostile:?}"
        );
    }
}

#[test]
fn a_line_feed_cannot_start_a_new_entry() {
    assert_eq!(dotenv(json!("a\nEVIL=1")).as_deref(), Ok("'a\nEVIL=1'"));
}

#[test]
fn values_no_reader_agrees_on_are_rejected_without_echoing_them() {
    let cases = [
        ("s3cr3t'; EVIL=1; '", "contains `'`"),
        ("s3cr3t\\\\x", "contains two backslashes"),
        ("s3cr3t\\", "ends with a backslash"),
        ("s3cr3t${HOME}", "contains `${`"),
        ("s3cr3t$HOME", "contains `$` followed by a letter"),
        ("s3cr3t$_x", "contains `$` followed by a letter"),
        ("s3cr3t\\$1", "contains `\\$`"),
        ("s3cr3t$(touch PWNED)", "contains `$(`"),
        ("$(s3cr3t)", "contains `$(`"),
        ("encrypted:s3cr3t", "starts with `encrypted:`"),
        ("s3cr3t\r\n", "contains a carriage return"),
        ("s3cr3t\0", "contains a NUL"),
    ];
    for (value, reason) in cases {
        let err = dotenv(json!(value)).expect_err("must be rejected");
        assert_eq!(err.format, DOTENV);
        assert!(err.reason.starts_with(reason), "{value:?}: {}", err.reason);
        assert!(!err.to_string().contains("s3cr3t"));
    }
    assert!(dotenv(json!(null)).is_err());
    assert!(dotenv(json!(["a"])).is_err());
    assert!(dotenv(json!({"a": "b"})).is_err());
}

/// dotenv-expand 1000 runs `$(…)` inside single quotes; a file no reader expands may
/// hold it, but no file may start a value with `encrypted:`, which dotenvx decrypts.
#[test]
fn command_substitution_is_refused_only_where_a_reader_expands() {
    let literal = |text: &str| escape_for(&json!(text), Expanded::Never);
    assert_eq!(literal("$(id)").as_deref(), Ok("'$(id)'"));
    assert!(dotenv(json!("$(id)")).is_err());
    assert!(literal("encrypted:abc").is_err());
    assert_eq!(
        dotenv(json!("not encrypted:")).as_deref(),
        Ok("'not encrypted:'")
    );
}

#[test]
fn lone_backslashes_and_dollars_are_fine() {
    assert_eq!(dotenv(json!("a\\nb$1")).as_deref(), Ok("'a\\nb$1'"));
    assert_eq!(dotenv(json!("$2b$12$.abc")).as_deref(), Ok("'$2b$12$.abc'"));
}

#[test]
fn keys_are_portable_names() {
    for good in ["A", "_", "a_1", "DATABASE_URL"] {
        assert!(check_key(good).is_ok(), "{good}");
    }
    for bad in ["", "1A", "A-B", "A.B", "A B", "É", "A=B"] {
        assert!(check_key(bad).is_err(), "{bad}");
    }
}

#[test]
fn parse_reads_back_what_escape_writes() {
    let values = ["", "plain", "a b", "multi\nline\n", "#x", "$", "\"q\""];
    let mut file = String::from("# header\n\n");
    for (index, value) in values.iter().enumerate() {
        let escaped = dotenv(json!(value)).expect("accepted");
        file.push_str(&format!("K{index}={escaped}\n"));
    }
    let expected: Vec<(String, String)> = values
        .iter()
        .enumerate()
        .map(|(index, value)| (format!("K{index}"), value.to_string()))
        .collect();
    assert_eq!(parse_dotenv(&file), Ok(expected));
}

#[test]
fn parse_accepts_comments_export_and_trailing_spaces() {
    let file = "  # c\nexport A=a  # note\nB='b c' # note\n  C=c  \nD=''\nE=";
    let entries = parse_dotenv(file).expect("valid");
    let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(keys, ["A", "B", "C", "D", "E"]);
    assert_eq!(entries[1].1, "b c");
}

#[test]
fn parse_reports_the_line_where_the_bad_entry_starts() {
    let cases = [
        ("A='x\ny'\nB=a b\n", 3, "has text after the value"),
        (
            "A=1\nB='open\n",
            2,
            "has a single quote that is never closed",
        ),
        ("A=1\r\n", 1, "has a carriage return"),
        ("A='x'#c\n", 1, "has text after the value"),
        ("A=x\t#c\n", 1, "has text after the value"),
        ("A= #c\n", 1, "has a comment after an empty value"),
        ("A=x#c\n", 1, "has an unquoted value"),
        ("A B=x\n", 1, "has a key"),
        ("just words\n", 1, "is not a comment"),
        ("A='${HOME}'\n", 1, "contains `${`"),
        ("A='x\\\\y'\n", 1, "contains two backslashes"),
    ];
    for (file, line, reason) in cases {
        let err = parse_dotenv(file).expect_err(file);
        assert_eq!(err.line, line, "{file:?}");
        assert!(err.reason.starts_with(reason), "{file:?}: {}", err.reason);
    }
}

#[test]
fn parse_errors_never_quote_the_value() {
    let err = parse_dotenv("A='s3cr3t${X}'\n").expect_err("`${` is rejected");
    assert!(!err.to_string().contains("s3cr3t"));
}
