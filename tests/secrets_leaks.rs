//! The canary: a unique secret value goes through every command, on success and error
//! paths, and must never appear in stdout or stderr, except from `secrets get`.

use crate::common::{Project, age_key};

const CANARY: &str = "canary-0d9c7e41";
const PROD: &str = "environments/prod.secrets.yaml";

fn assert_clean(p: &Project, args: &[&str], stdin: Option<&str>, seen: &mut Vec<String>) -> i32 {
    let run = p.args(args).stdin(stdin.unwrap_or_default()).run();
    assert!(
        !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
        "`cfgc {}` printed the secret:\n{}",
        args.join(" "),
        run.transcript()
    );
    seen.push(format!("{} -> {}", args.join(" "), run.code));
    run.code
}

fn editor(p: Project, script: &str) -> Project {
    use std::os::unix::fs::PermissionsExt;
    let p = p.file("editor.sh", format!("#!/bin/sh\n{script}\n"));
    std::fs::set_permissions(p.path("editor.sh"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let path = p.path("editor.sh").to_string_lossy().into_owned();
    p.env("EDITOR", &path)
}

#[test]
fn the_canary_never_appears_outside_secrets_get() {
    let jwt = format!("{CANARY}-jwt-0123456789abcdefghijklmnop");
    let db = format!("postgres://app:{CANARY}@db.example.com/app");
    let (p, _) = Project::with_secrets();
    // `--format json|github` is output that leaves: the code must be the trusted code.
    let p = crate::common::git::committed(p);
    let mut seen = Vec::new();
    let ok = |code: i32| assert_eq!(code, 0);

    // Success paths.
    ok(assert_clean(
        &p,
        &["secrets", "set", "prod", "JWT_SECRET"],
        Some(&jwt),
        &mut seen,
    ));
    ok(assert_clean(
        &p,
        &["secrets", "set", "prod", "DATABASE_URL"],
        Some(&db),
        &mut seen,
    ));
    ok(assert_clean(
        &p,
        &["secrets", "set", "prod", "JWT_SECRET"],
        Some(&jwt),
        &mut seen,
    ));
    ok(assert_clean(
        &p,
        &["secrets", "list", "prod"],
        None,
        &mut seen,
    ));
    for format in ["human", "json", "github"] {
        ok(assert_clean(
            &p,
            &["check", "--format", format],
            None,
            &mut seen,
        ));
    }
    let get = p.args(["secrets", "get", "prod", "JWT_SECRET"]).run();
    assert_eq!(get.stdout, format!("{jwt}\n"), "get prints the value");
    let p = editor(p, "true");
    ok(assert_clean(
        &p,
        &["secrets", "edit", "prod"],
        None,
        &mut seen,
    ));
    ok(assert_clean(&p, &["secrets", "rekey"], None, &mut seen));
    ok(assert_clean(
        &p,
        &["secrets", "rekey", "--rotate"],
        None,
        &mut seen,
    ));

    // Schema violations of the canary secret: on set, on edit, and in check with a key.
    let short = format!("{CANARY}-short");
    assert_eq!(
        assert_clean(
            &p,
            &["secrets", "set", "prod", "JWT_SECRET"],
            Some(&short),
            &mut seen
        ),
        1
    );
    assert_eq!(
        assert_clean(
            &p,
            &["secrets", "set", "prod", "DATABASE_URL"],
            Some(&format!("not a url {CANARY}")),
            &mut seen
        ),
        1
    );
    let p = editor(
        p,
        &format!("sed -i 's/^JWT_SECRET: .*/JWT_SECRET: {short}/' \"$1\""),
    );
    assert_eq!(
        assert_clean(&p, &["secrets", "edit", "prod"], None, &mut seen),
        1
    );
    let p = editor(
        p,
        &format!("echo 'JWT_SECRET: \"{CANARY} unterminated' >> \"$1\""),
    );
    assert_eq!(
        assert_clean(&p, &["secrets", "edit", "prod"], None, &mut seen),
        2
    );
    let p = editor(p, "exit 1");
    assert_eq!(
        assert_clean(&p, &["secrets", "edit", "prod"], None, &mut seen),
        2
    );
    let strict = p.edit(
        "schema/env.schema.json",
        "\"minLength\": 32,",
        "\"minLength\": 32, \"pattern\": \"^jwt-\", \"maxLength\": 33,",
    );
    crate::common::git::commit(&strict, "a stricter schema");
    for format in ["human", "json", "github"] {
        assert_eq!(
            assert_clean(&strict, &["check", "--format", format], None, &mut seen),
            1
        );
    }
    let p = strict.edit(
        "schema/env.schema.json",
        "\"minLength\": 32, \"pattern\": \"^jwt-\", \"maxLength\": 33,",
        "\"minLength\": 32,",
    );

    // Decryption errors: tampering, a wrong identity, no identity.
    let line = p.line(PROD, "JWT_SECRET: ");
    let db_line = p.line(PROD, "DATABASE_URL: ");
    let tampered = p.edit(
        PROD,
        &line,
        &db_line.replacen("DATABASE_URL", "JWT_SECRET", 1),
    );
    for args in [
        vec!["secrets", "get", "prod", "JWT_SECRET"],
        vec!["check"],
        vec!["secrets", "rm", "prod", "JWT_SECRET"],
    ] {
        assert_ne!(assert_clean(&tampered, &args, None, &mut seen), 0);
    }
    let p = tampered.edit(
        PROD,
        &db_line.replacen("DATABASE_URL", "JWT_SECRET", 1),
        &line,
    );
    let wrong = age_key();
    let p = p.file("keys/wrong.key", &wrong.secret);
    let wrong_file = p.path("keys/wrong.key").to_string_lossy().into_owned();
    let good_file = p.path("keys/test.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &wrong_file);
    assert_eq!(
        assert_clean(
            &p,
            &["secrets", "get", "prod", "JWT_SECRET"],
            None,
            &mut seen
        ),
        2
    );
    ok(assert_clean(&p, &["check"], None, &mut seen));
    let p = p.env("CFGC_AGE_KEY_FILE", &good_file);

    // A secret hand-typed in plain text into the secrets file, valid YAML or not.
    let plain = p.edit(PROD, &line, &format!("JWT_SECRET: {jwt}"));
    for args in [
        vec!["check"],
        vec!["secrets", "list", "prod"],
        vec!["secrets", "get", "prod", "DATABASE_URL"],
    ] {
        assert_eq!(assert_clean(&plain, &args, None, &mut seen), 2);
    }
    let broken = plain.edit(
        PROD,
        &format!("JWT_SECRET: {jwt}"),
        &format!("JWT_SECRET: \"{jwt}\n  bad: [indent"),
    );
    for args in [vec!["check"], vec!["secrets", "set", "prod", "JWT_SECRET"]] {
        assert_eq!(assert_clean(&broken, &args, Some("x"), &mut seen), 2);
    }
    let p = broken.edit(PROD, &format!("JWT_SECRET: \"{jwt}\n  bad: [indent"), &line);

    // And in a plain layer, where it does not belong.
    let layer = p.append("environments/prod.yaml", &format!("JWT_SECRET: {jwt}\n"));
    assert_eq!(assert_clean(&layer, &["check"], None, &mut seen), 1);
    let p = layer.edit(
        "environments/prod.yaml",
        &format!("JWT_SECRET: {jwt}\n"),
        "",
    );

    ok(assert_clean(
        &p,
        &["secrets", "rm", "prod", "JWT_SECRET"],
        None,
        &mut seen,
    ));
    assert!(seen.len() >= 28, "{seen:#?}");
}
