//! A value never comes from, nor is echoed from, an argument: `secrets set ENV NAME=value`
//! and `secrets set ENV NAME value` are refused with exit 2, and the value appears nowhere.

use crate::common::Project;

const CANARY: &str = "canary-c4n4ry-postgres://x:y@h/db";

fn assert_refused(p: &Project, args: &[&str]) {
    let run = p.args(args).stdin("from-stdin-value\n").status(2).run();
    for secret in ["c4n4ry", "x:y@h", "from-stdin-value"] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{args:?} echoed the value: {}",
            run.transcript()
        );
    }
    assert!(
        run.stderr
            .contains("values are read from stdin or the prompt"),
        "{}",
        run.transcript()
    );
}

#[test]
fn secrets_set_name_equals_value_echoed_the_value() {
    let (p, _key) = Project::with_secrets();
    let before = p.read("environments/dev.secrets.yaml");
    let arg = format!("DATABASE_URL={CANARY}");
    assert_refused(&p, &["secrets", "set", "dev", &arg]);
    p.args(["secrets", "set", "dev", &arg])
        .stderr_has("`DATABASE_URL=…`")
        .run();
    assert_eq!(p.read("environments/dev.secrets.yaml"), before);
}

#[test]
fn secrets_set_value_as_an_extra_argument_was_echoed_by_clap() {
    let (p, _key) = Project::with_secrets();
    let before = p.read("environments/dev.secrets.yaml");
    assert_refused(&p, &["secrets", "set", "dev", "DATABASE_URL", CANARY]);
    let dashed = format!("--{CANARY}");
    assert_refused(&p, &["secrets", "set", "dev", "DATABASE_URL", &dashed]);
    assert_refused(&p, &["secrets", "set", "dev", "DATABASE_URL", "a", CANARY]);
    assert_eq!(p.read("environments/dev.secrets.yaml"), before);
}

#[test]
fn every_secrets_command_taking_a_name_refuses_a_value_without_echoing_it() {
    let (p, _key) = Project::with_secrets();
    let arg = format!("JWT_SECRET={CANARY}");
    for command in ["get", "rm"] {
        assert_refused(&p, &["secrets", command, "dev", &arg]);
        assert_refused(&p, &["secrets", command, "dev", "JWT_SECRET", CANARY]);
    }
    assert!(p.get("dev", "JWT_SECRET").starts_with("dev-jwt-secret"));
}

#[test]
fn explain_echoed_a_value_given_after_the_name() {
    let (p, _key) = Project::with_secrets();
    let arg = format!("JWT_SECRET={CANARY}");
    assert_refused(&p, &["explain", "dev", &arg]);
    assert_refused(&p, &["explain", "dev", "JWT_SECRET", CANARY]);
    p.args(["explain", "dev", "JWT_SECRET", "--format", "json"])
        .status(0)
        .run();
}

#[test]
fn options_after_the_name_still_work() {
    let (p, _key) = Project::with_secrets();
    let key = p.path("keys/test.key").to_string_lossy().into_owned();
    p.args(["secrets", "set", "dev", "JWT_SECRET", "-i", &key])
        .stdin("another-jwt-secret-0123456789abcdefghij\n")
        .status(0)
        .run();
}
