//! Keys where sops and age users keep them: `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`,
//! `SOPS_AGE_KEY_CMD`, sops's keys.txt, `~/.ssh/id_ed25519` and `~/.ssh/id_rsa`, and
//! passphrase-protected identities (made by the real `age -p`, and ssh-keygen -N) asked for
//! on a real terminal (a pty from `script`). Keys are generated per test (age-keygen,
//! ssh-keygen, the age crate).

use std::io::Write;
use std::process::{Output, Stdio};

use crate::common::{Key, Project, tools};

const DB: &str = "postgres://app:dev@localhost:5432/app";

/// The minimal project with secrets encrypted to a fresh key, and no key variable set:
/// each test says where the key is.
fn keyless() -> (Project, Key) {
    let (p, key) = Project::with_secrets();
    (p.unset("CFGC_AGE_KEY_FILE"), key)
}

fn get_db(p: &Project) -> crate::common::Run {
    p.args(["secrets", "get", "dev", "DATABASE_URL"]).run()
}

#[test]
fn sops_age_key_holds_the_identities() {
    let (p, key) = keyless();
    let p = p.env("SOPS_AGE_KEY", &format!("# a comment\n{}\n", key.secret));
    let run = get_db(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, format!("{DB}\n"));
}

#[test]
fn sops_age_key_file_and_sops_key_path_under_xdg_config_home() {
    let (p, key) = keyless();
    let p = p.private_file("elsewhere/k.txt", format!("{}\n", key.secret));
    let file = p.path("elsewhere/k.txt").to_string_lossy().into_owned();
    let run = get_db(&p.env("SOPS_AGE_KEY_FILE", &file));
    assert_eq!(run.code, 0, "{}", run.transcript());

    let (p, key) = keyless();
    let p = p.private_file("xdg/sops/age/keys.txt", format!("{}\n", key.secret));
    let xdg = p.path("xdg").to_string_lossy().into_owned();
    let run = get_db(&p.env("XDG_CONFIG_HOME", &xdg));
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn sops_key_path_under_home_when_xdg_config_home_is_unset() {
    let (p, key) = keyless();
    let p = p.private_file(
        "home/.config/sops/age/keys.txt",
        format!("{}\n", key.secret),
    );
    let home = p.path("home").to_string_lossy().into_owned();
    let p = p.env("HOME", &home).env("XDG_CONFIG_HOME", "");
    let run = get_db(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn sops_age_key_cmd_output_is_read_and_never_echoed() {
    let (p, key) = keyless();
    let p = p.private_file("vault/k.txt", format!("{}\n", key.secret));
    let file = p.path("vault/k.txt").to_string_lossy().into_owned();
    let ok = p.env("SOPS_AGE_KEY_CMD", &format!("cat '{file}'"));
    let run = get_db(&ok);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, format!("{DB}\n"));

    // A command that prints the key and then fails: an error naming the variable and the
    // program, never its output.
    let failing = ok.env(
        "SOPS_AGE_KEY_CMD",
        &format!("sh -c 'cat \"{file}\"; echo vault locked >&2; exit 3'"),
    );
    let run = get_db(&failing);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("SOPS_AGE_KEY_CMD"), "{}", run.stderr);
    assert!(run.stderr.contains("`sh` failed"), "{}", run.stderr);
    assert!(
        run.stderr.contains("vault locked"),
        "its own stderr: {}",
        run.stderr
    );
    let canary = &key.secret["AGE-SECRET-KEY-1".len()..];
    assert!(!run.stdout.contains(canary) && !run.stderr.contains(canary));
}

#[test]
fn sops_age_key_cmd_errors_say_what_to_do() {
    let (p, _) = keyless();
    let missing = p.env("SOPS_AGE_KEY_CMD", "no-such-key-program --token s3cr3t");
    let run = get_db(&missing);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("SOPS_AGE_KEY_CMD: cannot run `no-such-key-program`"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("s3cr3t"),
        "arguments stay out: {}",
        run.stderr
    );
    let endless = missing.env("SOPS_AGE_KEY_CMD", "yes AGE-SECRET-KEY-1");
    let run = get_db(&endless);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("wrote more than"), "{}", run.stderr);
    let unbalanced = endless.env("SOPS_AGE_KEY_CMD", "cat 'oops");
    let run = get_db(&unbalanced);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("unclosed quote"), "{}", run.stderr);
}

/// The minimal project with `dev`'s secrets encrypted to `recipient` (written by `secrets
/// set`, which needs no key for a new file), HOME at `home/`.
fn project_for(p: Project, recipient: &str) -> Project {
    let toml = p.read("cfgc.toml");
    let old = toml
        .split('"')
        .find(|s| s.starts_with("age1"))
        .expect("a recipient")
        .to_string();
    std::fs::remove_file(p.path("environments/dev.secrets.yaml")).expect("rm");
    std::fs::remove_file(p.path("environments/prod.secrets.yaml")).expect("rm");
    let home = p.path("home").to_string_lossy().into_owned();
    let p = p
        .file("cfgc.toml", toml.replace(&old, recipient))
        .env("HOME", &home);
    p.set("dev", "DATABASE_URL", DB);
    p
}

/// A project whose secrets are encrypted to an SSH key made by ssh-keygen in a scratch
/// HOME (`~/.ssh/<name>`, with `passphrase`).
fn ssh_project(kind: &str, name: &str, passphrase: &str) -> Project {
    let p = Project::fixture("minimal");
    std::fs::create_dir_all(p.path("home/.ssh")).expect("mkdir .ssh");
    let key = p.path(&format!("home/.ssh/{name}"));
    let mut keygen = tools::command("ssh-keygen");
    keygen.args(["-q", "-t", kind, "-N", passphrase, "-C", "test", "-f"]);
    keygen.arg(&key);
    if kind == "rsa" {
        keygen.args(["-b", "2048"]);
    }
    let made = tools::output(&mut keygen);
    assert!(made.status.success(), "{made:?}");
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    project_for(p, public.trim())
}

#[test]
fn sops_key_file_under_home_written_by_age_keygen() {
    let p = Project::fixture("minimal");
    std::fs::create_dir_all(p.path("home/.config/sops/age")).expect("mkdir");
    let keys = p.path("home/.config/sops/age/keys.txt");
    let made = tools::output(tools::command("age-keygen").arg("-o").arg(&keys));
    assert!(made.status.success(), "{made:?}");
    let public = tools::output(tools::command("age-keygen").arg("-y").arg(&keys));
    assert!(public.status.success(), "{public:?}");
    let p =
        project_for(p, String::from_utf8_lossy(&public.stdout).trim()).env("XDG_CONFIG_HOME", "");
    let run = get_db(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, format!("{DB}\n"));
}

#[test]
fn the_default_ssh_keys_open_secrets() {
    for (kind, name) in [("ed25519", "id_ed25519"), ("rsa", "id_rsa")] {
        let p = ssh_project(kind, name, "");
        let run = get_db(&p);
        assert_eq!(run.code, 0, "{name}: {}", run.transcript());
        assert_eq!(run.stdout, format!("{DB}\n"));
    }
}

#[test]
fn a_default_ssh_key_with_a_passphrase_is_passed_over_not_asked_for() {
    let p = ssh_project("ed25519", "id_ed25519", "correct horse");
    let run = get_db(&p);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("passphrase-protected, passed over"),
        "{}",
        run.stderr
    );
}

/// `command` run by `sh` on a pty from `script` (programs that read a passphrase want a
/// terminal, not a pipe), with `typed` written to it.
fn on_a_terminal(p: &Project, command: &str, typed: &str) -> Output {
    let mut cmd = p.command_through("script", &["-q", "-e", "-c", command, "/dev/null"]);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = tools::spawn(&mut cmd);
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(typed.as_bytes())
        .expect("type");
    child.wait_with_output().expect("wait for script")
}

/// The project's key file encrypted with `passphrase` by the real `age -p` (which reads
/// the passphrase, twice, from a terminal: a pty from `script`), named by CFGC_AGE_KEY_FILE.
fn with_encrypted_key(passphrase: &str) -> Project {
    let (p, _key) = keyless();
    let out = on_a_terminal(
        &p,
        "age -p -o keys/locked.age keys/test.key",
        &format!("{passphrase}\n{passphrase}\n"),
    );
    assert!(out.status.success(), "age -p: {out:?}");
    let locked = std::fs::read(p.path("keys/locked.age")).expect("age -p wrote the file");
    assert!(locked.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    std::fs::remove_file(p.path("keys/test.key")).expect("only the encrypted key is left");
    let file = p.path("keys/locked.age").to_string_lossy().into_owned();
    p.env("CFGC_AGE_KEY_FILE", &file)
}

/// `cfgc secrets get dev DATABASE_URL` on a real terminal (a pty from `script`), the
/// passphrase typed on it.
fn get_on_a_terminal(p: &Project, typed: &str) -> (i32, String) {
    let out = on_a_terminal(p, "'{cfgc}' secrets get dev DATABASE_URL", typed);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_passphrase_protected_identity_file_is_asked_for_on_the_terminal() {
    let p = with_encrypted_key("tr0ub4dor&3");
    let (code, text) = get_on_a_terminal(&p, "tr0ub4dor&3\n");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Enter passphrase for"), "{text}");
    assert!(text.contains(DB), "{text}");

    let (code, text) = get_on_a_terminal(&p, "wrong\n");
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("wrong passphrase"), "{text}");
    assert!(!text.contains(DB), "{text}");
}

#[test]
fn a_named_ssh_key_with_a_passphrase_is_asked_for_on_the_terminal() {
    let p = ssh_project("ed25519", "id_ed25519", "correct horse");
    let key = p
        .path("home/.ssh/id_ed25519")
        .to_string_lossy()
        .into_owned();
    let p = p.env("SOPS_AGE_SSH_PRIVATE_KEY_FILE", &key);
    let (code, text) = get_on_a_terminal(&p, "correct horse\n");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Enter passphrase for"), "{text}");
    assert!(text.contains(DB), "{text}");
}

#[test]
fn a_passphrase_protected_identity_file_without_a_terminal_says_what_to_do() {
    let p = with_encrypted_key("tr0ub4dor&3");
    // setsid: a new session has no controlling terminal, even when the tests run in one.
    p.through("setsid", &["-w", "{cfgc}"])
        .args(["secrets", "get", "dev", "DATABASE_URL"])
        .status(2)
        .stderr_has("is passphrase-protected, and there is no terminal to ask for its passphrase")
        .stderr_has("SOPS_AGE_KEY_CMD")
        .stderr_lacks("unencrypted")
        .run();
}
