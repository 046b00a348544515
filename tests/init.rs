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
    let run = p.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
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

    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    let run = p.run(&["plan", "--exit-code"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stdout.contains("deploy/development/.env"),
        "{}",
        run.stdout
    );

    let secret = "init-canary-0123456789abcdefghijklmnopq";
    p.set("development", "SESSION_SECRET", secret);
    let run = p.run(&["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    let env = p.read("deploy/development/.env");
    assert!(env.contains("\nLOG_LEVEL=debug\n"), "{env}");
    assert!(env.contains("\nNODE_ENV=development\n"), "{env}");
    assert!(env.contains("\nPORT=8080\n"), "{env}");
    assert!(
        env.contains(&format!("\nSESSION_SECRET={secret}\n")),
        "{env}"
    );
    assert_eq!(p.run(&["plan", "--exit-code"]).code, 0);
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let home = tempfile::tempdir().expect("temp home");
    let p = Project::empty()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "")
        .file("cfgc.toml", "# mine\n")
        .file("templates/env.j2", "mine\n");
    let before = snapshot_files(&p);
    let run = p.run(&["init"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_snapshot!(run.transcript());
    assert_eq!(before, snapshot_files(&p));
    assert!(!home.path().join(".config").exists(), "no key was made");
}
