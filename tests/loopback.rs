//! No loopback anywhere in a deployed tier: the schema's deployed-tier rule covers every
//! string value (a variable new to the schema included), and `no-localhost` reads the host
//! of a URL of any scheme in every spelling of this machine.

use crate::common::Project;

#[test]
fn openrouter_base_url_on_0_0_0_0_is_a_finding_in_production() {
    let p = Project::example().append(
        "environments/production.yaml",
        "OPENROUTER_BASE_URL: https://0.0.0.0/api/v1\n",
    );
    p.args(["check", "production"])
        .status(1)
        .stdout_has("OPENROUTER_BASE_URL")
        .stdout_has("loopback")
        .run();
}

const LOCAL: &[&str] = &[
    "redis://127.0.0.1:6379",
    "postgres://u@127.0.0.1/db",
    "amqp://0.0.0.0",
    "mongodb://[::1]/x",
    "rediss://127.0.0.2",
    "http://localhost.:8080/",
    "https://api.localhost/",
    "http://127.1/",
    "http://0x7f.1/",
    "http://2130706433/",
    "http://[::ffff:127.0.0.1]/",
    "0",
    "::1",
    "::",
    "[::1]:6379",
    // Issue 19 c: spellings a hand-written host reader let through.
    "https:/localhost/",
    "https:localhost:8443",
    "https://0x000000000000007f000001/",
    "https://127.000000000000000000001/",
    "ｌｏｃａｌｈｏｓｔ",
    "https://local\thost/",
    "https://localhost%E3%80%82/",
    "redis://0x7f.1:6379",
];

/// Issue 19 c: each of these passed `check production` as `FRONTEND_URL`; Node's `URL`,
/// glibc's `inet_aton` and the `url` crate all read them as this machine.
const FRONTEND_BYPASSES: &[&str] = &[
    "https:/localhost/",
    "https:localhost:8443",
    "https://0x000000000000007f000001/",
    "https://127.000000000000000000001/",
    "https://ｌｏｃａｌｈｏｓｔ/",
    "https://local\thost/", // a real tab inside the YAML double-quoted string
    "https://localhost%E3%80%82/",
];

#[test]
fn issue_19_c_frontend_url_bypasses_are_findings_in_production() {
    for url in FRONTEND_BYPASSES {
        let p = Project::example().edit(
            "environments/production.yaml",
            "FRONTEND_URL: https://app.taskpilot.example.com\n",
            &format!("FRONTEND_URL: \"{url}\"\n"),
        );
        let run = p.args(["check", "production"]).run();
        assert_eq!(run.code, 1, "{url:?}: {}", run.transcript());
        assert!(
            run.stdout
                .contains("error[loopback]: `FRONTEND_URL` points at a loopback"),
            "{url:?} is not reported as loopback: {}",
            run.transcript()
        );
    }
}

/// The example with `SERVICE_URLS` (a list of strings) new in the schema, set in `env`.
fn with_new_variable(env: &str) -> Project {
    let items: String = LOCAL
        .iter()
        .map(|u| format!("  - {}\n", serde_json::to_string(u).expect("json")))
        .collect();
    Project::example()
        .edit(
            "schema/env.schema.json",
            "    \"GCP_REGION\": {",
            "    \"SERVICE_URLS\": { \"type\": \"array\", \"items\": { \"type\": \"string\" } },\n    \"GCP_REGION\": {",
        )
        .append(&format!("environments/{env}.yaml"), &format!("SERVICE_URLS:\n{items}"))
}

#[test]
fn every_spelling_in_a_variable_new_to_the_schema_is_a_finding() {
    let run = with_new_variable("production")
        .args(["check", "production"])
        .status(1)
        .run();
    for (i, url) in LOCAL.iter().enumerate() {
        assert!(
            run.stdout.contains(&format!("SERVICE_URLS[{i}]"))
                || run.stdout.contains(&format!("SERVICE_URLS/{i}")),
            "{url} (item {i}) is not reported: {}",
            run.transcript()
        );
    }
}

#[test]
fn a_local_tier_may_use_loopback() {
    with_new_variable("development")
        .args(["check", "development"])
        .status(0)
        .run();
}
