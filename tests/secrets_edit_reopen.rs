//! `secrets edit` on a terminal reopens the editor when the saved copy is refused, with the
//! error (never a value) as comments at the top; quitting (the copy saved unchanged) ends
//! with nothing changed. A scripted EDITOR does something different on each round.

use std::io::Write;
use std::process::Stdio;

use crate::common::{Project, tools};

const PROD: &str = "environments/prod.secrets.yaml";
const NEW_JWT: &str = "edited-jwt-secret-0123456789abcdefghijk";

/// An EDITOR that counts its rounds in `rounds`, logs the comment lines it was shown to
/// `seen.N`, then runs the case for its round.
fn editor(p: Project, cases: &[&str]) -> Project {
    use std::os::unix::fs::PermissionsExt;
    let mut script = String::from(
        "#!/bin/sh\nset -e\nd=\"$(dirname \"$0\")\"\nn=$(( $(cat \"$d/rounds\" 2>/dev/null || echo 0) + 1 ))\n\
         echo $n > \"$d/rounds\"\ngrep '^#' \"$1\" > \"$d/seen.$n\" || true\ncase $n in\n",
    );
    for (i, case) in cases.iter().enumerate() {
        script.push_str(&format!("{}) {case} ;;\n", i + 1));
    }
    script.push_str("esac\n");
    let p = p.file("editor.sh", &script);
    std::fs::set_permissions(p.path("editor.sh"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let path = p.path("editor.sh").to_string_lossy().into_owned();
    p.env("EDITOR", &path)
}

/// `cfgc secrets edit prod` on a pty (`script`), as a person at a terminal runs it.
fn edit_on_a_terminal(p: &Project) -> (i32, String) {
    let mut cmd = p.command_through(
        "script",
        &["-q", "-e", "-c", "'{cfgc}' secrets edit prod", "/dev/null"],
    );
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = tools::spawn(&mut cmd);
    let _ = child.stdin.take().expect("stdin").write_all(b"");
    let out = child.wait_with_output().expect("wait for script");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn secrets_edit_threw_away_every_edit_on_an_error() {
    let (p, _) = Project::with_secrets();
    let old_jwt = p.get("prod", "JWT_SECRET");
    let p = editor(
        p,
        &[
            "sed -i 's/^JWT_SECRET: /JWT_SECRET: [oops /' \"$1\"",
            "sed -i 's/^JWT_SECRET: \\[oops /JWT_SECRET: /' \"$1\"; echo 'NO_SUCH_SECRET: x' >> \"$1\"",
            &format!(
                "sed -i '/^NO_SUCH_SECRET/d; s/^JWT_SECRET: .*/JWT_SECRET: {NEW_JWT}/' \"$1\""
            ),
        ],
    );
    let (code, output) = edit_on_a_terminal(&p);
    assert_eq!(code, 0, "{output}");
    assert_eq!(p.read("rounds"), "3\n");
    assert_eq!(p.get("prod", "JWT_SECRET"), NEW_JWT);
    let second = p.read("seen.2");
    let third = p.read("seen.3");
    assert!(second.contains("NOT saved"), "{second}");
    assert!(
        second.contains("decrypted copy"),
        "the YAML error's place: {second}"
    );
    assert!(third.contains("unknown secret `NO_SUCH_SECRET`"), "{third}");
    assert!(
        !third.contains("[oops"),
        "headers pile up or show a line: {third}"
    );
    for seen in [&second, &third] {
        assert!(!seen.contains(&old_jwt), "a value in the header: {seen}");
        assert!(
            !seen.contains("postgres://"),
            "a value in the header: {seen}"
        );
        assert_eq!(seen.matches("NOT saved").count(), 1, "{seen}");
    }
}

#[test]
fn saving_the_reopened_copy_unchanged_quits_with_nothing_changed() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    let p = editor(p, &["echo 'NO_SUCH_SECRET: x' >> \"$1\"", "true"]);
    let (code, output) = edit_on_a_terminal(&p);
    assert_ne!(code, 0, "{output}");
    assert_eq!(p.read("rounds"), "2\n");
    assert!(
        output.contains("unknown secret `NO_SUCH_SECRET`"),
        "{output}"
    );
    assert_eq!(p.read(PROD), before);
}

#[test]
fn without_a_terminal_the_first_error_ends_the_edit() {
    let (p, _) = Project::with_secrets();
    let before = p.read(PROD);
    let p = editor(p, &["echo 'NO_SUCH_SECRET: x' >> \"$1\"", "exit 9"]);
    p.args(["secrets", "edit", "prod"]).status(1).run();
    assert_eq!(p.read("rounds"), "1\n");
    assert_eq!(p.read(PROD), before);
}

#[test]
fn a_value_the_schema_refuses_is_reopened_without_showing_it() {
    let (p, _) = Project::with_secrets();
    let p = editor(
        p,
        &[
            "sed -i 's/^JWT_SECRET: .*/JWT_SECRET: shortc4n4ry/' \"$1\"",
            &format!("sed -i 's/^JWT_SECRET: .*/JWT_SECRET: {NEW_JWT}/' \"$1\""),
        ],
    );
    let (code, output) = edit_on_a_terminal(&p);
    assert_eq!(code, 0, "{output}");
    assert_eq!(p.get("prod", "JWT_SECRET"), NEW_JWT);
    let second = p.read("seen.2");
    assert!(second.contains("JWT_SECRET"), "{second}");
    assert!(
        !second.contains("c4n4ry"),
        "the value in the header: {second}"
    );
    assert!(
        !output.contains("c4n4ry"),
        "the value on the terminal: {output}"
    );
}
