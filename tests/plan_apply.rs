//! `cfgc plan` and `cfgc apply` on the bundled example, as a user runs them.

use std::os::unix::fs::PermissionsExt;

use crate::common::Project;
use insta::assert_snapshot;

#[test]
fn committed_deploy_files_are_current() {
    let run = Project::example()
        .args(["plan", "--exit-code", "--no-decrypt"])
        .run();
    assert_eq!(
        run.code,
        0,
        "deploy/ is stale: run `cfgc apply`\n{}",
        run.transcript()
    );
}

#[test]
fn plan_shows_a_diff_and_a_summary() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    );
    let run = p
        .args(["plan", "production", "--exit-code", "--allow-skipped"])
        .run();
    assert_eq!(run.code, 3, "pending changes exit 3: {}", run.transcript());
    assert_snapshot!(run.transcript());
}

#[test]
fn plan_json_lists_every_file() {
    let p = crate::common::git::committed(Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    ));
    let run = p.args(["plan", "--format", "json"]).status(0).run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["change"], 1);
    let files = doc["files"].as_array().expect("files");
    let changed: Vec<&serde_json::Value> =
        files.iter().filter(|f| f["status"] == "change").collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["path"], "deploy/production/cloudbuild.yaml");
    assert!(
        changed[0]["diff"]
            .as_str()
            .is_some_and(|d| d.contains("+      - \"30\"")),
        "{}",
        changed[0]
    );
}

#[test]
fn apply_refuses_without_a_terminal() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    );
    let before = p.read("deploy/production/cloudbuild.yaml");
    let run = p
        .args(["apply", "production", "--allow-skipped"])
        .status(2)
        .run();
    assert_eq!(
        p.read("deploy/production/cloudbuild.yaml"),
        before,
        "a refused apply wrote"
    );
    assert_snapshot!(run.transcript());
}

#[test]
fn apply_writes_changed_files_with_their_mode() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    );
    std::fs::remove_file(p.path("deploy/staging/nginx.conf")).expect("remove");
    p.args(["apply", "--yes"]).status(0).run();
    assert!(
        p.read("deploy/production/cloudbuild.yaml")
            .contains("- \"30\"")
    );
    let mode = std::fs::metadata(p.path("deploy/staging/nginx.conf"))
        .expect("written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644);
    assert_eq!(
        p.args(["plan", "--exit-code"]).run().code,
        0,
        "apply left changes pending"
    );
    let env_mode = std::fs::metadata(p.path("deploy/development/.env"))
        .expect("the demo key decrypts development")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(env_mode, 0o600, "a file holding secrets must be 0600");
}

#[test]
fn apply_removes_temp_files_a_killed_apply_left() {
    let p = Project::example().file("deploy/production/.cfgc-abc123.tmp", "half a file");
    p.args(["apply", "--yes"]).status(0).run();
    assert!(!p.path("deploy/production/.cfgc-abc123.tmp").exists());
}

#[test]
fn apply_never_writes_through_a_symlink() {
    let p = Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    );
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::remove_file(p.path("deploy/production/cloudbuild.yaml")).expect("remove");
    std::os::unix::fs::symlink(
        outside.path().join("victim.yaml"),
        p.path("deploy/production/cloudbuild.yaml"),
    )
    .expect("symlink");
    let run = p.args(["apply", "--yes"]).status(2).run();
    // Refused already when plan reads the target to diff against it.
    assert!(
        run.stderr.contains(
            "cannot read `deploy/production/cloudbuild.yaml`: a symlink on the way leads outside the project"
        ),
        "{}",
        run.stderr
    );
    assert!(
        !outside.path().join("victim.yaml").exists(),
        "wrote through the symlink"
    );
}

#[test]
fn outputs_outside_the_output_folder_are_refused() {
    let p = Project::example().edit(
        "cfgc.toml",
        "path = \"deploy/{env}/nginx.conf\"",
        "path = \"deploy/../../{env}/nginx.conf\"",
    );
    let run = p.args(["plan"]).status(2).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn undefined_template_variable_names_the_line() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "server_name {{ PUBLIC_DOMAIN }};\n\n        ssl",
        "server_name {{ PUBLIC_DOMIAN }};\n\n        ssl",
    );
    let run = p.args(["plan", "production"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn value_that_cannot_be_escaped_names_the_template_line() {
    let p = Project::example().edit(
        "environments/base.yaml",
        "FRONTEND_ROOT: /usr/share/nginx/html",
        "FRONTEND_ROOT: /usr/share/nginx/$html",
    );
    let run = p.args(["plan", "production"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn policy_forbids_wildcard_cors() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "add_header Access-Control-Allow-Origin $cors_origin always;",
        "add_header Access-Control-Allow-Origin * always;",
    );
    let run = p.args(["plan", "staging"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn policy_requires_tls_1_2_or_later() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "ssl_protocols TLSv1 TLSv1.2 TLSv1.3;",
    );
    let run = p.args(["plan", "production"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn cloudbuild_secret_env_must_be_declared() {
    let p = Project::example().edit(
        "templates/cloudbuild.yaml.j2",
        "    secretEnv:\n      - DATABASE_URL",
        "    secretEnv:\n      - JWT_SECRET",
    );
    let run = p.args(["plan", "production"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn plan_with_findings_renders_nothing() {
    let p = Project::example().append(
        "environments/production.yaml",
        "APP_UPSTREAM: http://127.0.0.1:3000\n",
    );
    p.args(["plan", "production"])
        .status(1)
        .stdout_has("error[loopback]")
        .run();
}

const CANARY: &str = "canary-7f3a-never-print-me-0123456789abcdef";

/// The example with a known secret in development (the demo key decrypts it).
fn with_canary_secret() -> Project {
    let p = Project::example();
    p.args(["secrets", "set", "development", "JWT_SECRET"])
        .stdin(CANARY)
        .status(0)
        .run();
    p
}

#[test]
fn plan_masks_secret_values_in_diffs() {
    let p = with_canary_secret();
    let run = p.args(["plan", "development"]).status(0).run();
    assert!(
        !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
        "the secret leaked into plan:\n{}",
        run.transcript()
    );
    assert!(
        run.stdout.contains("+JWT_SECRET=<secret "),
        "{}",
        run.stdout
    );
    // A changed secret shows that it changed, not what it was or became.
    let apply = p.args(["apply", "--yes", "development"]).status(0).run();
    assert!(
        !apply.stdout.contains(CANARY) && !apply.stderr.contains(CANARY),
        "the secret leaked into apply"
    );
    let new_value = "canary-second-value-also-never-printed-987";
    p.args(["secrets", "set", "development", "JWT_SECRET"])
        .stdin(new_value)
        .status(0)
        .run();
    let run = p
        .args(["plan", "development", "--exit-code"])
        .status(3)
        .run();
    for secret in [CANARY, new_value] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "a secret leaked into the diff:\n{}",
            run.stdout
        );
    }
    assert_snapshot!(run.transcript());
}

#[test]
fn secrets_land_only_in_outputs_declared_to_hold_them() {
    let p = with_canary_secret();
    p.args(["apply", "--yes"]).status(0).run();
    let env_file = p.read("deploy/development/.env");
    assert!(env_file.contains(CANARY), "the .env misses the secret");
    let mode = std::fs::metadata(p.path("deploy/development/.env"))
        .expect(".env")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    for plain in [
        "deploy/development/nginx.conf",
        "deploy/staging/cloudbuild.yaml",
        "deploy/production/cloudbuild.yaml",
    ] {
        assert!(!p.read(plain).contains(CANARY), "{plain} holds the secret");
    }
    // No temp file with the secret is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(p.path("deploy/development"))
        .expect("folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn a_secret_value_in_a_plain_output_stops_the_render() {
    // A plain value equal to a secret: the scan of non-secret outputs catches it.
    let value = "/srv/canary-path-that-is-also-a-secret-value";
    let p = Project::example().edit(
        "environments/base.yaml",
        "FRONTEND_ROOT: /usr/share/nginx/html",
        &format!("FRONTEND_ROOT: {value}"),
    );
    p.args(["secrets", "set", "development", "JWT_SECRET"])
        .stdin(value)
        .status(0)
        .run();
    let run = p
        .args(["apply", "--yes", "development"])
        .status(1)
        .stdout_has("error[secret-in-plain-output]")
        .run();
    assert!(
        !run.stdout.contains(value) && !run.stderr.contains(value),
        "the secret was printed:\n{}",
        run.transcript()
    );
    assert!(
        !p.path("deploy/development/.env").exists(),
        "files were written"
    );
}

#[test]
fn invalid_policy_pattern_is_a_project_error() {
    let p = Project::example().append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"text\"\noutputs = [\"cloudbuild\"]\n\
         forbid = [ { pattern = '(unclosed', message = \"broken\" } ]\n",
    );
    p.args(["plan"])
        .status(2)
        .stderr_has("has an invalid pattern")
        .run();
}

#[test]
fn invalid_directive_pattern_is_a_project_error_at_its_line() {
    let p = Project::example().edit(
        "cfgc.toml",
        "forbid = [[\"add_header\", \"(?i)access-control-allow-origin\", '\\*', \"...\"]]",
        "forbid = [[\"add_header\", \"(?i)access-control-allow-origin\", '(unclosed', \"...\"]]",
    );
    let run = p.args(["plan"]).status(2).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn directive_rules_on_an_output_that_is_not_nginx_are_refused() {
    let p = Project::example().append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"wrong\"\noutputs = [\"cloudbuild\"]\n\
         [[policies.directives]]\nmessage = \"m\"\nforbid = [[\"x\"]]\n\
         [[policies.directives]]\nmessage = \"both\"\nforbid = [[\"x\"]]\nrequire = [[\"y\"]]\n",
    );
    let run = p.args(["plan"]).status(2).run();
    assert_snapshot!(run.transcript());
}

/// Issue 9: with regular expressions, a quoted string or a comment could satisfy the TLS
/// policy. As nginx reads the file, this server has no `ssl_protocols` at all.
#[test]
fn a_string_or_comment_cannot_satisfy_the_tls_policy() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "add_header X-Note \"\n        ssl_protocols TLSv1.2 TLSv1.3;\";\n        # ssl_protocols TLSv1.2 TLSv1.3;",
    );
    p.args(["plan", "production"])
        .status(1)
        .stdout_has("this `server` block has no `ssl_protocols TLSv1\\.2 TLSv1\\.3`")
        .run();
}

/// Issue 9: `'*'` in single quotes dodged the wildcard-CORS pattern; to nginx it is `*`.
#[test]
fn a_quoted_wildcard_cannot_dodge_the_cors_policy() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "add_header Access-Control-Allow-Origin $cors_origin always;",
        "add_header 'Access-Control-Allow-Origin' '*' always;",
    );
    p.args(["plan", "production"])
        .status(1)
        .stdout_has("breaks policy `nginx-deployed`: no wildcard CORS")
        .run();
}

#[test]
fn outputs_holding_secrets_are_gitignored_in_the_example() {
    // The repository's own .gitignore must keep every rendered secret out of git.
    for env in ["development", "staging", "production"] {
        let path = format!("deploy/{env}/.env");
        let out = crate::common::tools::status(
            crate::common::tools::command("git")
                .args(["check-ignore", "-q", "--no-index", &path])
                .current_dir(crate::common::repo()),
        );
        assert!(out.success(), "{path} is not gitignored");
    }
}
