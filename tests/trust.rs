//! The trust boundary (issue 19): where output leaves the key holder (CI, a machine
//! format), secrets are decrypted only for code identical to a trusted revision. Each
//! oracle a pull request could build (plan's masking, schema findings, policy findings)
//! is tried against a canary in CI mode with a key, and reads nothing back.

mod revision;

use crate::common::git::{commit, git};
use crate::common::{Project, Run};

/// `dev`'s JWT_SECRET: the oracles below try to spell it.
const SECRET: &str = "c4n4ry-7f3e1d-0123456789abcdefghij";
/// Characters the oracles guess at each position (the secret's first ones are among them).
const GUESSES: &str = "c4n";

const TEMPLATE: &str = "JWT_SECRET={{ JWT_SECRET }}\nPORT={{ PORT }}\n";

/// The minimal project with a secret-holding `.env` output and `trusted_branch = "main"`,
/// committed on `main` in a fresh repository; the key is at hand (CFGC_AGE_KEY_FILE).
fn project(setting: bool) -> Project {
    let p = crate::common::git::repo();
    p.set("dev", "JWT_SECRET", SECRET);
    let branch = if setting {
        "schema = \"schema/env.schema.json\"\ntrusted_branch = \"main\""
    } else {
        "schema = \"schema/env.schema.json\""
    };
    let p = p
        .edit("cfgc.toml", "schema = \"schema/env.schema.json\"", branch)
        .append(
            "cfgc.toml",
            "\n[outputs.dotenv]\ntemplate = \"templates/env.j2\"\npath = \"deploy/{env}/.env\"\nformat = \"dotenv\"\nsecrets = true\nmode = \"0600\"\n",
        )
        .file("templates/env.j2", TEMPLATE)
        .file(".gitignore", "keys/\n.cfgc.lock\ndeploy/\n");
    commit(&p, "a secret-holding output");
    p
}

/// `project`, on a branch `pr` whose last commit is `change` (a pull request).
fn pull_request(setting: bool, change: impl FnOnce(Project) -> Project) -> Project {
    let p = project(setting);
    git(&p, &["checkout", "-q", "-b", "pr"]);
    let p = change(p);
    commit(&p, "the pull request");
    p
}

/// cfgc run in CI (`CI=true`) with `vars` on top.
fn ci(p: &Project, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut test = p.args(args).env("CI", "true");
    for (k, v) in vars {
        test = test.env(k, v);
    }
    test.run()
}

/// No part of the secret longer than the oracles' guesses is in `run`'s output.
fn no_secret(run: &Run) {
    assert!(
        !run.transcript().contains(&SECRET[..8]),
        "{}",
        run.transcript()
    );
}

/// The notice: secrets not decrypted, naming `file` and how to proceed.
fn refused(run: &Run, file: &str) {
    assert!(
        run.stderr.contains("secrets were not decrypted") && run.stderr.contains(file),
        "{}",
        run.transcript()
    );
    assert!(run.stderr.contains("--trusted REV"), "{}", run.transcript());
    no_secret(run);
}

fn oracle_template() -> String {
    let mut t = String::from(TEMPLATE);
    for i in 0..3 {
        for k in GUESSES.chars() {
            t.push_str(&format!(
                "L{i}_{k}={{% if JWT_SECRET[{i}:{}] == \"{k}\" %}}1{{% else %}}0{{% endif %}}\n",
                i + 1
            ));
        }
    }
    t
}

#[test]
fn plan_masking_oracle_in_a_changed_template_reads_nothing_in_ci() {
    let p = pull_request(true, |p| p.file("templates/env.j2", oracle_template()));
    let run = ci(
        &p,
        &["plan", "--format", "markdown", "--allow-skipped"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    refused(&run, "templates/env.j2");
    // The comment says why, and holds no line of the oracle: nothing was decrypted.
    assert!(
        run.stdout.contains("> **secrets were not decrypted"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("`deploy/dev/.env`: skipped"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("L0_"), "{}", run.stdout);
}

#[test]
fn a_machine_format_is_output_that_leaves_even_without_ci() {
    let p = pull_request(true, |p| p.file("templates/env.j2", oracle_template()));
    let run = p
        .args(["plan", "dev", "--format", "json", "--allow-skipped"])
        .status(0)
        .run();
    refused(&run, "templates/env.j2");
    assert!(
        run.stdout.contains("\"secrets-not-decrypted\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("L0_"), "{}", run.stdout);
}

fn oracle_schema(p: Project) -> Project {
    let patterns: Vec<String> = (0..3)
        .flat_map(|i| {
            GUESSES
                .chars()
                .map(move |k| format!("{{ \"pattern\": \"^[\\\\s\\\\S]{{{i}}}[^{k}]\" }}"))
        })
        .collect();
    p.edit(
        "schema/env.schema.json",
        "\"JWT_SECRET\": { \"type\": \"string\", \"minLength\": 32,",
        &format!(
            "\"JWT_SECRET\": {{ \"allOf\": [{}], \"type\": \"string\", \"minLength\": 32,",
            patterns.join(", ")
        ),
    )
}

#[test]
fn schema_findings_oracle_in_a_changed_schema_reads_nothing_in_ci() {
    let p = pull_request(true, oracle_schema);
    let run = ci(&p, &["check", "--format", "json"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    refused(&run, "schema/env.schema.json");
    assert!(
        run.stdout.contains("\"secrets-not-decrypted\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("pattern"), "{}", run.stdout);
    let run = ci(&p, &["check"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "names only in dev, prod (not decrypted: the code is not the trusted revision's)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_layer_with_a_derived_value_is_trusted_code() {
    let p = pull_request(true, |p| {
        p.edit(
            "environments/dev.yaml",
            "FRONTEND_URL: http://localhost:5173",
            "FRONTEND_URL: { derive: \"http://localhost:${PORT}\" }",
        )
    });
    let run = ci(&p, &["check"], &[]);
    refused(&run, "environments/dev.yaml");
    assert!(!run.stderr.contains("base.yaml"), "{}", run.stderr);
}

fn oracle_policy(p: Project) -> Project {
    let mut rules = Vec::new();
    for i in 0..3 {
        for k in GUESSES.chars() {
            rules.push(format!(
                "{{ pattern = '(?m)^JWT_SECRET=.{{{i}}}{k}', message = \"guess {i} {k}\" }}"
            ));
        }
    }
    p.append(
        "cfgc.toml",
        &format!(
            "\n[[policies]]\nname = \"oracle\"\noutputs = [\"dotenv\"]\nforbid = [{}]\n",
            rules.join(", ")
        ),
    )
}

#[test]
fn policy_findings_oracle_in_a_changed_policy_reads_nothing_in_ci() {
    let p = pull_request(true, oracle_policy);
    let run = ci(&p, &["plan", "--allow-skipped"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    refused(&run, "cfgc.toml");
    assert!(!run.transcript().contains("guess"), "{}", run.transcript());
}

#[test]
fn unchanged_code_against_the_trusted_revision_decrypts_as_before() {
    // A pull request that changes a plain value only: the code is the trusted code.
    let p = pull_request(true, |p| {
        p.edit("environments/base.yaml", "PORT: 8080", "PORT: 8081")
    });
    let run = ci(&p, &["check"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("values checked in dev, prod"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("not decrypted"),
        "{}",
        run.transcript()
    );
    let run = ci(&p, &["plan", "dev", "--format", "markdown"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("`deploy/dev/.env`: create"),
        "{}",
        run.stdout
    );
    no_secret(&run);
}

#[test]
fn on_the_key_holders_machine_changed_code_decrypts_as_before() {
    let p = pull_request(true, |p| p.file("templates/env.j2", oracle_template()));
    let run = p
        .args(["plan", "dev"])
        .status(0)
        .stdout_has("+JWT_SECRET=<secret ")
        .stdout_lacks("skipped deploy")
        .run();
    assert!(run.stderr.is_empty(), "{}", run.transcript());
    no_secret(&run);
}

#[test]
fn decrypted_value_finding_names_no_rule_on_a_trusted_run() {
    // One narrow rule, trusted (on main): the finding says only that the value fails.
    let p = project(true).edit(
        "schema/env.schema.json",
        "\"JWT_SECRET\": { \"type\": \"string\", \"minLength\": 32,",
        "\"JWT_SECRET\": { \"allOf\": [{ \"pattern\": \"^[\\\\s\\\\S]{1}[^4]\" }], \"type\": \"string\", \"minLength\": 32,",
    );
    commit(&p, "a narrow rule");
    let run = ci(&p, &["check", "--format", "json"], &[]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("`JWT_SECRET` does not satisfy the schema"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("cfgc explain dev JWT_SECRET"),
        "{}",
        run.stdout
    );
    for word in ["pattern", "allOf", "[^4]", "schema_path\": \"schema"] {
        assert!(!run.stdout.contains(word), "{word}: {}", run.stdout);
    }
    no_secret(&run);
}

#[test]
fn policy_finding_on_secret_values_names_no_rule_on_a_trusted_run() {
    let p = project(true).append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"narrow\"\noutputs = [\"dotenv\"]\nforbid = [ { pattern = '(?m)^JWT_SECRET=.{1}4', message = \"guess 1 4\" } ]\n",
    );
    commit(&p, "a narrow policy");
    let run = ci(&p, &["plan", "dev"], &[]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "`deploy/dev/.env` does not pass the project's checks with its secret values in"
        ),
        "{}",
        run.stdout
    );
    for word in ["narrow", "guess", ".{1}4"] {
        assert!(!run.stdout.contains(word), "{word}: {}", run.stdout);
    }
    no_secret(&run);
}

#[test]
fn exec_in_ci_with_changed_code_does_not_run_with_secrets() {
    let p = pull_request(true, |p| p.file("templates/env.j2", oracle_template()));
    let run = ci(&p, &["exec", "dev", "--", "sh", "-c", "echo ran"], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    refused(&run, "templates/env.j2");
    assert!(!run.stdout.contains("ran"), "{}", run.stdout);
}

#[test]
fn apply_in_ci_with_changed_code_writes_no_secret_holding_file() {
    let p = pull_request(true, |p| p.file("templates/env.j2", oracle_template()));
    let run = ci(&p, &["apply", "dev", "--yes"], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    refused(&run, "templates/env.j2");
    assert!(
        run.stdout.contains("secrets-skipped"),
        "{}",
        run.transcript()
    );
    assert!(!p.path("deploy/dev/.env").exists());
}
