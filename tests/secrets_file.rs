//! The secrets file's properties, through the real binary: stable diffs, tampering
//! detected and named, rekeying, private and atomic writes.

use crate::common::{Project, age_key};

const PROD: &str = "environments/prod.secrets.yaml";
const DEV: &str = "environments/dev.secrets.yaml";

#[test]
fn changing_one_value_changes_only_its_line_the_generation_and_the_mac() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    p.set(
        "prod",
        "JWT_SECRET",
        "a-brand-new-jwt-secret-0123456789abcdef",
    );
    let after = p.read(PROD);
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert!(changed[0].0.starts_with("JWT_SECRET: ENC[v1,"));
    assert!(changed[1].0.starts_with("  generation: "));
    assert!(changed[2].0.starts_with("  mac: "));
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "a-brand-new-jwt-secret-0123456789abcdef"
    );
}

#[test]
fn setting_the_same_value_changes_nothing() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    p.args(["secrets", "set", "prod", "DATABASE_URL"])
        .stdin("postgres://app:prod@db.example.com/app\n")
        .status(0)
        .stdout_has("unchanged")
        .run();
    assert_eq!(p.read(PROD), before);
}

#[test]
fn secrets_files_are_written_0600() {
    use std::os::unix::fs::PermissionsExt;
    let (p, _) = Project::with_secrets();
    let mode = std::fs::metadata(p.path(PROD))
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // Replacing a file that someone made world-readable makes it private again.
    std::fs::set_permissions(p.path(PROD), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    p.set(
        "prod",
        "JWT_SECRET",
        "another-jwt-secret-0123456789abcdefghij",
    );
    let mode = std::fs::metadata(p.path(PROD))
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(p.path("environments"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Runs `get`, expects exit 2, an error naming `expect` and no file changed.
fn fails(p: &Project, args: &[&str], expect: &[&str]) -> String {
    let run = p.args(args).status(2).unchanged().run();
    for e in expect {
        assert!(run.stderr.contains(e), "expected `{e}` in:\n{}", run.stderr);
    }
    run.stderr
}

#[test]
fn ciphertext_moved_to_another_key_fails_naming_the_key() {
    let (p, _) = Project::with_secrets();
    let db = p.line(PROD, "DATABASE_URL: ");
    let jwt = p.line(PROD, "JWT_SECRET: ");
    let moved = db.replacen("DATABASE_URL", "JWT_SECRET", 1);
    let p = p.edit(PROD, &jwt, &moved);
    let err = fails(
        &p,
        &["secrets", "get", "prod", "DATABASE_URL"],
        &[
            "the value of `JWT_SECRET` failed authentication",
            "failed its integrity check (MAC)",
            "environments/prod.secrets.yaml:",
        ],
    );
    assert!(!err.contains("DATABASE_URL` failed"), "{err}");
}

#[test]
fn file_copied_from_another_environment_fails_naming_the_keys() {
    let (p, _) = Project::with_secrets();
    let dev = p.read(DEV);
    let p = p.file(PROD, &dev);
    fails(
        &p,
        &["secrets", "get", "prod", "JWT_SECRET"],
        &[
            "was written for environment `dev`, not `prod`",
            "the value of `DATABASE_URL` failed authentication",
            "the value of `JWT_SECRET` failed authentication",
        ],
    );
    // Even with the environment line edited back, every value names itself.
    let p = p.edit(PROD, "environment: dev", "environment: prod");
    fails(
        &p,
        &["secrets", "get", "prod", "JWT_SECRET"],
        &[
            "the value of `JWT_SECRET` failed authentication",
            "failed its integrity check (MAC)",
        ],
    );
    // And `check`, without any key, names the mix-up too.
    let (p, _) = Project::with_secrets();
    let p = p.file(PROD, &dev).env("CFGC_AGE_KEY_FILE", "");
    p.args(["check"])
        .status(1)
        .stdout_has("was written for environment `dev`, but `prod` uses it")
        .run();
}

#[test]
fn deleted_added_or_edited_values_and_recipients_fail_the_mac() {
    let mac = "failed its integrity check (MAC)";
    // Deleted.
    let (p, _) = Project::with_secrets();
    let jwt = p.line(PROD, "JWT_SECRET: ");
    let p = p.edit(PROD, &format!("{jwt}\n"), "");
    fails(&p, &["secrets", "get", "prod", "DATABASE_URL"], &[mac]);
    // Added: a value sealed for another file, under a name the schema knows.
    let (p, _) = Project::with_secrets();
    let dev_jwt = p
        .line(DEV, "JWT_SECRET: ")
        .replacen("JWT_SECRET", "OTHER", 1);
    let p = p.edit(PROD, "cfgc:\n", &format!("{dev_jwt}\ncfgc:\n"));
    fails(
        &p,
        &["secrets", "get", "prod", "DATABASE_URL"],
        &[mac, "the value of `OTHER` failed authentication"],
    );
    // Rolled back: an older ciphertext of the same value.
    let (p, _) = Project::with_secrets();
    let old = p.line(PROD, "JWT_SECRET: ");
    p.set(
        "prod",
        "JWT_SECRET",
        "rotated-jwt-secret-0123456789abcdefghijk",
    );
    let new = p.line(PROD, "JWT_SECRET: ");
    let p = p.edit(PROD, &new, &old);
    fails(&p, &["secrets", "get", "prod", "DATABASE_URL"], &[mac]);
    // A recipient added by hand to the list.
    let (p, _) = Project::with_secrets();
    let stranger = age_key();
    let p = p.edit(
        PROD,
        "  recipients:\n",
        &format!("  recipients:\n    - {}\n", stranger.public),
    );
    fails(&p, &["secrets", "get", "prod", "DATABASE_URL"], &[mac]);
    // One character of a value flipped.
    let (p, _) = Project::with_secrets();
    let line = p.line(PROD, "DATABASE_URL: ");
    let i = line.find(",").expect("ENC[v1,") + 5;
    let mut flipped = line.clone().into_bytes();
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    let p = p.edit(PROD, &line, &String::from_utf8(flipped).expect("ascii"));
    fails(
        &p,
        &["secrets", "get", "prod", "JWT_SECRET"],
        &[mac, "the value of `DATABASE_URL` failed authentication"],
    );
}

#[test]
fn adding_a_recipient_only_wraps_the_data_key_for_it() {
    let (p, key) = Project::with_secrets();
    let second = age_key();
    let before = p.read(PROD);
    let toml = p.read("cfgc.toml");
    let last = toml.rfind(&key.public).expect("prod recipient");
    let mut toml2 = toml.clone();
    toml2.replace_range(
        last..last + key.public.len(),
        &format!("{}\", \"{}", key.public, second.public),
    );
    let p = p.file("cfgc.toml", &toml2);
    let check = p.args(["check"]).run();
    assert!(
        check
            .stdout
            .contains("differ from those of `prod` in cfgc.toml")
            && check.stdout.contains("run `cfgc secrets rekey prod`"),
        "{}",
        check.stdout
    );

    p.args(["secrets", "rekey"])
        .status(0)
        .stdout_has(
            "prod: environments/prod.secrets.yaml re-wrapped for 2 recipients; values unchanged",
        )
        .stdout_has("dev: environments/dev.secrets.yaml is up to date")
        .run();
    let after = p.read(PROD);
    for name in ["DATABASE_URL: ", "JWT_SECRET: "] {
        let line = |t: &str| {
            t.lines()
                .find(|l| l.starts_with(name))
                .expect("line")
                .to_string()
        };
        assert_eq!(line(&before), line(&after), "{name} changed");
    }
    assert_ne!(before, after);
    // The new recipient alone can decrypt.
    let p = p.file("keys/second.key", &second.secret);
    let second_file = p.path("keys/second.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &second_file);
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "prod-jwt-secret-0123456789abcdefghijk"
    );
    p.args(["check"]).status(0).run();
}

#[test]
fn removing_a_recipient_rotates_the_data_key_and_reencrypts_every_value() {
    let (p, key) = Project::with_secrets();
    let second = age_key();
    let p = p.file("keys/second.key", &second.secret);
    let toml = p.read("cfgc.toml");
    let p = p.file("cfgc.toml", toml.replace(&key.public, &second.public));
    let before = p.read(PROD);
    p.args(["secrets", "rekey", "prod"])
        .status(0)
        .stdout_has("prod: environments/prod.secrets.yaml has a new data key for 1 recipient; 2 values re-encrypted")
        .run();
    let after = p.read(PROD);
    for name in ["DATABASE_URL: ", "JWT_SECRET: ", "  mac: "] {
        let line = |t: &str| {
            t.lines()
                .find(|l| l.starts_with(name))
                .expect("line")
                .to_string()
        };
        assert_ne!(line(&before), line(&after), "{name} kept its ciphertext");
    }
    // The removed key no longer opens it; the remaining one does.
    p.args(["secrets", "get", "prod", "JWT_SECRET"])
        .status(2)
        .stderr_has("no identity can decrypt the secrets of environment `prod`")
        .run();
    let second_file = p.path("keys/second.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &second_file);
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "prod-jwt-secret-0123456789abcdefghijk"
    );
}

#[test]
fn rekey_changes_all_files_or_none() {
    let (p, key) = Project::with_secrets();
    let second = age_key();
    let toml = p.read("cfgc.toml");
    let p = p.file("cfgc.toml", toml.replace(&key.public, &second.public));
    // dev can be opened, prod cannot: its file is damaged.
    let line = p.line(PROD, "JWT_SECRET: ");
    let p = p.edit(PROD, &format!("{line}\n"), "");
    p.args(["secrets", "rekey"])
        .status(2)
        .stderr_has("no secrets file was changed")
        .unchanged()
        .run();
}

#[test]
fn rotate_replaces_the_data_key_with_the_same_recipients() {
    let (p, _) = Project::with_secrets();
    let before = p.read(DEV);
    p.args(["secrets", "rekey", "dev", "--rotate"])
        .status(0)
        .stdout_has("new data key")
        .run();
    assert_ne!(
        p.line(DEV, "JWT_SECRET: "),
        before
            .lines()
            .find(|l| l.starts_with("JWT_SECRET: "))
            .expect("line")
    );
    assert_eq!(
        p.get("dev", "JWT_SECRET"),
        "dev-jwt-secret-0123456789abcdefghijkl"
    );
}
