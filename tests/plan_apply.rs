//! `cfgc plan` and `cfgc apply` on the bundled example, as a user runs them.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::Project;
use insta::assert_snapshot;

#[test]
fn committed_deploy_files_are_current() {
    let run = Project::example().run(&["plan", "--exit-code"]);
    assert_eq!(run.code, 0, "deploy/ is stale: run `cfgc apply`\n{}", run.transcript());
}

#[test]
fn plan_shows_a_diff_and_a_summary() {
    let p = Project::example().edit("environments/production.yaml", "CLOUD_RUN_MAX_INSTANCES: 20", "CLOUD_RUN_MAX_INSTANCES: 30");
    let run = p.run(&["plan", "production", "--exit-code"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_snapshot!(run.transcript());
}

#[test]
fn plan_json_lists_every_file() {
    let p = Project::example().edit("environments/production.yaml", "CLOUD_RUN_MAX_INSTANCES: 20", "CLOUD_RUN_MAX_INSTANCES: 30");
    let run = p.run(&["plan", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["change"], 1);
    let files = doc["files"].as_array().expect("files");
    let changed: Vec<&serde_json::Value> = files.iter().filter(|f| f["status"] == "change").collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["path"], "deploy/production/cloudbuild.yaml");
    assert!(changed[0]["diff"].as_str().is_some_and(|d| d.contains("+      - \"30\"")), "{}", changed[0]);
}

#[test]
fn apply_refuses_without_a_terminal() {
    let p = Project::example().edit("environments/production.yaml", "CLOUD_RUN_MAX_INSTANCES: 20", "CLOUD_RUN_MAX_INSTANCES: 30");
    let before = p.read("deploy/production/cloudbuild.yaml");
    let run = p.run(&["apply", "production"]);
    assert_eq!(run.code, 2);
    assert_eq!(p.read("deploy/production/cloudbuild.yaml"), before, "a refused apply wrote");
    assert_snapshot!(run.transcript());
}

#[test]
fn apply_writes_changed_files_with_their_mode() {
    let p = Project::example().edit("environments/production.yaml", "CLOUD_RUN_MAX_INSTANCES: 20", "CLOUD_RUN_MAX_INSTANCES: 30");
    std::fs::remove_file(p.path("deploy/staging/nginx.conf")).expect("remove");
    let run = p.run(&["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(p.read("deploy/production/cloudbuild.yaml").contains("- \"30\""));
    let mode = std::fs::metadata(p.path("deploy/staging/nginx.conf")).expect("written").permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
    assert_eq!(p.run(&["plan", "--exit-code"]).code, 0, "apply left changes pending");
}

#[test]
fn apply_removes_temp_files_a_killed_apply_left() {
    let p = Project::example().file("deploy/production/.cfgc-abc123.tmp", "half a file");
    let run = p.run(&["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!p.path("deploy/production/.cfgc-abc123.tmp").exists());
}

#[test]
fn apply_never_writes_through_a_symlink() {
    let p = Project::example().edit("environments/production.yaml", "CLOUD_RUN_MAX_INSTANCES: 20", "CLOUD_RUN_MAX_INSTANCES: 30");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::remove_file(p.path("deploy/production/cloudbuild.yaml")).expect("remove");
    std::os::unix::fs::symlink(outside.path().join("victim.yaml"), p.path("deploy/production/cloudbuild.yaml")).expect("symlink");
    let run = p.run(&["apply", "--yes"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("is a symlink"), "{}", run.stderr);
    assert!(!outside.path().join("victim.yaml").exists(), "wrote through the symlink");
}

#[test]
fn outputs_outside_the_output_folder_are_refused() {
    let p = Project::example().edit("cfgc.toml", "path = \"deploy/{env}/nginx.conf\"", "path = \"deploy/../../{env}/nginx.conf\"");
    let run = p.run(&["plan"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(run.transcript());
}

#[test]
fn undefined_template_variable_names_the_line() {
    let p = Project::example().edit("templates/nginx.conf.j2", "server_name {{ PUBLIC_DOMAIN }};\n\n        ssl", "server_name {{ PUBLIC_DOMIAN }};\n\n        ssl");
    let run = p.run(&["plan", "production"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(run.transcript());
}

#[test]
fn value_that_cannot_be_escaped_names_the_template_line() {
    let p = Project::example().edit("environments/production.yaml", "FRONTEND_ROOT", "FRONTEND_ROOT").edit(
        "environments/base.yaml",
        "FRONTEND_ROOT: /usr/share/nginx/html",
        "FRONTEND_ROOT: /usr/share/nginx/$html",
    );
    let run = p.run(&["plan", "production"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(run.transcript());
}

#[test]
fn policy_forbids_wildcard_cors() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "add_header Access-Control-Allow-Origin $cors_origin always;\n            add_header Access-Control-Allow-Credentials true always;\n            add_header Vary",
        "add_header Access-Control-Allow-Origin * always;\n            add_header Access-Control-Allow-Credentials true always;\n            add_header Vary",
    );
    let run = p.run(&["plan", "staging"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(run.transcript());
}

#[test]
fn policy_requires_tls_1_2_or_later() {
    let p = Project::example().edit("templates/nginx.conf.j2", "ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1 TLSv1.2 TLSv1.3;");
    let run = p.run(&["plan", "production"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(run.transcript());
}

#[test]
fn cloudbuild_secret_env_must_be_declared() {
    let p = Project::example().edit("templates/cloudbuild.yaml.j2", "    secretEnv:\n      - DATABASE_URL", "    secretEnv:\n      - JWT_SECRET");
    let run = p.run(&["plan", "production"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(run.transcript());
}

#[test]
fn plan_with_findings_renders_nothing() {
    let p = Project::example().edit("environments/production.yaml", "APP_UPSTREAM: https://", "APP_UPSTREAM: http://127.0.0.1:3000 #");
    let run = p.run(&["plan", "production"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("no-localhost"), "{}", run.stdout);
}
