//! `cfgc env add`: from an empty folder through init and two new environments to a
//! `check` that reports only what is really missing, cfgc.toml's comments kept, `import`
//! finding the new environment; and every refusal leaving the project as it was.

use insta::assert_snapshot;

use crate::common::{Project, snapshot_files};

/// A fresh project made by `cfgc init`, its keys under a temp HOME.
fn initialised() -> (Project, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("temp home");
    let p = Project::empty()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "");
    p.args(["init"]).status(0).run();
    (p, home)
}

/// The public keys in `text` replaced, so snapshots are the same on every run.
fn redact_keys(text: &str) -> String {
    text.split_inclusive('"')
        .map(|part| match part.find("age1") {
            Some(at) if part[at..].len() > 60 => format!("{}[PUBLIC KEY]\"", &part[..at]),
            _ => part.to_string(),
        })
        .collect()
}

#[test]
fn env_add_staging_and_production_after_init_then_check_and_import() {
    let (p, home) = initialised();
    let before = p.read("cfgc.toml");
    p.args(["env", "add", "staging", "--tier", "deployed"])
        .status(0)
        .stdout_has("staging's key: ")
        .run();
    let p = p.append("environments/staging.yaml", "NODE_ENV: production\n");
    p.args([
        "env",
        "add",
        "production",
        "--tier",
        "deployed",
        "--from",
        "staging",
    ])
    .status(0)
    .run();
    // --from copies staging's own layer, under the editor line.
    assert_eq!(
        p.read("environments/production.yaml"),
        p.read("environments/staging.yaml")
    );
    assert!(
        p.read("environments/production.yaml")
            .starts_with("# yaml-language-server: $schema=../schema/layer.schema.json\n")
    );
    // Every key went to cfgc's key file, none into the project.
    let keys =
        std::fs::read_to_string(home.path().join(".config/cfgc/age/keys.txt")).expect("key file");
    assert_eq!(keys.matches("AGE-SECRET-KEY-").count(), 3, "{keys}");
    for (path, bytes) in snapshot_files(&p) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("AGE-SECRET-KEY-"),
            "{path:?}"
        );
    }
    p.args(["check"]).status(0).run();
    // Comments and layout kept: init's text is all still there, in order.
    let after = p.read("cfgc.toml");
    let dotenv = before
        .find("# Deployed tiers are held")
        .expect("init's tiers comment");
    assert!(after.starts_with(&before[..dotenv]), "{after}");
    assert!(after.ends_with(&before[dotenv..]), "{after}");
    assert_snapshot!(redact_keys(&after));
    let p = p.file(".env.production", "PORT=9000\nLOG_LEVEL=warn\n");
    p.args(["import", ".env.production"]).status(0).run();
    assert!(
        p.read("environments/production.yaml")
            .contains("PORT: 9000")
    );
    p.args(["check"]).status(0).run();
}

#[test]
fn env_add_without_values_reports_findings_not_a_stop() {
    let (p, _home) = initialised();
    p.args(["env", "add", "staging"]).status(0).run();
    p.args(["check"])
        .status(1)
        .stdout_has("error[missing-variable]: required variable `NODE_ENV` is missing in environment `staging`")
        .run();
}

#[test]
fn env_add_refuses_an_existing_name_a_bad_name_an_unknown_tier() {
    let (p, home) = initialised();
    let keys =
        std::fs::read_to_string(home.path().join(".config/cfgc/age/keys.txt")).expect("key file");
    let mut shown = String::new();
    for args in [
        &["env", "add", "development"][..],
        &["env", "add", "Staging"],
        &["env", "add", "staging", "--tier", "deploy"],
        &["env", "add", "staging", "--from", "nope"],
        &["env", "add", "staging", "--recipient", "age1nope"],
    ] {
        // Nothing is written in the project.
        let run = p.args(args).status(2).unchanged().run();
        shown.push_str(&format!(
            "$ cfgc {}\n{}\n",
            args.join(" "),
            run.transcript()
        ));
    }
    assert_snapshot!(shown);
    let now =
        std::fs::read_to_string(home.path().join(".config/cfgc/age/keys.txt")).expect("key file");
    assert_eq!(keys, now, "no key was made");
}

#[test]
fn env_add_with_a_recipient_makes_no_key() {
    let (p, home) = initialised();
    let key = crate::common::age_key();
    p.args([
        "env",
        "add",
        "qa",
        "--tier",
        "local",
        "--recipient",
        &key.public,
    ])
    .status(0)
    .stdout_lacks("key:")
    .run();
    let keys =
        std::fs::read_to_string(home.path().join(".config/cfgc/age/keys.txt")).expect("key file");
    assert_eq!(keys.matches("AGE-SECRET-KEY-").count(), 1);
    assert!(
        p.read("cfgc.toml")
            .contains(&format!("recipients = [\"{}\"]", key.public))
    );
}

/// A declared secrets file not written yet stopped `check` with exit 2, hiding every
/// other finding; now its secrets are missing, as findings.
#[test]
fn check_with_a_declared_secrets_file_not_written_yet_reports_findings() {
    let p = Project::example();
    std::fs::remove_file(p.path("environments/staging.secrets.yaml")).expect("remove");
    p.args(["check", "staging"])
        .status(1)
        .stdout_has("error[missing-secret]")
        .stdout_lacks("file-not-readable")
        .run();
}

/// env add writes through the project filesystem: a layer folder that is a symlink out
/// of the project is refused before anything is written, cfgc.toml included.
#[test]
fn env_add_through_a_symlink_out_writes_nothing() {
    let (p, _home) = initialised();
    let outside = tempfile::tempdir().expect("outside");
    let moved = outside.path().join("environments");
    std::fs::rename(p.path("environments"), &moved).expect("move");
    std::os::unix::fs::symlink(&moved, p.path("environments")).expect("symlink");
    let before = p.read("cfgc.toml");
    p.args(["env", "add", "staging"])
        .status(2)
        .stderr_has("symlink")
        .run();
    assert_eq!(before, p.read("cfgc.toml"));
    assert!(!moved.join("staging.yaml").exists());
}
