//! `cfgc explain ENV NAME`: one variable on the bundled example, pinned as the user sees
//! it, and its error paths. A secret's value never appears.

use crate::common::Project;
use insta::assert_snapshot;

#[test]
fn a_plain_value_with_what_it_overrode() {
    let run = Project::example().run(&["explain", "development", "LOG_LEVEL"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_snapshot!(run.transcript());
}

#[test]
fn a_rule_of_the_environment_applies() {
    let run = Project::example().run(&["explain", "production", "GCP_REGION"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_snapshot!(run.transcript());
}

#[test]
fn a_secret_says_where_it_is_set_never_its_value() {
    // The example's demo key opens development's secrets: the value is at hand, and must
    // still not be shown.
    let p = Project::example();
    let run = p.run(&["explain", "development", "JWT_SECRET"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let value = p.get("development", "JWT_SECRET");
    assert!(!run.stdout.contains(&value) && !run.stderr.contains(&value));
    assert_snapshot!(run.transcript());
}

#[test]
fn an_optional_variable_not_set() {
    let run = Project::example().run(&["explain", "development", "SENTRY_DSN"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_snapshot!(run.transcript());
}

#[test]
fn json_format() {
    let run = Project::example().run(&["explain", "production", "PORT", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    assert_eq!(doc["value"], 8080);
    assert_eq!(doc["set_in"]["file"], "environments/base.yaml");
    assert_eq!(doc["type"], "integer");
    assert!(doc["uses"].as_array().is_some_and(|u| !u.is_empty()));
}

#[test]
fn unknown_variable_suggests_the_closest() {
    let run = Project::example().run(&["explain", "production", "PROT"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_snapshot!(run.transcript());
}

#[test]
fn unknown_environment_suggests_the_closest() {
    let run = Project::example().run(&["explain", "prod", "PORT"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_snapshot!(run.transcript());
}
