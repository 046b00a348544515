//! `cfgc check --app DIR` on what it must refuse or bound, each with a clear message and
//! exit 2 (the run could not read the app, so it reports nothing from it): a symlink out
//! of the project, a huge file, a deeply nested template literal, a literal that does not
//! end, a folder that is not there or not inside the project.

use std::time::{Duration, Instant};

use crate::common::Project;
use insta::assert_snapshot;

/// Every declared variable of the `minimal` fixture read, so only what a test adds shows.
const CONFIG: &str = "process.env.NODE_ENV; process.env.FRONTEND_URL; process.env.PORT;
process.env.LOG_LEVEL; process.env.SENTRY_DSN; process.env.CORS_ALLOWED_ORIGINS;
process.env.DATABASE_URL; process.env.JWT_SECRET;\n";

fn app() -> Project {
    Project::fixture("minimal").file("app/config.ts", CONFIG)
}

#[test]
fn a_symlinked_source_file_leading_out_of_the_project_is_refused() {
    let p = Project::hostile();
    let p = p.symlink_out("app/leak.ts", "canary.yaml");
    p.args(["check", "--app", "app"])
        .status(2)
        .stderr_has("cannot read `app/leak.ts`: a symlink on the way leads outside the project")
        .no_canary()
        .run();
}

#[test]
fn an_app_folder_that_is_a_symlink_out_of_the_project_is_refused() {
    let p = Project::hostile();
    let outside = p.outside("");
    let p = p.symlink("app", outside);
    p.args(["check", "--app", "app"])
        .status(2)
        .stderr_has("a symlink on the way leads outside the project")
        .no_canary()
        .run();
}

#[test]
fn a_symlinked_folder_is_not_entered() {
    app()
        .file("elsewhere/more.ts", "process.env.NOT_DECLARED;\n")
        .symlink("app/linked", "../elsewhere")
        .args(["check", "--app", "app"])
        .status(0)
        .run();
}

#[test]
fn a_huge_source_file_is_an_error_not_half_read() {
    let huge = format!(
        "{}process.env.AT_THE_END;\n",
        "// padding\n".repeat(100_000)
    );
    let run = app()
        .file("app/bundle.js", huge)
        .args(["check", "--app", "app"])
        .status(2)
        .stderr_lacks("AT_THE_END")
        .run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_deeply_nested_template_literal_is_bounded() {
    let deep = format!(
        "const x = {}1{};\n",
        "`${".repeat(10_000),
        "}`".repeat(10_000)
    );
    let started = Instant::now();
    let run = app()
        .file("app/deep.ts", deep)
        .args(["check", "--app", "app"])
        .status(2)
        .run();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_snapshot!(run.transcript());
}

#[test]
fn a_string_that_does_not_end_is_an_error_at_its_start() {
    let run = app()
        .file(
            "app/open.py",
            "import os\nx = os.environ['A']\ny = \"\"\"never closed\n",
        )
        .file("app/open.rs", "fn main() { let s = r#\"never closed\"; }\n")
        .args(["check", "--app", "app", "--format", "json"])
        .status(2)
        .run();
    assert_snapshot!(run.stdout);
}

#[test]
fn an_app_folder_outside_the_project_or_missing_is_a_usage_error() {
    let p = app();
    p.args(["check", "--app", "../elsewhere"])
        .status(2)
        .stderr_has(
            "error[app-dir]: cannot read the app at `../elsewhere`: the path has a `..` component",
        )
        .run();
    p.args(["check", "--app", "/etc"])
        .status(2)
        .stderr_has("the path is absolute")
        .run();
    p.args(["check", "--app", "nowhere"])
        .status(2)
        .stderr_has(
            "error[app-dir]: cannot read the app at `nowhere`: no such folder in the project",
        )
        .run();
}
