//! Patterns mean what their language says: cfgc.toml's policy patterns are `regex` patterns
//! with Unicode case folding, and a schema's `pattern` is an ECMA-262 regular expression
//! (`.` matches no line terminator). Issue 19 (h) found both broken by an ASCII-only build.

use crate::common::Project;

const SCHEMA: &str = "schema/env.schema.json";

/// The minimal fixture with a string variable `NAME` under `pattern`, set to `value` in dev
/// (a YAML double-quoted scalar, so escapes like `\u2028` can be written).
fn named(pattern: &str, value: &str) -> Project {
    Project::fixture("minimal")
        .edit(
            SCHEMA,
            "\"properties\": {",
            &format!("\"properties\": {{\n    \"NAME\": {{ \"type\": \"string\", \"pattern\": {pattern:?} }},"),
        )
        .append("environments/dev.yaml", &format!("NAME: \"{value}\"\n"))
}

fn check_dev(p: &Project) -> crate::common::Run {
    p.args(["check", "dev"]).run()
}

/// Issue 19 (h): the ASCII build of a directive's argument pattern dropped Unicode case
/// folding, so `(?i)acceſs-…` (a long s) no longer caught `Access-Control-Allow-Origin`.
#[test]
fn ascii_build_dropped_case_folding_of_a_directive_pattern() {
    let p = Project::example().append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"no-cors\"\noutputs = [\"nginx\"]\n\
         [[policies.directives]]\nmessage = \"no CORS headers\"\n\
         forbid = [[\"add_header\", \"(?i)acceſs-control-allow-origin\", \"...\"]]\n",
    );
    p.args(["plan", "production"])
        .status(1)
        .stdout_has("breaks policy `no-cors`: no CORS headers")
        .run();
}

/// Issue 19 (h): `(?i)^ſ+$` refused `sss` in a schema `pattern` (ECMA-262 `/iu` folds `ſ`
/// to `s`, as `regex` does).
#[test]
fn ascii_build_dropped_case_folding_of_a_schema_pattern() {
    let run = check_dev(&named("(?i)^ſ+$", "sss"));
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = check_dev(&named("(?i)^ſ+$", "sst"));
    assert_eq!(run.code, 1, "{}", run.transcript());
}

/// Issue 19 (h): `.` matched U+2028. In ECMA-262 it matches no line terminator: `\n`, `\r`,
/// U+2028, U+2029.
#[test]
fn dot_matched_a_line_separator() {
    for terminator in ["\\u2028", "\\u2029", "\\r", "\\n"] {
        let run = check_dev(&named("^.$", terminator));
        assert_eq!(run.code, 1, "{terminator}: {}", run.transcript());
        assert!(
            run.stdout.contains("`NAME` must match the pattern `^.$`"),
            "{terminator}: {}",
            run.transcript()
        );
    }
    for one in ["a", "é", "\\u0085"] {
        let run = check_dev(&named("^.$", one));
        assert_eq!(run.code, 0, "{one}: {}", run.transcript());
    }
}
