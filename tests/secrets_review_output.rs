//! Review output cannot be forged or hung (issue 19 f and h): a secrets file whose names
//! or environment hold a newline or a control byte is refused at parse by every review
//! command, with its line, and nothing from it reaches the terminal raw; `secrets
//! textconv` refuses a FIFO at once instead of waiting for a writer.

use std::time::Duration;

use crate::common::git::{PROD, commit, git_run, keyless, repo};
use crate::common::{Project, Run};

/// What a forged line would say, had it reached the output.
const FORGED: &str = "data key replacement: confirmed (signed by the previous key)";

/// A secret name that would print a line of its own, and clear the screen.
fn forged_name(p: &Project) -> String {
    let line = p.line(PROD, "JWT_SECRET: ");
    let name = format!("\"X\\n{FORGED}\\e[2J\"");
    p.read(PROD).replacen(
        "cfgc:\n",
        &format!("{}\ncfgc:\n", line.replacen("JWT_SECRET", &name, 1)),
        1,
    )
}

/// An environment that would print a line of its own.
fn forged_environment(p: &Project) -> String {
    p.read(PROD).replacen(
        "  environment: prod\n",
        &format!("  environment: \"prod\\n{FORGED}\\e[2J\"\n"),
        1,
    )
}

/// No line of `run` starts with the forged text, and no control byte but newline and
/// tab is in it.
fn not_forged(run: &Run) {
    for line in run.stdout.lines().chain(run.stderr.lines()) {
        assert!(
            !line.trim_start().starts_with("data key replace"),
            "a forged line: {}",
            run.transcript()
        );
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "a raw control byte: {line:?}"
        );
    }
}

/// Refused at parse: exit 2, the bad part named with its place.
fn refused(run: &Run, place: &str) {
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stdout.contains(place) || run.stderr.contains(place),
        "{}",
        run.transcript()
    );
    not_forged(run);
}

#[test]
fn forged_names_and_environments_are_refused_by_every_review_command() {
    for (forge, what) in [
        (
            forged_name as fn(&Project) -> String,
            "is not a valid secret name",
        ),
        (forged_environment, "is not an environment name"),
    ] {
        let p = repo();
        let honest = p.read(PROD);
        let forged = forge(&p);
        std::fs::write(p.path(PROD), &forged).expect("write");
        std::fs::write(p.path("theirs.yaml"), &forged).expect("write");
        let textconv = keyless(&p, &["secrets", "textconv", PROD]).run();
        refused(&textconv, what);
        assert!(
            textconv.stderr.contains("prod.secrets.yaml:"),
            "{}",
            textconv.transcript()
        );
        for args in [
            &["secrets", "diff", "HEAD"][..],
            &["check", "prod", "--base", "HEAD"],
            &["secrets", "list", "prod"],
        ] {
            refused(&keyless(&p, args).run(), what);
        }
        // The merge driver, with THEIRS forged: OURS stays as it was.
        std::fs::write(p.path(PROD), &honest).expect("write");
        std::fs::write(p.path("base.yaml"), &honest).expect("write");
        let merge = p
            .args(["secrets", "merge", "base.yaml", PROD, "theirs.yaml", PROD])
            .run();
        refused(&merge, what);
        assert_eq!(p.read(PROD), honest);
        // A forged file in history, read by `check --base` and through git's diff driver.
        std::fs::remove_file(p.path("theirs.yaml")).expect("rm");
        std::fs::remove_file(p.path("base.yaml")).expect("rm");
        p.args(["git-setup"]).status(0).run();
        std::fs::write(p.path(PROD), &forged).expect("write");
        commit(&p, "forged");
        std::fs::write(p.path(PROD), &honest).expect("write");
        refused(
            &keyless(&p, &["check", "prod", "--base", "HEAD"]).run(),
            what,
        );
        not_forged(&git_run(&p, &["diff", "--", PROD], false));
        not_forged(&git_run(&p, &["log", "-p", "-1", "--", PROD], false));
    }
}

#[test]
fn secrets_textconv_on_a_fifo_is_refused_at_once() {
    let p = repo().fifo("pipe.secrets.yaml");
    // A read that blocks on the FIFO is stopped at the timeout, failing the test.
    p.args(["secrets", "textconv", "pipe.secrets.yaml"])
        .timeout(Duration::from_secs(20))
        .status(2)
        .stderr_has(
            "cannot read `pipe.secrets.yaml`: it is a FIFO (named pipe), not a regular file",
        )
        .unchanged()
        .run();
}

#[test]
fn secrets_set_refuses_a_schema_name_a_secrets_file_cannot_hold() {
    let p = repo();
    let schema = "schema/env.schema.json";
    let text = p.read(schema).replacen(
        "\"JWT_SECRET\": {",
        "\"db.password\": { \"type\": \"string\", \"x-secret\": true },\n    \"JWT_SECRET\": {",
        1,
    );
    std::fs::write(p.path(schema), text).expect("write");
    let before = p.read(PROD);
    p.args(["secrets", "set", "prod", "db.password"])
        .stdin("x")
        .status(1)
        .stderr_has("`db.password` cannot be a secret's name: a secret's name is a variable name")
        .run();
    assert_eq!(p.read(PROD), before, "nothing written");
}
