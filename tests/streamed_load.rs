//! The load is streamed: a file only one environment uses is read in that environment's
//! task and dropped after it. What a run reports must not change: every file's errors in
//! one run, and findings in such a file shown with its source line, secrets redacted.

use crate::common::Project;

#[test]
fn syntax_errors_in_shared_and_own_files_are_all_reported_together() {
    let p = Project::fixture("minimal")
        .file("environments/base.yaml", "LOG_LEVEL: [info\n")
        .file("environments/dev.yaml", "NODE_ENV: {development\n")
        .file("environments/prod.yaml", "PORT: 1\nPORT: 2\n");
    for command in ["check", "plan"] {
        let run = p.args([command]).status(2).run();
        for file in ["base.yaml", "dev.yaml", "prod.yaml"] {
            assert!(
                run.stderr.contains(&format!("environments/{file}:")),
                "`{command}` did not report {file}:\n{}",
                run.transcript()
            );
        }
    }
}

#[test]
fn own_syntax_errors_of_two_environments_are_both_reported() {
    let p = Project::fixture("minimal")
        .file("environments/dev.yaml", "NODE_ENV: {development\n")
        .file("environments/prod.yaml", "PORT: [1\n");
    p.args(["check"])
        .status(2)
        .stderr_has("environments/dev.yaml:")
        .stderr_has("environments/prod.yaml:")
        .run();
}

#[test]
fn a_finding_in_an_own_file_shows_its_line_and_redacts_the_credential() {
    let password = "hunter2-streamed-load";
    let p = Project::fixture("minimal").append(
        "environments/dev.yaml",
        &format!("SENTRY_DSN: https://user:{password}@sentry.example.com/1\n"),
    );
    for command in ["check", "plan"] {
        let run = p.args([command]).status(1).run();
        let all = run.transcript();
        assert!(all.contains("plaintext-credential"), "{all}");
        // The source line is shown (so the file's text was kept for the report)...
        assert!(all.contains("environments/dev.yaml:5:13"), "{all}");
        assert!(all.contains("SENTRY_DSN"), "{all}");
        // ...but never the credential in it.
        assert!(!all.contains(password), "{all}");
    }
}
