//! Damaged secrets files: each gives an error with file and line, exit 2, and every
//! command leaves every file as it was.

use crate::common::Project;
use insta::assert_snapshot;

const PROD: &str = "environments/prod.secrets.yaml";

/// Every command that reads `prod`'s file fails with exit 2, names `at`
/// (`file:line`) and changes no file; returns `get`'s transcript.
fn every_command_refuses(p: &Project, at: &str) -> String {
    let mut first = None;
    for (args, stdin) in [
        (vec!["secrets", "get", "prod", "JWT_SECRET"], None),
        (
            vec!["secrets", "set", "prod", "JWT_SECRET"],
            Some("a-valid-new-jwt-secret-0123456789abcdef"),
        ),
        (vec!["secrets", "rm", "prod", "DATABASE_URL"], None),
        (vec!["secrets", "edit", "prod"], None),
        (vec!["secrets", "rekey"], None),
        (vec!["secrets", "rekey", "--rotate"], None),
        (vec!["secrets", "list", "prod"], None),
        (vec!["check"], None),
    ] {
        let run = p
            .args(&args)
            .stdin(stdin.unwrap_or_default())
            .unchanged()
            .run();
        let expect_code = if args == ["check"] && !run.stderr.contains("-->") {
            1
        } else {
            2
        };
        assert_eq!(run.code, expect_code, "{args:?}: {}", run.transcript());
        let shown = format!("{}{}", run.stdout, run.stderr);
        assert!(shown.contains(at), "{args:?}: expected `{at}` in\n{shown}");
        first.get_or_insert(run.transcript());
    }
    first.expect("ran")
}

fn project() -> Project {
    let (p, _) = Project::with_secrets();
    // An editor that would change the file, were it ever opened.
    p.env("EDITOR", "sed -i s/x/y/")
}

#[test]
fn empty_file() {
    let p = project().file(PROD, "");
    assert_snapshot!(every_command_refuses(
        &p,
        "environments/prod.secrets.yaml:1:1"
    ));
}

#[test]
fn truncated_file() {
    let p = project();
    let text = p.read(PROD);
    let cut = &text[..text.find("  data_key: |").expect("data key") + 60];
    let p = p.file(PROD, cut);
    assert_snapshot!(every_command_refuses(&p, "environments/prod.secrets.yaml:"));
}

#[test]
fn garbled_file() {
    let p = project();
    let mut bytes = p.read(PROD).into_bytes();
    let mid = bytes.len() / 2;
    bytes.splice(
        mid..mid + 8,
        [0xff, 0xfe, b':', b'[', 0x00, b'{', b'"', b'\n'],
    );
    std::fs::write(p.path(PROD), &bytes).expect("write");
    every_command_refuses(&p, "environments/prod.secrets.yaml:");
    let p = p.file(PROD, "JWT_SECRET: [unclosed\ncfgc: {\n");
    every_command_refuses(&p, "environments/prod.secrets.yaml:");
}

#[test]
fn wrong_format_version() {
    let p = project().edit(PROD, "version: 1", "version: 2");
    assert_snapshot!(every_command_refuses(
        &p,
        "environments/prod.secrets.yaml:5:12"
    ));
    let p = project();
    let line = p.line(PROD, "JWT_SECRET: ");
    let p = p.edit(PROD, &line, &line.replace("ENC[v1,", "ENC[v7,"));
    every_command_refuses(&p, "environments/prod.secrets.yaml:3:13");
}

#[test]
fn hand_edited_plaintext_value_is_named_and_masked() {
    let p = project();
    let line = p.line(PROD, "JWT_SECRET: ");
    let p = p.edit(
        PROD,
        &line,
        "JWT_SECRET: canary-hand-typed-5e6f-0123456789abcdefgh",
    );
    let out = every_command_refuses(&p, "environments/prod.secrets.yaml:3:13");
    assert!(!out.contains("canary-hand-typed"), "{out}");
    assert_snapshot!(out);
}

#[test]
fn damaged_data_key() {
    let p = project();
    let text = p.read(PROD);
    let start = text
        .find("-----BEGIN AGE ENCRYPTED FILE-----\n")
        .expect("armor")
        + 40;
    let mut bytes = text.into_bytes();
    bytes[start + 10] = if bytes[start + 10] == b'A' {
        b'B'
    } else {
        b'A'
    };
    std::fs::write(p.path(PROD), &bytes).expect("write");
    let run = p
        .args(["secrets", "get", "prod", "JWT_SECRET"])
        .status(2)
        .stderr_has("environments/prod.secrets.yaml:")
        .unchanged()
        .run();
    assert!(
        run.stderr.contains("secrets-data-key") || run.stderr.contains("no-identity"),
        "{}",
        run.stderr
    );
}

#[test]
fn metadata_missing_or_unknown() {
    let p = project();
    let text = p.read(PROD);
    let p = p.file(
        PROD,
        text.replace(
            "  environment: prod\n",
            "  environment: prod\n  comment: hello\n",
        ),
    );
    every_command_refuses(&p, "environments/prod.secrets.yaml:8:3");
    let p = project();
    let mac = p.line(PROD, "  mac: ");
    let p = p.edit(PROD, &format!("{mac}\n"), "");
    every_command_refuses(&p, "environments/prod.secrets.yaml:");
}
