//! Masking by construction: no form of a secret reaches `plan`, `apply` or `--format json`,
//! whatever the template does with it and whatever format it lands in. Each case below
//! leaked on the masker that searched diff lines for the raw value.

use crate::common::Project;

/// A project with secret-bearing outputs (`name`, format, template) for `dev`.
fn project(outputs: &[(&str, &str, &str)]) -> Project {
    let (mut p, _) = Project::with_secrets();
    for (file, format, template) in outputs {
        let name: String = file
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        p = p
            .append(
                "cfgc.toml",
                &format!(
                    "\n[outputs.{name}]\ntemplate = \"templates/{name}.j2\"\npath = \"deploy/{{env}}/{file}\"\nformat = \"{format}\"\nsecrets = true\nenvironments = [\"dev\"]\n"
                ),
            )
            .file(&format!("templates/{name}.j2"), template);
    }
    // `plan --format json` is output that leaves: the code must be the trusted code.
    crate::common::git::committed(p)
}

/// Every command that shows rendered text, before and after the secret changes, with
/// stale secrets on disk; none may show any of `forbidden` (compared case-insensitively,
/// and reversed).
/// Returns the transcripts, the first plan's first.
fn never_shown(
    p: &Project,
    secret: &str,
    first: &str,
    second: &str,
    forbidden: &[&str],
) -> Vec<String> {
    p.set("dev", secret, first);
    let mut transcripts = Vec::new();
    for args in [
        &["plan", "dev"][..],
        &["plan", "dev", "--format", "json"],
        &["apply", "--yes", "dev"],
    ] {
        let run = p.args(args).run();
        assert_eq!(run.code, 0, "{args:?}: {}", run.transcript());
        transcripts.push(run.transcript());
    }
    p.set("dev", secret, second);
    for args in [
        &["plan", "dev", "--exit-code"][..],
        &["plan", "dev", "--format", "json"],
        &["apply", "--yes", "dev"],
    ] {
        let run = p.args(args).run();
        assert!(matches!(run.code, 0 | 3), "{args:?}: {}", run.transcript());
        transcripts.push(run.transcript());
    }
    assert!(
        transcripts[3].contains("<secret "),
        "the changed line is shown masked:\n{}",
        transcripts[3]
    );
    for t in &transcripts {
        let lower = t.to_lowercase();
        for word in forbidden {
            let word = word.to_lowercase();
            let reversed: String = word.chars().rev().collect();
            assert!(
                !lower.contains(&word) && !lower.contains(&reversed),
                "`{word}` leaked:\n{t}"
            );
        }
    }
    transcripts
}

#[test]
fn a_multi_line_secret_is_masked_on_every_line() {
    let p = project(&[(
        ".env",
        "dotenv",
        "JWT_SECRET={{ JWT_SECRET }}\nPORT={{ PORT }}\n",
    )]);
    let shown = never_shown(
        &p,
        "JWT_SECRET",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANKIWICANARYline2\nPAPAYACANARYline3xx\n-----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANMANGOCANARYline2\nGUAVACANARYline3xx\n-----END PRIVATE KEY-----",
        &[
            "KIWICANARY",
            "PAPAYACANARY",
            "MANGOCANARY",
            "GUAVACANARY",
            "MIIEvQ",
        ],
    );
    assert!(shown[0].contains("+JWT_SECRET=<secret "), "{}", shown[0]);
    assert!(shown[0].contains("\n+<secret "), "{}", shown[0]);
    assert!(shown[0].contains("+PORT=8080"), "{}", shown[0]);
}

#[test]
fn escaped_forms_of_a_secret_are_masked_in_every_format() {
    let p = project(&[
        (
            "app.yaml",
            "yaml",
            "jwt: {{ JWT_SECRET }}\nport: {{ PORT }}\n",
        ),
        (
            "app.json",
            "json",
            "{\n  \"jwt\": {{ JWT_SECRET }},\n  \"port\": {{ PORT }}\n}\n",
        ),
        (
            "app.conf",
            "nginx",
            "set $jwt {{ JWT_SECRET }};\nlisten {{ PORT }};\n",
        ),
        ("app.txt", "text", "jwt {{ JWT_SECRET }}\n"),
        (".env", "dotenv", "JWT_SECRET={{ JWT_SECRET }}\n"),
    ]);
    let shown = never_shown(
        &p,
        "JWT_SECRET",
        "ab\"cd\\ef KIWICANARY 0123456789 abcdefghij",
        "ab\"cd\\ef MANGOCANARY 0123456789 abcdefghij",
        &["KIWICANARY", "MANGOCANARY", "ab\\\"cd", "ab\"cd"],
    );
    // Each format keeps what names the line, and only that.
    for kept in [
        "+jwt: <secret ",
        "+  \"jwt\": <secret ",
        "+set <secret ",
        "+JWT_SECRET=<secret ",
        "+<secret ",
        "+port: 8080",
        "+listen 8080;",
    ] {
        assert!(shown[0].contains(kept), "{kept}:\n{}", shown[0]);
    }
}

#[test]
fn transformed_secrets_are_masked() {
    let template = "a: {{ DATABASE_URL|replace(\"postgres://\", \"postgresql://\") }}\n\
                    b: {{ DATABASE_URL|upper }}\n\
                    c: {{ DATABASE_URL|title }}\n\
                    d: {{ DATABASE_URL|reverse }}\n\
                    e: {{ DATABASE_URL[20:] }}\n\
                    f: {{ \"host=db \" ~ DATABASE_URL ~ \" sslmode=require\" }}\n\
                    port: {{ PORT }}\n";
    let p = project(&[("db.yaml", "yaml", template)]);
    never_shown(
        &p,
        "DATABASE_URL",
        "postgres://app:KIWICANARY@db.example.com/app",
        "postgres://app:MANGOCANARY@db.example.com/app",
        &["KIWICANARY", "MANGOCANARY", "example.com/app"],
    );
}

#[test]
fn the_same_secret_in_two_outputs_is_masked_in_both() {
    let p = project(&[
        (".env", "dotenv", "JWT_SECRET={{ JWT_SECRET }}\n"),
        ("jwt.json", "json", "{\"jwt\": {{ secrets.JWT_SECRET }}}\n"),
    ]);
    never_shown(
        &p,
        "JWT_SECRET",
        "KIWICANARY-0123456789-abcdefghijklmnopq",
        "MANGOCANARY-0123456789-abcdefghijklmnop",
        &["KIWICANARY", "MANGOCANARY"],
    );
}

#[test]
fn a_stale_secret_on_disk_is_never_shown() {
    let p = project(&[(
        ".env",
        "dotenv",
        "JWT_SECRET={{ JWT_SECRET }}\nPORT={{ PORT }}\n",
    )]);
    let p = p.file(
        "deploy/dev/.env",
        "JWT_SECRET=OLDSTALECANARY\nREMOVED_SECRET=SECONDSTALECANARY\nPORT=8080\n",
    );
    p.set(
        "dev",
        "JWT_SECRET",
        "KIWICANARY-0123456789-abcdefghijklmnopq",
    );
    for args in [&["plan", "dev"][..], &["plan", "dev", "--format", "json"]] {
        let run = p.args(args).status(0).run();
        for word in ["OLDSTALECANARY", "SECONDSTALECANARY", "KIWICANARY"] {
            assert!(
                !run.transcript().contains(word),
                "{word}:\n{}",
                run.transcript()
            );
        }
    }
    let run = p
        .args(["plan", "dev"])
        .stdout_has("-JWT_SECRET=<secret ")
        .run();
    // A line the new render has no counterpart for is not shown, and not called a secret.
    assert!(run.stdout.contains("-<line not shown>"), "{}", run.stdout);
    assert!(run.stdout.contains(" PORT=8080"), "{}", run.stdout);
}

#[test]
fn a_secret_in_a_policy_finding_is_masked() {
    let p = project(&[(".env", "dotenv", "JWT_SECRET={{ JWT_SECRET }}\n")]).append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"no-kiwi\"\nforbid = [ { pattern = 'KIWI', message = \"no kiwi\" } ]\n",
    );
    p.set(
        "dev",
        "JWT_SECRET",
        "KIWICANARY-0123456789-abcdefghijklmnopq",
    );
    let run = p.args(["plan", "dev"]).status(1).run();
    // With stand-ins the policy passes: which rule fails with the real values, and where,
    // is not said (it would tell something about them; see SECURITY.md, section 8).
    assert!(
        run.stdout.contains(
            "`deploy/dev/.env` does not pass the project's checks with its secret values in"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("no-kiwi"), "{}", run.stdout);
    assert!(
        !run.transcript().contains("KIWICANARY"),
        "{}",
        run.transcript()
    );
}

/// A secret that dotenv-expand would expand (`$` before a name), and a canary to look for.
const EXPANDED_CANARY: &str = "KIWICANARY0123456789abcdefghij$HOME";

#[test]
fn unplaceable_value_was_named_by_its_loop_variable() {
    let p = Project::example();
    p.set("development", "JWT_SECRET", EXPANDED_CANARY);
    let run = p.args(["plan", "development"]).status(1).run();
    for wanted in [
        "cannot place the value of `JWT_SECRET` safely in `templates/env.j2` (output `dotenv`)",
        "--> templates/env.j2:10:15",
        "= note: environment: development",
    ] {
        assert!(run.stdout.contains(wanted), "{wanted}:\n{}", run.stdout);
    }
    assert!(
        !run.transcript().contains("KIWICANARY"),
        "{}",
        run.transcript()
    );
}

#[test]
fn secrets_set_accepted_an_unplaceable_value_without_a_warning() {
    let p = Project::example();
    let run = p
        .args(["secrets", "set", "development", "JWT_SECRET"])
        .stdin(EXPANDED_CANARY)
        .run();
    // A warning: the value is stored all the same.
    assert_eq!(run.code, 0, "{}", run.transcript());
    for wanted in [
        "warning[secret-unplaceable]: the value of `JWT_SECRET` cannot be placed in `deploy/development/.env` (output `dotenv`)",
        "--> templates/env.j2:9:24",
        "`format = \"dotenv-literal\"` takes it",
    ] {
        assert!(run.stderr.contains(wanted), "{wanted}:\n{}", run.stderr);
    }
    assert!(
        !run.transcript().contains("KIWICANARY"),
        "{}",
        run.transcript()
    );
    assert_eq!(p.get("development", "JWT_SECRET"), EXPANDED_CANARY);
}

#[test]
fn secrets_set_warns_of_a_value_no_dotenv_format_takes() {
    let p = Project::example();
    let run = p
        .args(["secrets", "set", "development", "JWT_SECRET"])
        .stdin("KIWICANARY0123456789abcdefghij'quote")
        .status(0)
        .stderr_has("contains `'`")
        .stderr_lacks("dotenv-literal")
        .run();
    assert!(
        !run.transcript().contains("KIWICANARY"),
        "{}",
        run.transcript()
    );
}

#[test]
fn secrets_set_gives_no_warning_for_a_placeable_value() {
    let p = Project::example();
    p.args(["secrets", "set", "development", "JWT_SECRET"])
        .stdin("KIWICANARY0123456789abcdefghijklmnop")
        .status(0)
        .stderr_lacks("warning")
        .run();
}

#[test]
fn check_with_a_key_warns_of_an_unplaceable_value() {
    let p = Project::example();
    p.set("development", "JWT_SECRET", EXPANDED_CANARY);
    let run = p.args(["check"]).run();
    // A warning: plan's real render decides (a template may transform the value first).
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "warning[secret-unplaceable]: the value of `JWT_SECRET` cannot be placed in `deploy/development/.env`"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.transcript().contains("KIWICANARY"),
        "{}",
        run.transcript()
    );
}

#[test]
fn plan_labelled_a_changed_plain_value_as_a_secret() {
    let p = Project::example();
    p.set(
        "development",
        "JWT_SECRET",
        "canary-first-value-never-printed-0123456",
    );
    p.args(["apply", "--yes", "development"]).status(0).run();
    let p = p.edit("environments/base.yaml", "PORT: 8080", "PORT: 8081");
    p.set(
        "development",
        "JWT_SECRET",
        "canary-second-value-also-never-printed-987",
    );
    let run = p.args(["plan", "development"]).status(0).run();
    // PORT is a plain value in a secret-holding output: shown before and after.
    for wanted in [
        "\n-PORT=8080\n",
        "\n+PORT=8081\n",
        "\n-JWT_SECRET=<secret ",
        "\n+JWT_SECRET=<secret ",
    ] {
        assert!(run.stdout.contains(wanted), "{wanted:?}:\n{}", run.stdout);
    }
    assert!(!run.transcript().contains("canary"), "{}", run.transcript());
}
