//! What CI reads: fatal errors in machine formats, `plan --format github|markdown`, keyless
//! renders of secret-bearing templates, and releases that must not ship without secrets.

use crate::common::Project;

#[test]
fn a_yaml_syntax_error_reaches_check_json_and_github() {
    let p = Project::fixture("minimal").append("environments/dev.yaml", "PORT: [1\n");
    let json = p.args(["check", "--format", "json"]).status(2).run();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON document");
    let first = &doc["findings"][0];
    assert_eq!(first["kind"], "error", "{doc}");
    assert_eq!(first["file"], "environments/dev.yaml", "{doc}");
    assert!(first["line"].as_u64().is_some(), "{doc}");
    let github = p.args(["check", "--format", "github"]).status(2).run();
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
    let json = p.args(["plan", "--format", "json"]).status(2).run();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON document");
    assert_eq!(doc["findings"][0]["file"], "environments/production.yaml");
    assert_eq!(doc["files"], serde_json::json!([]));
    p.args(["plan", "--format", "github"])
        .stdout_has("::error file=environments/production.yaml")
        .run();
    p.args(["plan", "--format", "markdown"])
        .stdout_has("### Findings")
        .stdout_has("`environments/production.yaml:")
        .run();
}

#[test]
fn plan_github_and_markdown_show_what_would_change() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    );
    p.args([
            "plan",
            "production",
            "--no-decrypt",
            "--format",
            "github",
            "--exit-code",
        ])
        .status(3)
        .stdout_has("::notice file=deploy/production/cloudbuild.yaml,title=cfgc plan::`deploy/production/cloudbuild.yaml` is stale")
        .run();
    let markdown = p
        .args(["plan", "production", "--no-decrypt", "--format", "markdown"])
        .status(0)
        .run();
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
    p.args(["plan", "--no-decrypt"])
        .status(1)
        .stdout_has("undefined variable `JWT_SECRETT`")
        .stdout_has("did you mean `JWT_SECRET`?")
        .run();
}

#[test]
fn a_release_with_a_key_that_does_not_fit_is_an_error() {
    let p = Project::example();
    let wrong = crate::common::age_key();
    let p = p.file("wrong.key", format!("{}\n", wrong.secret));
    for args in [
        &["plan", "production", "-i", "wrong.key"][..],
        &["plan", "production", "--exit-code"],
        &["apply", "production", "--yes", "-i", "wrong.key"],
    ] {
        let run = p.args(args).run();
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert!(
            run.stdout
                .contains("error[secrets-skipped]: `deploy/production/.env` was not rendered"),
            "{args:?}: {}",
            run.transcript()
        );
        assert!(run.stdout.contains("--allow-skipped"));
    }
    p.args(["plan", "production", "-i", "wrong.key", "--allow-skipped"])
        .status(0)
        .stdout_has("skipped deploy/production/.env")
        .run();
    // Without a key named, the other environments' skipped outputs are expected.
    p.args(["plan", "--no-decrypt", "--exit-code"])
        .status(0)
        .run();
}
