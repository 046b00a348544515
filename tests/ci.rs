//! What CI reads: fatal errors in machine formats, `plan --format github|markdown`, keyless
//! renders of secret-bearing templates, and releases that must not ship without secrets.

use crate::common::Project;

#[test]
fn a_yaml_syntax_error_reaches_check_json_and_github() {
    let p = Project::fixture("minimal").append("environments/dev.yaml", "PORT: [1\n");
    let json = p.run_args(&["check", "--format", "json"]);
    assert_eq!(json.code, 2, "{}", json.transcript());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON document");
    let first = &doc["findings"][0];
    assert_eq!(first["kind"], "error", "{doc}");
    assert_eq!(first["file"], "environments/dev.yaml", "{doc}");
    assert!(first["line"].as_u64().is_some(), "{doc}");
    let github = p.run_args(&["check", "--format", "github"]);
    assert_eq!(github.code, 2);
    assert!(
        github
            .stdout
            .starts_with("::error file=environments/dev.yaml,line="),
        "{}",
        github.transcript()
    );
}

#[test]
fn a_duplicate_key_reaches_plan_json_github_and_markdown() {
    let p = crate::common::git::committed(Project::example().append(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 5\n",
    ));
    let json = p.run_args(&["plan", "--format", "json"]);
    assert_eq!(json.code, 2, "{}", json.transcript());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON document");
    assert_eq!(doc["findings"][0]["file"], "environments/production.yaml");
    assert_eq!(doc["files"], serde_json::json!([]));
    let github = p.run_args(&["plan", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("::error file=environments/production.yaml")
    );
    let markdown = p.run_args(&["plan", "--format", "markdown"]);
    assert!(
        markdown.stdout.contains("### Findings"),
        "{}",
        markdown.stdout
    );
    assert!(markdown.stdout.contains("`environments/production.yaml:"));
}

#[test]
fn plan_github_and_markdown_show_what_would_change() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    );
    let github = p.run_args(&[
        "plan",
        "production",
        "--no-decrypt",
        "--format",
        "github",
        "--exit-code",
    ]);
    assert_eq!(github.code, 3, "{}", github.transcript());
    assert!(
        github.stdout.contains(
            "::notice file=deploy/production/cloudbuild.yaml,title=cfgc plan::`deploy/production/cloudbuild.yaml` is stale"
        ),
        "{}",
        github.stdout
    );
    let markdown = p.run_args(&["plan", "production", "--no-decrypt", "--format", "markdown"]);
    assert_eq!(markdown.code, 0);
    let text = &markdown.stdout;
    assert!(text.starts_with("## cfgc plan\n"), "{text}");
    assert!(text.contains("### production"), "{text}");
    assert!(text.contains("<details><summary>diff</summary>"), "{text}");
    assert!(
        text.contains("```diff\n--- a/deploy/production/cloudbuild.yaml"),
        "{text}"
    );
    assert!(text.contains("+      - \"30\""), "{text}");
    assert!(text.contains("`deploy/production/.env`: skipped"), "{text}");
}

#[test]
fn a_broken_secret_bearing_template_fails_a_keyless_plan() {
    let p = Project::example().append("templates/env.j2", "EXTRA={{ JWT_SECRETT }}\n");
    let run = p.run_args(&["plan", "--no-decrypt"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("undefined variable `JWT_SECRETT`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("did you mean `JWT_SECRET`?"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_release_with_a_key_that_does_not_fit_is_an_error() {
    let p = Project::example();
    let wrong = crate::common::age_key();
    let p = p.file("wrong.key", &format!("{}\n", wrong.secret));
    for args in [
        &["plan", "production", "-i", "wrong.key"][..],
        &["plan", "production", "--exit-code"],
        &["apply", "production", "--yes", "-i", "wrong.key"],
    ] {
        let run = p.run_args(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert!(
            run.stdout
                .contains("error[secrets-skipped]: `deploy/production/.env` was not rendered"),
            "{args:?}: {}",
            run.transcript()
        );
        assert!(run.stdout.contains("--allow-skipped"));
    }
    let run = p.run_args(&["plan", "production", "-i", "wrong.key", "--allow-skipped"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("skipped deploy/production/.env"));
    // Without a key named, the other environments' skipped outputs are expected.
    let run = p.run_args(&["plan", "--no-decrypt", "--exit-code"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}
