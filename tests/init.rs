//! `cfgc init` in an empty folder: the scaffold `cfgc check` passes at once, the
//! development key kept outside the project (in cfgc's key file under HOME), plan and
//! apply working, and a second init refusing to overwrite.

use std::os::unix::fs::PermissionsExt;

use insta::assert_snapshot;

use crate::common::{Project, snapshot_files};

#[test]
fn init_scaffolds_a_project_that_checks_plans_and_applies() {
    let home = tempfile::tempdir().expect("temp home");
    let p = Project::empty()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "");
    let run = p.args(["init"]).status(0).run();
    let key_file = home.path().join(".config/cfgc/age/keys.txt");
    let shown = run
        .stdout
        .replace(&home.path().to_string_lossy().into_owned(), "[HOME]");
    let public = std::fs::read_to_string(&key_file).expect("the key file");
    let public = public
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("a public key comment")
        .to_string();
    assert_snapshot!(shown.replace(&public, "[PUBLIC KEY]"));
    // The key is outside the project, private; the project holds no private key.
    let mode = std::fs::metadata(&key_file)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    for (path, bytes) in snapshot_files(&p) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("AGE-SECRET-KEY-"),
            "{path:?}"
        );
    }
    assert!(p.read(".gitignore").contains("/deploy/*/.env\n"));

    p.args(["check"]).status(0).stdout_lacks("warning").run();
    p.args(["plan", "--exit-code"])
        .status(3)
        .stdout_has("deploy/development/.env")
        .run();

    let secret = "init-canary-0123456789abcdefghijklmnopq";
    p.set("development", "SESSION_SECRET", secret);
    let run = p.args(["apply", "--yes"]).status(0).run();
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    let env = p.read("deploy/development/.env");
    assert!(env.contains("\nLOG_LEVEL=debug\n"), "{env}");
    assert!(env.contains("\nNODE_ENV=development\n"), "{env}");
    assert!(env.contains("\nPORT=8080\n"), "{env}");
    assert!(
        env.contains(&format!("\nSESSION_SECRET={secret}\n")),
        "{env}"
    );
    p.args(["plan", "--exit-code"]).status(0).run();
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let home = tempfile::tempdir().expect("temp home");
    let p = Project::empty()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "")
        .file("cfgc.toml", "# mine\n")
        .file("templates/env.j2", "mine\n");
    let run = p.args(["init"]).status(2).unchanged().run();
    assert_snapshot!(run.transcript());
    assert!(!home.path().join(".config").exists(), "no key was made");
}

/// The fresh project's cfgc.toml, with its key redacted.
fn initialised(args: &[&str]) -> (Project, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("temp home");
    let p = Project::empty()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "");
    p.args(args).status(0).run();
    (p, home)
}

#[test]
fn init_writes_tiers_the_editor_lines_and_the_schema_line() {
    let (p, _home) = initialised(&["init"]);
    let toml = p.read("cfgc.toml");
    assert!(
        toml.starts_with("#:schema ./schema/cfgc.schema.json\n"),
        "{toml}"
    );
    assert!(
        toml.contains("\ntiers = [\"local\", \"deployed\"]\n"),
        "{toml}"
    );
    assert_eq!(
        p.read("schema/cfgc.schema.json"),
        std::fs::read_to_string(crate::common::repo().join("schema/cfgc.schema.json"))
            .expect("repo schema")
    );
    for layer in ["environments/base.yaml", "environments/development.yaml"] {
        assert!(
            p.read(layer)
                .starts_with("# yaml-language-server: $schema=../schema/layer.schema.json\n"),
            "{layer}"
        );
    }
    // The line is true once `cfgc docs` has run.
    p.args(["docs"]).status(0).run();
    assert!(p.path("schema/layer.schema.json").is_file());
}

/// A tier typo got "did you mean `deploy`?" pointing into the schema (no tiers were
/// declared), which suggested breaking the schema instead of fixing cfgc.toml.
#[test]
fn init_tier_typo_is_refused_against_the_declared_tiers() {
    let (p, _home) = initialised(&["init"]);
    let p = p.edit("cfgc.toml", "tier = \"local\"", "tier = \"lcoal\"");
    let run = p.args(["check"]).run();
    assert_ne!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("cfgc.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("`local`"), "{}", run.stderr);
    assert!(!run.stderr.contains("env.schema.json"), "{}", run.stderr);
}

#[test]
fn init_env_flags_create_environments_as_env_add_does() {
    let (p, home) = initialised(&["init", "--env", "staging", "--env", "qa:local"]);
    let toml = p.read("cfgc.toml");
    assert!(toml.contains("[environments.staging]\ntier = \"deployed\"\nlayers = [\"environments/base.yaml\", \"environments/staging.yaml\"]\n"), "{toml}");
    assert!(
        toml.contains("[environments.qa]\ntier = \"local\"\n"),
        "{toml}"
    );
    assert!(p.path("environments/staging.secrets.yaml").is_file());
    let keys =
        std::fs::read_to_string(home.path().join(".config/cfgc/age/keys.txt")).expect("keys");
    assert_eq!(keys.matches("AGE-SECRET-KEY-").count(), 3, "{keys}");
    p.args(["check"]).status(0).run();
}

#[test]
fn init_env_flags_refuse_a_bad_name_tier_or_twice() {
    for spec in [
        ["--env", "Staging"],
        ["--env", "staging:deploy"],
        ["--env", "development:deployed"],
    ] {
        let home = tempfile::tempdir().expect("temp home");
        let p = Project::empty()
            .env("HOME", &home.path().to_string_lossy())
            .env("XDG_CONFIG_HOME", "");
        // Nothing is written in the (empty) project.
        p.args(["init", spec[0], spec[1]])
            .status(2)
            .stderr_has("error[init-env]")
            .unchanged()
            .run();
    }
}

/// check-jsonschema on cfgc.toml (it reads TOML) against schema/cfgc.schema.json.
fn schema_check(file: &std::path::Path) -> std::process::Output {
    let schema = crate::common::repo().join("schema/cfgc.schema.json");
    crate::common::tools::output(
        crate::common::tools::command("check-jsonschema")
            .arg("--schemafile")
            .arg(schema)
            .arg(file),
    )
}

#[test]
fn cfgc_schema_accepts_the_example_and_init_project_files() {
    let (p, _home) = initialised(&["init", "--env", "staging"]);
    for file in [crate::common::repo().join("cfgc.toml"), p.path("cfgc.toml")] {
        let out = schema_check(&file);
        assert!(
            out.status.success(),
            "{file:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn cfgc_schema_refuses_a_typoed_key() {
    let (p, _home) = initialised(&["init"]);
    let p = p.edit(
        "cfgc.toml",
        "secrets = \"environments/",
        "secret = \"environments/",
    );
    let out = schema_check(&p.path("cfgc.toml"));
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("'secret' was unexpected"), "{said}");
    // cfgc refuses it too: the schema says what cfgc says.
    p.args(["check"]).status(2).run();
}
