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
    let run = p.run_args(&["exec", "dev", "--", "sh", "-c", &script]);
    assert_eq!(run.code, 7, "{}", run.transcript());
    assert!(
        run.stdout.contains("secret-reached"),
        "{}",
        run.transcript()
    );
    // The canary reached the child, and neither cfgc nor the child printed it.
    assert!(!run.stdout.contains(JWT) && !run.stderr.contains(JWT));
}

#[test]
fn lists_are_comma_joined() {
    let (p, _key) = Project::with_secrets();
    let run = p.run_args(&[
        "exec",
        "dev",
        "--",
        "sh",
        "-c",
        "echo \"$CORS_ALLOWED_ORIGINS\"",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        !run.stdout.trim().is_empty() && !run.stdout.contains('['),
        "{}",
        run.stdout
    );
}

#[test]
fn nothing_is_written_to_disk() {
    let (p, _key) = Project::with_secrets();
    let before = crate::common::snapshot_files(&p);
    let run = p.run_args(&["exec", "dev", "--", "true"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(before, crate::common::snapshot_files(&p));
}

#[test]
fn without_an_identity_the_command_is_not_run() {
    let run = Project::fixture("minimal").run_args(&["exec", "dev", "--", "sh", "-c", "echo ran"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(!run.stdout.contains("ran"));
    assert!(run.stderr.contains("no identity"), "{}", run.stderr);
}

#[test]
fn findings_stop_the_command() {
    let (p, _key) = Project::with_secrets();
    let p = p.append("environments/dev.yaml", "PORT: \"80\"\n");
    let run = p.run_args(&["exec", "dev", "--", "sh", "-c", "echo ran"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(!run.stdout.contains("ran"));
    assert!(
        run.stderr.contains("the command was not run"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_command_exits_127() {
    let (p, _key) = Project::with_secrets();
    let run = p.run_args(&["exec", "dev", "--", "cfgc-no-such-command"]);
    assert_eq!(run.code, 127, "{}", run.transcript());
    assert!(run.stderr.contains("not found on PATH"), "{}", run.stderr);
}
