//! Plain YAML scalars as the YAML 1.2 core schema reads them (issue 19 h), through the
//! binary: `0x+14` is a string, not 20, and a float (`8.08e3`) is no integer, even with no
//! fraction, where the schema asks for one.

use crate::common::Project;

/// The example with `BUILD_TAG` (a string) new in the schema.
fn with_build_tag(value: &str) -> Project {
    Project::example()
        .edit(
            "schema/env.schema.json",
            "    \"GCP_REGION\": {",
            "    \"BUILD_TAG\": { \"type\": \"string\" },\n    \"GCP_REGION\": {",
        )
        .append(
            "environments/development.yaml",
            &format!("BUILD_TAG: {value}\n"),
        )
}

#[test]
fn signed_hex_0x_plus_14_is_a_string_not_20() {
    for text in ["0x+14", "0x-1", "0o+7"] {
        let run = with_build_tag(text).args(["check", "development"]).run();
        assert_eq!(run.code, 0, "{text} is a string: {}", run.transcript());
        let p =
            Project::example().append("environments/development.yaml", &format!("PORT: {text}\n"));
        let run = p.args(["check", "development"]).run();
        assert_eq!(
            run.code,
            1,
            "{text} is no port number: {}",
            run.transcript()
        );
        assert!(
            run.stdout.contains("`PORT` must be of type integer"),
            "{}",
            run.transcript()
        );
    }
}

#[test]
fn a_float_port_8_08e3_is_a_finding_where_the_schema_says_integer() {
    for text in ["8.08e3", "8080.0", "8080.", "80.8E2"] {
        let p =
            Project::example().append("environments/development.yaml", &format!("PORT: {text}\n"));
        let run = p.args(["check", "development"]).run();
        assert_eq!(run.code, 1, "{text}: {}", run.transcript());
        assert!(
            run.stdout
                .contains("`PORT` must be of type integer, and is written as a float"),
            "{text}: {}",
            run.transcript()
        );
    }
    // An integer in any core-schema form is still one.
    for text in ["8080", "0x1F90", "0o17620", "+8080"] {
        let p =
            Project::example().append("environments/development.yaml", &format!("PORT: {text}\n"));
        let run = p.args(["check", "development"]).run();
        assert_eq!(run.code, 0, "{text}: {}", run.transcript());
    }
}

#[test]
fn a_float_where_the_schema_allows_a_number_stays_accepted() {
    let p = Project::example()
        .edit(
            "schema/env.schema.json",
            "    \"GCP_REGION\": {",
            "    \"RATIO\": { \"type\": \"number\" },\n    \"GCP_REGION\": {",
        )
        .append("environments/development.yaml", "RATIO: 8.08e3\n");
    p.args(["check", "development"]).status(0).run();
}
