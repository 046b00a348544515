//! `cfgc exec ENV -- CMD`: the child gets the values and the decrypted secrets in its
//! environment and its exit code is the run's; cfgc itself prints no value.

use crate::common::Project;

const JWT: &str = "dev-jwt-secret-0123456789abcdefghijkl";

#[test]
fn the_child_gets_values_and_secrets_and_its_exit_code_is_returned() {
    let (p, _key) = Project::with_secrets();
    let script = format!(
        "test \"$JWT_SECRET\" = '{JWT}' && echo secret-reached; echo \"port=$PORT\"; exit 7"
    );
    let run = p
        .args(["exec", "dev", "--", "sh", "-c", &script])
        .status(7)
        .stdout_has("secret-reached")
        .run();
    // The canary reached the child, and neither cfgc nor the child printed it.
    assert!(!run.stdout.contains(JWT) && !run.stderr.contains(JWT));
}

#[test]
fn lists_are_comma_joined() {
    let (p, _key) = Project::with_secrets();
    let run = p
        .args([
            "exec",
            "dev",
            "--",
            "sh",
            "-c",
            "echo \"$CORS_ALLOWED_ORIGINS\"",
        ])
        .status(0)
        .run();
    assert!(
        !run.stdout.trim().is_empty() && !run.stdout.contains('['),
        "{}",
        run.stdout
    );
}

#[test]
fn nothing_is_written_to_disk() {
    let (p, _key) = Project::with_secrets();
    p.args(["exec", "dev", "--", "true"])
        .status(0)
        .unchanged()
        .run();
}

#[test]
fn without_an_identity_the_command_is_not_run() {
    Project::fixture("minimal")
        .args(["exec", "dev", "--", "sh", "-c", "echo ran"])
        .status(2)
        .stdout_lacks("ran")
        .stderr_has("no identity")
        .run();
}

#[test]
fn findings_stop_the_command() {
    let (p, _key) = Project::with_secrets();
    let p = p.append("environments/dev.yaml", "PORT: \"80\"\n");
    p.args(["exec", "dev", "--", "sh", "-c", "echo ran"])
        .status(1)
        .stdout_lacks("ran")
        .stderr_has("the command was not run")
        .run();
}

#[test]
fn a_missing_command_exits_127() {
    let (p, _key) = Project::with_secrets();
    p.args(["exec", "dev", "--", "cfgc-no-such-command"])
        .status(127)
        .stderr_has("not found on PATH")
        .run();
}
