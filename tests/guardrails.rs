//! Guardrails built in, not copied (issue 20): a tier declared deployed in cfgc.toml holds
//! every variable to cfgc's built-in rules (no loopback host, https URLs) with no rule in
//! the schema; a rule is switched off per variable only with a reason.

use crate::common::Project;
use insta::assert_snapshot;

const SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "FRONTEND_URL": { "type": "string", "format": "url" },
    "API_URL": { "type": "string" },
    "HEALTHCHECK_URL": { "type": "string" },
    "SERVICES": { "type": "object" }
  }
}
"#;

/// A fresh project: a schema with no hand-written rule, one environment in a deployed tier.
fn fresh(tiers: &str, values: &str) -> Project {
    Project::empty()
        .file(
            "cfgc.toml",
            format!(
                "[project]\nname = \"fresh\"\nschema = \"schema.json\"\ntiers = [\"deployed\"]\n\n\
                 [environments.production]\ntier = \"deployed\"\nlayers = [\"production.yaml\"]\n\n{tiers}"
            ),
        )
        .file("schema.json", SCHEMA)
        .file("production.yaml", values)
}

const DEPLOYED: &str = "[tiers.deployed]\ndeployed = true\n";

#[test]
fn a_deployed_tier_refuses_localhost_and_plain_http_without_schema_rules() {
    let p = fresh(
        DEPLOYED,
        "FRONTEND_URL: http://localhost:5173\nAPI_URL: http://api.example.com\n",
    );
    let run = p.args(["check"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_tier_not_declared_deployed_allows_localhost() {
    let p = fresh("", "FRONTEND_URL: http://localhost:5173\n");
    p.args(["check"]).status(0).run();
}

#[test]
fn https_urls_on_real_hosts_pass() {
    let p = fresh(
        DEPLOYED,
        "FRONTEND_URL: https://app.example.com\nAPI_URL: https://api.example.com\n",
    );
    p.args(["check"]).status(0).run();
}

#[test]
fn values_inside_maps_and_lists_are_checked_with_their_path() {
    let p = fresh(
        DEPLOYED,
        "SERVICES:\n  api:\n    urls:\n      - https://api.example.com\n      - http://10.0.0.1/\n      - redis://127.0.0.1:6379\n",
    );
    p.args(["check"])
        .status(1)
        .stdout_has("error[plain-http]: `SERVICES.api.urls[1]`")
        .stdout_has("production.yaml:5:9")
        .stdout_has("error[loopback]: `SERVICES.api.urls[2]`")
        .stdout_has("2 findings")
        .run();
}

#[test]
fn a_switch_off_in_a_tier_not_deployed_is_an_error() {
    let p = fresh(
        "[tiers.deployed.allow]\nloopback = { names = [\"API_URL\"], reason = \"r\" }\n",
        "API_URL: https://api.example.com\n",
    );
    p.args(["check"]).status(2).stderr_has("not deployed").run();
}

#[test]
fn a_switch_off_with_a_reason_allows_one_name_and_not_another() {
    let p = fresh(
        &format!(
            "{DEPLOYED}\n[tiers.deployed.allow]\nplain-http = {{ names = [\"HEALTHCHECK_URL\"], reason = \"the load balancer probes over the private network\" }}\n"
        ),
        "HEALTHCHECK_URL: http://10.0.0.7/health\nAPI_URL: http://api.example.com\n",
    );
    p.args(["check"])
        .status(1)
        .stdout_has("error[plain-http]: `API_URL`")
        .stdout_lacks("`HEALTHCHECK_URL`")
        .run();
}

#[test]
fn a_switch_off_without_a_reason_is_an_error_with_its_place() {
    let p = fresh(
        &format!("{DEPLOYED}\n[tiers.deployed.allow]\nloopback = {{ names = [\"API_URL\"] }}\n"),
        "API_URL: http://127.0.0.1:3000\n",
    );
    let run = p.args(["check"]).status(2).run();
    assert!(
        run.stdout.contains("cfgc.toml:14:12") || run.stderr.contains("cfgc.toml:14:12"),
        "{}",
        run.transcript()
    );
    assert_snapshot!(run.transcript());
}

#[test]
fn a_switch_off_of_an_unknown_rule_is_an_error() {
    let p = fresh(
        &format!(
            "{DEPLOYED}\n[tiers.deployed.allow]\nlocalhost = {{ names = [\"API_URL\"], reason = \"r\" }}\n"
        ),
        "API_URL: https://api.example.com\n",
    );
    let run = p.args(["check"]).status(2).run();
    assert!(
        run.transcript().contains("loopback, plain-http"),
        "{}",
        run.transcript()
    );
}

#[test]
fn the_example_holds_production_to_the_built_in_rules() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "FRONTEND_URL: https://app.taskpilot.example.com",
        "FRONTEND_URL: http://localhost:5173",
    );
    p.args(["check", "production"])
        .status(1)
        .stdout_has("error[loopback]")
        .stdout_has("error[plain-http]")
        .run();
}

const CANARY: &str = "canary-guard-5e1f-never-print-me";

#[test]
fn a_decrypted_secret_gets_no_built_in_rule_finding_and_is_never_shown() {
    // A finding about a decrypted value names no rule (SECURITY.md, 9.): the built-in rules
    // run on plain values only, and the schema's own checks cover secrets.
    let (p, _key) = Project::with_secrets();
    p.set(
        "prod",
        "DATABASE_URL",
        &format!("http://app:{CANARY}@localhost:5432/app"),
    );
    let run = p.args(["check", "prod"]).status(0).run();
    assert!(!run.transcript().contains(CANARY), "{}", run.transcript());
    assert!(!run.stdout.contains("loopback"), "{}", run.transcript());
    assert!(!run.stdout.contains("plain-http"), "{}", run.transcript());
    assert!(
        run.stdout.contains("values checked in"),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_switch_off_naming_an_undeclared_variable_is_a_finding() {
    let p = fresh(
        &format!(
            "{DEPLOYED}\n[tiers.deployed.allow]\nplain-http = {{ names = [\"HEALTHCHECK_UR\"], reason = \"probed inside the VPC\" }}\n"
        ),
        "HEALTHCHECK_URL: http://10.0.0.7/health\n",
    );
    let run = p.args(["check"]).status(1).run();
    assert!(
        run.stdout
            .contains("names `HEALTHCHECK_UR`, which the schema does not declare")
            && run.stdout.contains("cfgc.toml:14:25")
            && run.stdout.contains("did you mean `HEALTHCHECK_URL`?"),
        "{}",
        run.transcript()
    );
    // The typo switched nothing off.
    assert!(
        run.stdout.contains("error[plain-http]: `HEALTHCHECK_URL`"),
        "{}",
        run.transcript()
    );
}

#[test]
fn explain_lists_the_built_in_rules_and_what_is_switched_off() {
    let p = fresh(
        &format!(
            "{DEPLOYED}\n[tiers.deployed.allow]\nplain-http = {{ names = [\"HEALTHCHECK_URL\"], reason = \"probed inside the VPC\" }}\n"
        ),
        "HEALTHCHECK_URL: http://10.0.0.7/health\n",
    );
    let run = p
        .args(["explain", "production", "HEALTHCHECK_URL"])
        .status(0)
        .run();
    assert!(
        run.stdout
            .contains("loopback: no loopback or unspecified host")
            && run.stdout.contains("plain-http: switched off in cfgc.toml"),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_credential_in_a_plain_url_stays_masked_in_the_rules_findings() {
    let canary = "Zq8vT3kP9mW2xR7yL4nB6cD1";
    let p = fresh(
        DEPLOYED,
        &format!("API_URL: http://app:{canary}@localhost/\n"),
    );
    for format in ["human", "json", "github"] {
        let run = p
            .args(["check", "--format", format])
            .status(1)
            .stdout_has("loopback")
            .run();
        assert!(!run.transcript().contains(canary), "{}", run.transcript());
    }
}
