//! `cfgc explain ENV NAME`: one variable on the bundled example, pinned as the user sees
//! it, and its error paths. A secret's value never appears.

use crate::common::Project;
use insta::assert_snapshot;

#[test]
fn a_plain_value_with_what_it_overrode() {
    let run = Project::example()
        .args(["explain", "development", "LOG_LEVEL"])
        .status(0)
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_rule_of_the_environment_applies() {
    let run = Project::example()
        .args(["explain", "production", "GCP_REGION"])
        .status(0)
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_secret_says_where_it_is_set_never_its_value() {
    // The example's demo key opens development's secrets: the value is at hand, and must
    // still not be shown.
    let p = Project::example();
    let run = p
        .args(["explain", "development", "JWT_SECRET"])
        .status(0)
        .run();
    let value = p.get("development", "JWT_SECRET");
    assert!(!run.stdout.contains(&value) && !run.stderr.contains(&value));
    assert_snapshot!(run.transcript());
}

#[test]
fn an_optional_variable_not_set() {
    let run = Project::example()
        .args(["explain", "development", "SENTRY_DSN"])
        .status(0)
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn json_format() {
    let run = Project::example()
        .args(["explain", "production", "PORT", "--format", "json"])
        .status(0)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    assert_eq!(doc["value"], 8080);
    assert_eq!(doc["set_in"]["file"], "environments/base.yaml");
    assert_eq!(doc["type"], "integer");
    assert!(doc["uses"].as_array().is_some_and(|u| !u.is_empty()));
}

#[test]
fn unknown_variable_suggests_the_closest() {
    let run = Project::example()
        .args(["explain", "production", "PROT"])
        .status(2)
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn unknown_environment_suggests_the_closest() {
    let run = Project::example()
        .args(["explain", "prod", "PORT"])
        .status(2)
        .run();
    assert_snapshot!(run.transcript());
}

/// The example without `PORT` in any layer: the schema's `default` (8080) fills it.
fn example_without_port() -> Project {
    Project::example().edit("environments/base.yaml", "PORT: 8080\n", "")
}

#[test]
fn schema_default_applies_when_no_layer_sets_it() {
    let run = example_without_port()
        .args(["explain", "production", "PORT"])
        .status(0)
        .stdout_has("set in:      default from schema (schema/env.schema.json:")
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn schema_default_in_json_says_where_it_came_from() {
    let p = example_without_port();
    let run = p
        .args(["explain", "staging", "PORT", "--format", "json"])
        .status(0)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    assert_eq!(doc["value"], 8080);
    assert_eq!(doc["default_applied"], true);
    assert_eq!(doc["set_in"]["file"], "schema/env.schema.json");
}

#[test]
fn schema_default_flows_into_rendered_outputs() {
    // Another default than the committed outputs hold, so the plan shows it rendered.
    let p = example_without_port().edit(
        "schema/env.schema.json",
        "\"default\": 8080",
        "\"default\": 8181",
    );
    p.args(["check"]).status(0).run();
    p.args(["plan", "--no-decrypt"])
        .status(0)
        .stdout_has("+      - \"8181\"")
        .run();
}

#[test]
fn schema_default_is_validated_like_any_value() {
    let p = example_without_port().edit(
        "schema/env.schema.json",
        "\"default\": 8080",
        "\"default\": 70000",
    );
    let run = p.args(["check"]).status(1).run();
    assert!(
        run.stdout
            .contains("error[schema-range]: `PORT` must be at most 65535")
            && run.stdout.contains("--> schema/env.schema.json:"),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_secret_takes_no_default_and_its_default_is_a_finding() {
    let canary = "canary-default-7d1e-not-for-output";
    let p = Project::example().edit(
        "schema/env.schema.json",
        "\"JWT_SECRET\": {",
        &format!("\"JWT_SECRET\": {{ \"default\": \"{canary}\","),
    );
    let run = p.args(["check"]).status(1).run();
    assert!(!run.stdout.contains(canary) && !run.stderr.contains(canary));
    assert_snapshot!(run.transcript());
    let explain = p
        .args(["explain", "development", "JWT_SECRET"])
        .status(0)
        .run();
    assert!(!explain.stdout.contains(canary) && !explain.stderr.contains(canary));
    assert!(
        explain
            .stdout
            .contains("(masked: a secret takes no default)")
    );
}

#[test]
fn a_secrets_default_is_not_copied_into_the_docs() {
    let canary = "canary-docs-default-51b0-not-for-output";
    let p = Project::example().edit(
        "schema/env.schema.json",
        "\"JWT_SECRET\": {",
        &format!("\"JWT_SECRET\": {{ \"default\": \"{canary}\","),
    );
    let run = p.args(["docs"]).status(0).run();
    assert!(!run.stdout.contains(canary) && !run.stderr.contains(canary));
    for entry in walk(&p.path("")) {
        let text = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        assert!(
            entry.ends_with("env.schema.json") || !text.contains(canary),
            "{} holds the secret's default",
            entry.display()
        );
    }
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
