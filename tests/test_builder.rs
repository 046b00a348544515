//! The test builder fails a test whenever an expectation is unmet: a builder that could
//! not fail would let every test that uses it pass whatever cfgc does.

use std::time::Duration;

use crate::common::{Project, SECRET};

#[test]
#[should_panic(expected = "exit code 0, expected 1")]
fn a_wrong_exit_code_fails() {
    Project::fixture("minimal")
        .args(["--version"])
        .status(1)
        .run();
}

#[test]
#[should_panic(expected = "stdout does not contain `no such text`")]
fn a_missing_part_of_stdout_fails() {
    Project::fixture("minimal")
        .args(["--version"])
        .stdout_has("no such text")
        .run();
}

#[test]
#[should_panic(expected = "stdout contains `cfgc`")]
fn a_forbidden_part_of_stdout_fails() {
    Project::fixture("minimal")
        .args(["--version"])
        .stdout_lacks("cfgc")
        .run();
}

#[test]
#[should_panic(expected = "stderr is not exactly:\nsomething")]
fn stderr_other_than_the_exact_text_fails() {
    Project::fixture("minimal")
        .args(["--version"])
        .stderr("something")
        .run();
}

#[test]
#[should_panic(expected = "stderr does not contain `error[`")]
fn a_missing_part_of_stderr_fails() {
    Project::fixture("minimal")
        .args(["check"])
        .stderr_has("error[")
        .run();
}

#[test]
#[should_panic(expected = "files changed: left behind [\".gitignore\"")]
fn a_file_written_fails_unchanged() {
    let p = Project::empty();
    p.args(["init"]).unchanged().run();
}

#[test]
#[should_panic(expected = "the canary `CANARY-SECRET-jwt-0123456789abcdef0123` reached stdout")]
fn a_canary_printed_fails() {
    let p = Project::hostile();
    p.args(["secrets", "get", "dev", "JWT_SECRET"])
        .no_canary()
        .run();
}

#[test]
#[should_panic(expected = "reached the file project/out/dev/.env")]
fn a_canary_written_to_a_file_fails() {
    let p = Project::hostile();
    p.args(["apply", "--yes"]).status(0).no_canary().run();
}

#[test]
#[should_panic(expected = "hung for 100ms and was stopped")]
fn a_run_past_its_timeout_is_stopped_and_fails() {
    let p = Project::empty().through("sh", &["-c", "exec sleep 30", "{cfgc}"]);
    p.args(["check"]).timeout(Duration::from_millis(100)).run();
}

/// What the hostile corpus relies on: every expectation met, the run passes.
#[test]
fn expectations_that_hold_pass() {
    let p = Project::hostile();
    p.args(["secrets", "get", "dev", "JWT_SECRET"])
        .status(0)
        .stdout(format!("{SECRET}\n"))
        .stderr("")
        .stdout_lacks("error")
        .unchanged()
        .status(0)
        .run();
}
