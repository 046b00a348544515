//! `cfgc secrets list|set|get|rm|edit` and where identities are found, as users see them.

use crate::common::{Project, age_key};
use insta::assert_snapshot;

const PROD: &str = "environments/prod.secrets.yaml";

/// Transcripts with keys made per test replaced by a placeholder.
macro_rules! snap {
    ($value:expr) => {
        insta::with_settings!({filters => vec![(r"age1[0-9a-z]{58}", "[RECIPIENT]")]}, {
            assert_snapshot!($value);
        })
    };
}

#[test]
fn list_shows_names_and_what_the_schema_requires_without_a_key() {
    let (p, _) = Project::with_secrets();
    let p = p.env("CFGC_AGE_KEY_FILE", "");
    let line = p.line(PROD, "JWT_SECRET: ");
    let p = p.edit(PROD, &format!("{line}\n"), "").edit(
        PROD,
        "cfgc:\n",
        &format!("{}\ncfgc:\n", line.replacen("JWT_SECRET", "STRAY_TOKEN", 1)),
    );
    snap!(p.args(["secrets", "list", "prod"]).run().transcript());
}

#[test]
fn set_reads_stdin_and_get_prints_the_value() {
    let (p, _) = Project::with_secrets();
    let run = p
        .args(["secrets", "set", "dev", "JWT_SECRET"])
        .stdin("multi\nline value that is long enough\r\n")
        .status(0)
        .run();
    snap!(run.transcript());
    assert_eq!(
        p.get("dev", "JWT_SECRET"),
        "multi\nline value that is long enough"
    );
}

#[test]
fn set_refuses_a_value_that_fails_the_schema() {
    let (p, _) = Project::with_secrets();
    let run = p
        .args(["secrets", "set", "prod", "JWT_SECRET"])
        .stdin("too-short-canary-41c7")
        .status(1)
        .unchanged()
        .run();
    assert!(!run.stdout.contains("canary-41c7") && !run.stderr.contains("canary-41c7"));
    snap!(run.transcript());
}

#[test]
fn set_refuses_names_the_schema_does_not_declare_secret() {
    let (p, _) = Project::with_secrets();
    let run = p
        .args(["secrets", "set", "prod", "JWT_SECRT"])
        .stdin("x")
        .status(1)
        .run();
    snap!(run.transcript());
    p.args(["secrets", "set", "prod", "PORT"])
        .stdin("80")
        .status(1)
        .stderr_has("the schema does not mark `PORT` secret")
        .run();
}

#[test]
fn set_with_empty_stdin_is_an_error() {
    let (p, _) = Project::with_secrets();
    p.args(["secrets", "set", "prod", "JWT_SECRET"])
        .stdin("")
        .status(2)
        .stderr_has("no value given")
        .run();
}

#[test]
fn set_creates_a_missing_file_encrypted_to_the_recipients() {
    let (p, _) = Project::with_secrets();
    std::fs::remove_file(p.path(PROD)).expect("rm");
    p.set(
        "prod",
        "JWT_SECRET",
        "fresh-jwt-secret-0123456789abcdefghijklm",
    );
    let text = p.read(PROD);
    assert!(text.starts_with("# cfgc secrets file"), "{text}");
    assert!(text.contains("environment: prod"));
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "fresh-jwt-secret-0123456789abcdefghijklm"
    );
}

#[test]
fn get_of_an_unknown_name_suggests_one() {
    let (p, _) = Project::with_secrets();
    let run = p
        .args(["secrets", "get", "prod", "JWT_SECRETS"])
        .status(2)
        .run();
    snap!(run.transcript());
}

#[test]
fn rm_removes_one_value_and_notes_a_required_one() {
    let (p, _) = Project::with_secrets();
    let db = p.line(PROD, "DATABASE_URL: ");
    let run = p
        .args(["secrets", "rm", "prod", "JWT_SECRET"])
        .status(0)
        .run();
    snap!(run.transcript());
    assert!(!p.read(PROD).contains("JWT_SECRET"));
    assert_eq!(p.line(PROD, "DATABASE_URL: "), db);
    p.args(["check", "prod"])
        .status(1)
        .stdout_has("required secret `JWT_SECRET` is missing")
        .run();
}

#[test]
fn check_validates_decrypted_values_when_a_key_fits() {
    let (p, _) = Project::with_secrets();
    p.set(
        "prod",
        "JWT_SECRET",
        "canary-7c21-jwt-value-0123456789abcdef",
    );
    let p = p.edit(
        "schema/env.schema.json",
        "\"minLength\": 32,",
        "\"minLength\": 32, \"pattern\": \"^jwt-\",",
    );
    let run = p.args(["check"]).status(1).run();
    assert!(!run.stdout.contains("canary-7c21") && !run.stderr.contains("canary-7c21"));
    snap!(run.transcript());
    // Without the key, only names are checked: no finding.
    let p = p.env("CFGC_AGE_KEY_FILE", "");
    p.args(["check"])
        .status(0)
        .stdout_has("names only in dev, prod (no identity)")
        .run();
}

#[test]
fn no_identity_lists_the_file_recipients_and_every_place_searched() {
    let (p, _) = Project::with_secrets();
    let wrong = age_key();
    let p = p.private_file("keys/wrong.key", &wrong.secret);
    let wrong_file = p.path("keys/wrong.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &wrong_file);
    let run = p
        .args(["secrets", "get", "prod", "JWT_SECRET"])
        .status(2)
        .unchanged()
        .run();
    snap!(run.transcript());
}

fn identity_works(p: &Project) {
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "prod-jwt-secret-0123456789abcdefghijk"
    );
}

#[test]
fn identities_are_found_in_every_documented_place() {
    let (p, key) = Project::with_secrets();
    let file = p.path("keys/test.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", "");
    // --identity, repeatable (the first does not fit).
    let other = age_key();
    let p = p.file("keys/other.key", &other.secret);
    let other_file = p.path("keys/other.key").to_string_lossy().into_owned();
    p.args([
        "secrets",
        "get",
        "prod",
        "JWT_SECRET",
        "-i",
        &other_file,
        "--identity",
        &file,
    ])
    .status(0)
    .run();
    // CFGC_AGE_KEY_FILE, CFGC_AGE_KEY (the key text), SOPS_AGE_KEY_FILE.
    for (var, value) in [
        ("CFGC_AGE_KEY_FILE", file.as_str()),
        ("CFGC_AGE_KEY", key.secret.as_str()),
        ("SOPS_AGE_KEY_FILE", file.as_str()),
    ] {
        p.args(["secrets", "get", "prod", "JWT_SECRET"])
            .env(var, value)
            .stdout("prod-jwt-secret-0123456789abcdefghijk\n")
            .run();
    }
    // The per-user default file under XDG_CONFIG_HOME.
    let p = p.file(".xdg/cfgc/age/keys.txt", &key.secret);
    let xdg = p.path(".xdg").to_string_lossy().into_owned();
    identity_works(&p.env("XDG_CONFIG_HOME", &xdg));
}

#[test]
fn project_identity_file_in_cfgc_toml_is_used() {
    let (p, _) = Project::with_secrets();
    let p = p.env("CFGC_AGE_KEY_FILE", "").edit(
        "cfgc.toml",
        "[environments.prod]\n",
        "[environments.prod]\nidentity = \"keys/test.key\"\n",
    );
    identity_works(&p);
}

#[test]
fn ssh_ed25519_keys_work_as_recipient_and_identity() {
    let p = Project::fixture("minimal");
    let status = crate::common::tools::status(
        crate::common::tools::command("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "ci@cfgc", "-f"])
            .arg(p.path("id_ed25519")),
    );
    assert!(status.success());
    let public = p.read("id_ed25519.pub");
    let toml = p.read("cfgc.toml");
    let old = toml
        .split('"')
        .find(|s| s.starts_with("age1"))
        .expect("recipient")
        .to_string();
    let p = p.file("cfgc.toml", toml.replace(&old, public.trim()));
    std::fs::remove_file(p.path(PROD)).expect("rm");
    let key = p.path("id_ed25519").to_string_lossy().into_owned();
    p.args(["secrets", "set", "prod", "JWT_SECRET", "-i", &key])
        .stdin("ssh-jwt-secret-0123456789abcdefghijklm")
        .status(0)
        .run();
    assert!(
        p.read(PROD).contains("    - ssh-ed25519 AAAA"),
        "{}",
        p.read(PROD)
    );
    let run = p
        .args(["secrets", "get", "prod", "JWT_SECRET", "-i", &key])
        .run();
    assert_eq!(
        run.stdout,
        "ssh-jwt-secret-0123456789abcdefghijklm\n",
        "{}",
        run.transcript()
    );
}

/// An EDITOR script in the project; `$1` is the decrypted copy.
fn editor(p: Project, script: &str) -> Project {
    use std::os::unix::fs::PermissionsExt;
    let p = p.file("editor.sh", format!("#!/bin/sh\nset -e\n{script}\n"));
    std::fs::set_permissions(p.path("editor.sh"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let path = p.path("editor.sh").to_string_lossy().into_owned();
    p.env("EDITOR", &path)
}

#[test]
fn edit_reencrypts_only_what_changed() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    let p = editor(
        p,
        "stat -c '%a' \"$(dirname \"$1\")\" \"$1\" > \"$(dirname \"$0\")/modes\"\nsed -i 's/^JWT_SECRET: .*/JWT_SECRET: edited-jwt-secret-0123456789abcdefghijk/' \"$1\"",
    );
    let run = p.args(["secrets", "edit", "prod"]).status(0).run();
    snap!(run.transcript());
    assert_eq!(p.read("modes"), "700\n600\n");
    let after = p.read(PROD);
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    // The value's line, the generation and the MAC.
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "edited-jwt-secret-0123456789abcdefghijk"
    );
}

#[test]
fn edit_removes_deleted_lines_and_changes_nothing_when_nothing_changed() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    let p = editor(p, "true");
    p.args(["secrets", "edit", "prod"])
        .status(0)
        .stdout_has("no changes")
        .run();
    assert_eq!(p.read(PROD), before);
    let p = editor(p, "sed -i '/^DATABASE_URL:/d' \"$1\"");
    p.args(["secrets", "edit", "prod"]).status(0).run();
    assert!(!p.read(PROD).contains("DATABASE_URL"));
}

/// The editor records where the copy was, then does `action`; afterwards the copy and
/// its folder must be gone and the secrets file unchanged.
fn edit_fails_and_cleans_up(action: &str, expect: &str) {
    let (p, _) = Project::with_secrets();
    let p = editor(
        p,
        &format!("echo \"$1\" > \"$(dirname \"$0\")/copy-path\"\n{action}"),
    );
    let before = p.read(PROD);
    p.args(["secrets", "edit", "prod"])
        .status(2)
        .stderr_has(expect)
        .run();
    let copy = std::path::PathBuf::from(p.read("copy-path").trim());
    assert!(
        !copy.exists(),
        "the decrypted copy was left at {}",
        copy.display()
    );
    assert!(
        !copy.parent().expect("folder").exists(),
        "the private folder was left"
    );
    assert_eq!(p.read(PROD), before);
}

#[test]
fn edit_removes_the_copy_when_the_editor_fails() {
    edit_fails_and_cleans_up("exit 3", "exited with exit status: 3: nothing was changed");
}

#[test]
fn edit_removes_the_copy_on_ctrl_c() {
    // SIGINT to cfgc (the editor's parent) while the editor runs, then an edit that must
    // not be saved.
    edit_fails_and_cleans_up(
        "pid=$PPID\nwhile [ \"$(cat /proc/$pid/comm)\" != cfgc ]; do pid=$(cut -d' ' -f4 /proc/$pid/stat); done\nkill -INT $pid\nsleep 0.3\nsed -i 's/^JWT_SECRET: .*/JWT_SECRET: not-saved-0123456789abcdefghijklmnop/' \"$1\"",
        "interrupted: nothing was changed",
    );
}

#[test]
fn edit_with_invalid_yaml_shows_the_line_masked() {
    let (p, _) = Project::with_secrets();
    let p = editor(p, "echo 'JWT_SECRET: \"canary-9e0f unterminated' >> \"$1\"");
    let run = p
        .args(["secrets", "edit", "prod"])
        .status(2)
        .stderr_lacks("canary-9e0f")
        .stderr_lacks("prod-jwt-secret")
        .run();
    snap!(run.transcript());
}

#[test]
fn edit_refuses_a_value_that_fails_the_schema() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    let p = editor(
        p,
        "sed -i 's/^JWT_SECRET: .*/JWT_SECRET: short-canary-3d2a/' \"$1\"",
    );
    p.args(["secrets", "edit", "prod"])
        .status(1)
        .stderr_lacks("canary-3d2a")
        .stderr_has("`JWT_SECRET` must be at least 32 characters long")
        .run();
    assert_eq!(p.read(PROD), before);
}

#[test]
fn a_file_changed_by_someone_else_meanwhile_is_not_overwritten() {
    // While the editor is open, another `cfgc secrets set` writes the file.
    let (p, _) = Project::with_secrets();
    let cfgc = env!("CARGO_BIN_EXE_cfgc");
    let p = editor(
        p,
        &format!(
            "printf %s other-writer-jwt-secret-0123456789abcdef | {cfgc} secrets set prod JWT_SECRET\nsed -i 's/^DATABASE_URL: .*/DATABASE_URL: postgres:\\/\\/lost@db\\/x/' \"$1\""
        ),
    );
    p.args(["secrets", "edit", "prod"])
        .status(2)
        .stderr_has("changed while cfgc was working on it: nothing was written")
        .run();
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "other-writer-jwt-secret-0123456789abcdef"
    );
    assert_eq!(
        p.get("prod", "DATABASE_URL"),
        "postgres://app:prod@db.example.com/app"
    );
}

#[test]
fn check_reports_recipients_that_differ_from_cfgc_toml() {
    let (p, key) = Project::with_secrets();
    let other = age_key();
    let toml = p.read("cfgc.toml");
    let at = toml.rfind(&key.public).expect("prod recipient");
    let mut changed = toml.clone();
    changed.replace_range(at..at + key.public.len(), &other.public);
    let p = p.file("cfgc.toml", &changed).env("CFGC_AGE_KEY_FILE", "");
    let run = p.args(["check"]).status(1).run();
    snap!(run.transcript());
    // A write keeps the file's recipients, and says so.
    let file = p.path("keys/test.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &file);
    p.args(["secrets", "set", "prod", "JWT_SECRET"])
        .stdin("still-old-recipients-0123456789abcdefghij")
        .status(0)
        .stdout_has("is encrypted to other recipients than cfgc.toml lists for prod; run `cfgc secrets rekey prod`")
        .run();
}

#[test]
fn edit_creates_a_missing_file() {
    let (p, _) = Project::with_secrets();
    std::fs::remove_file(p.path(PROD)).expect("rm");
    let p = editor(
        p,
        "sed -i 's/^# JWT_SECRET: $/JWT_SECRET: created-in-editor-0123456789abcdefghij/' \"$1\"",
    );
    p.args(["secrets", "edit", "prod"]).status(0).run();
    assert_eq!(
        p.get("prod", "JWT_SECRET"),
        "created-in-editor-0123456789abcdefghij"
    );
}
