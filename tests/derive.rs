//! Derived values (`{ derive: "…${NAME}…" }`) on the bundled example, pinned as the user
//! sees them: the value and its provenance, and each way one can be refused.

use crate::common::Project;
use insta::assert_snapshot;

const UPSTREAM: &str = "APP_UPSTREAM: { derive: \"https://${CLOUD_RUN_SERVICE}-${GCP_PROJECT_NUMBER}.${GCP_REGION}.run.app\" }";

#[test]
fn explain_shows_the_value_its_expression_and_each_input() {
    let run = Project::example()
        .args(["explain", "production", "APP_UPSTREAM"])
        .status(0)
        .stdout_has("\"https://taskpilot-728214876651.europe-west1.run.app\"")
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn explain_json_lists_the_inputs() {
    let run = Project::example()
        .args(["explain", "staging", "APP_UPSTREAM", "--format", "json"])
        .status(0)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        doc["value"],
        "https://taskpilot-staging-391847205613.europe-west1.run.app"
    );
    let inputs: Vec<&str> = doc["derived"]["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        inputs,
        ["CLOUD_RUN_SERVICE", "GCP_PROJECT_NUMBER", "GCP_REGION"]
    );
    assert_eq!(
        doc["derived"]["inputs"][1]["set_in"]["file"],
        "environments/staging.yaml"
    );
}

#[test]
fn a_derived_value_is_checked_by_the_schema_like_any_other() {
    // Production requires https and no localhost in APP_UPSTREAM.
    let p = Project::example().edit(
        "environments/base.yaml",
        "https://${CLOUD_RUN_SERVICE}",
        "http://localhost/${CLOUD_RUN_SERVICE}",
    );
    p.args(["check", "production"])
        .status(1)
        .stdout_has("APP_UPSTREAM")
        .stdout_has("environments/base.yaml")
        .run();
}

#[test]
fn a_cycle_is_an_error_at_its_location() {
    let p = Project::example().edit(
        "environments/base.yaml",
        "CLOUD_RUN_SERVICE: taskpilot\n",
        "CLOUD_RUN_SERVICE: { derive: \"x-${APP_UPSTREAM}\" }\n",
    );
    let run = p.args(["check", "production"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn an_unknown_reference_is_an_error_with_a_suggestion() {
    let p = Project::example().edit("environments/base.yaml", "${GCP_REGION}", "${GCP_REGOIN}");
    let run = p.args(["check", "production"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_secret_reference_is_refused_and_never_shown() {
    let p = Project::example().edit(
        "environments/base.yaml",
        "${GCP_PROJECT_NUMBER}",
        "${JWT_SECRET}",
    );
    let secret = p.get("development", "JWT_SECRET");
    // Development overrides APP_UPSTREAM; give it the derived value back.
    let p = p.edit(
        "environments/development.yaml",
        "APP_UPSTREAM: http://127.0.0.1:3000\n",
        "",
    );
    let run = p.args(["plan", "development"]).status(1).run();
    assert!(!run.stdout.contains(&secret) && !run.stderr.contains(&secret));
    assert!(!p.read("deploy/development/nginx.conf").contains(&secret));
    assert_snapshot!(run.transcript());
}

#[test]
fn a_dollar_outside_a_reference_is_refused() {
    let p = Project::example().edit(
        "environments/base.yaml",
        "${GCP_REGION}.run.app",
        "$GCP_REGION.run.app",
    );
    let run = p.args(["check", "production"]).status(1).run();
    assert!(
        run.stdout.contains("derive-syntax") || run.stdout.contains("starts no reference"),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_plain_value_with_a_dollar_stays_as_written() {
    // Only `{ derive: … }` is an expression: `${…}` in a plain value is text.
    let p = Project::example().edit(
        "environments/base.yaml",
        UPSTREAM,
        "APP_UPSTREAM: https://x.example/${GCP_REGION}",
    );
    let run = p
        .args(["explain", "production", "APP_UPSTREAM", "--format", "json"])
        .status(0)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["value"], "https://x.example/${GCP_REGION}");
    assert!(doc["derived"].is_null());
}

#[test]
fn toml_layers_derive_the_same_way() {
    let p = Project::example()
        .edit("environments/base.yaml", &format!("{UPSTREAM}\n"), "")
        .file("environments/derived.toml", "APP_UPSTREAM = { derive = \"https://${CLOUD_RUN_SERVICE}-${GCP_PROJECT_NUMBER}.${GCP_REGION}.run.app\" }\n")
        .edit("cfgc.toml", "\"environments/base.yaml\", \"environments/production.yaml\"", "\"environments/base.yaml\", \"environments/derived.toml\", \"environments/production.yaml\"");
    let run = p
        .args(["explain", "production", "APP_UPSTREAM", "--format", "json"])
        .status(0)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        doc["value"],
        "https://taskpilot-728214876651.europe-west1.run.app"
    );
}

/// A scratch project whose one environment has the variables V0..V{n} with `layer`.
fn chain(n: usize, layer: &str) -> Project {
    let props: Vec<String> = (0..=n)
        .map(|i| format!("\"V{i}\": {{\"type\": \"string\"}}"))
        .collect();
    Project::example()
        .file(
            "cfgc.toml",
            "[project]\nname = \"chain\"\nschema = \"schema.json\"\n\n[environments.prod]\ntier = \"deployed\"\nlayers = [\"values.yaml\"]\n",
        )
        .file(
            "schema.json",
            format!("{{\"type\": \"object\", \"properties\": {{{}}}}}", props.join(", ")),
        )
        .file("values.yaml", layer)
}

#[test]
fn a_chain_deeper_than_the_bound_is_a_finding() {
    let n = 20;
    let mut layer: String = (0..n)
        .map(|i| format!("V{i}: {{ derive: \"${{V{}}}\" }}\n", i + 1))
        .collect();
    layer.push_str(&format!("V{n}: x\n"));
    chain(n, &layer)
        .args(["check"])
        .status(1)
        .stdout_has("derive-depth")
        .run();
}

#[test]
fn a_value_that_doubles_at_every_step_stops_at_the_bound() {
    // 100 bytes doubled 12 times would be 400 kB: refused at 8192.
    let n = 12;
    let mut layer: String = (0..n)
        .map(|i| format!("V{i}: {{ derive: \"${{V{0}}}${{V{0}}}\" }}\n", i + 1))
        .collect();
    layer.push_str(&format!("V{n}: {}\n", "x".repeat(100)));
    chain(n, &layer)
        .args(["check"])
        .status(1)
        .stdout_has("derive-too-long")
        .run();
}

#[test]
fn a_whole_list_is_copied_by_a_single_reference_but_not_interpolated() {
    let p = Project::example().append(
        "environments/production.yaml",
        "FRONTEND_URL: { derive: \"${CORS_ALLOWED_ORIGINS}/x\" }\n",
    );
    let p = p.edit(
        "environments/production.yaml",
        "FRONTEND_URL: https://app.taskpilot.example.com\n",
        "",
    );
    p.args(["check", "production"])
        .status(1)
        .stdout_has("derive-type")
        .run();
}

#[test]
fn explain_says_when_a_derived_value_does_not_resolve() {
    let p = Project::example().edit("environments/base.yaml", "${GCP_REGION}", "${GCP_REGOIN}");
    p.args(["explain", "production", "APP_UPSTREAM"])
        .status(0)
        .stdout_has("could not be resolved in `production`: `cfgc check production` says why")
        .run();
}

/// A layer where `D{i}` derives from `D{i-1}` for i in 1..=n and `D00` is plain: the names
/// sort bottom-up, so each value is resolved after the one it builds on.
fn bottom_up(n: usize) -> Project {
    let mut layer = String::from("D00: x\n");
    for i in 1..=n {
        layer.push_str(&format!("D{i:02}: {{ derive: \"${{D{:02}}}\" }}\n", i - 1));
    }
    let props: Vec<String> = (0..=n)
        .map(|i| format!("\"D{i:02}\": {{\"type\": \"string\"}}"))
        .collect();
    chain(0, &layer).file(
        "schema.json",
        format!(
            "{{\"type\": \"object\", \"properties\": {{{}}}}}",
            props.join(", ")
        ),
    )
}

#[test]
fn derive_chain_of_24_sorted_bottom_up_was_accepted() {
    bottom_up(24)
        .args(["check"])
        .status(1)
        .stdout_has("derive-depth")
        .stdout_has("more than 16 deep at `D17`")
        .run();
}

#[test]
fn derive_chain_of_16_sorted_bottom_up_is_accepted_and_17_is_not() {
    bottom_up(16).args(["check"]).status(0).run();
    bottom_up(17)
        .args(["check"])
        .status(1)
        .stdout_has("more than 16 deep at `D17`")
        .run();
}

/// One environment with a derived value that cannot resolve and a plain value the schema
/// refuses.
fn broken_derive_and_a_bad_port() -> Project {
    chain(1, "V0: { derive: \"${MISSING}\" }\nV1: x\nPORT: 99999\n").file(
        "schema.json",
        r#"{"type": "object", "properties": {"V0": {"type": "string"}, "V1": {"type": "string"}, "PORT": {"type": "integer", "maximum": 65535}}}"#,
    )
}

#[test]
fn a_failing_derived_value_hid_the_environments_other_findings() {
    for command in ["check", "plan"] {
        let run = broken_derive_and_a_bad_port().args([command]).run();
        assert_eq!(run.code, 1, "{command}\n{}", run.transcript());
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            all.contains("derive-unknown"),
            "{command}\n{}",
            run.transcript()
        );
        assert!(all.contains("PORT"), "{command}\n{}", run.transcript());
        assert!(all.contains("65535"), "{command}\n{}", run.transcript());
        // The unresolved value is not also called the wrong type.
        assert!(
            !all.contains("is not of type"),
            "{command}\n{}",
            run.transcript()
        );
    }
}

#[test]
fn a_failing_derived_value_hid_the_check_base_findings() {
    use crate::common::git::{CANARY, PROD, commit, keyless, repo};
    let p = repo();
    let old = p.read(PROD);
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-0123456789abcdefghijklmnop"),
    );
    commit(&p, "new JWT secret");
    // The older secrets file put back, and a derived value that cannot resolve.
    let p = p.file(PROD, &old).append(
        "environments/prod.yaml",
        "LOG_LEVEL: { derive: \"${MISSING}\" }\n",
    );
    let run = keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(1)
        .run();
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("derive-unknown"), "{}", run.transcript());
    assert!(all.contains("secrets-rolled-back"), "{}", run.transcript());
    assert!(!all.contains(CANARY), "{}", run.transcript());
}
