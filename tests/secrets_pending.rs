//! Values contributed without a key: pending, reported by `check`, refused by `plan`,
//! `apply`, `exec` and `rekey`, then reviewed and sealed by a key holder.

use crate::common::Project;
use crate::common::git::{CANARY, PROD, keyless, no_canary, repo, snap};

/// The minimal project with a `.env` for prod that holds its secrets.
fn with_dotenv() -> Project {
    repo()
        .append(
            "cfgc.toml",
            "\n[outputs.dotenv]\ntemplate = \"templates/env.j2\"\npath = \"deploy/{env}/.env\"\nformat = \"dotenv\"\nsecrets = true\nenvironments = [\"prod\"]\n",
        )
        .file("templates/env.j2", "JWT_SECRET={{ JWT_SECRET }}\nDATABASE_URL={{ DATABASE_URL }}\n")
}

#[test]
fn a_value_set_without_a_key_is_pending_refused_by_plan_then_sealed() {
    let p = with_dotenv();
    let before = p.read(PROD);
    let value = format!("{CANARY}-pending-0123456789abcdefghijk");
    let set = keyless(&p, &["secrets", "set", "prod", "JWT_SECRET"])
        .stdin(&value)
        .status(0)
        .run();
    let after = p.read(PROD);
    assert!(
        after.starts_with(before.trim_end()),
        "the sealed part is left byte for byte"
    );
    assert!(after.contains("# UNAUTHENTICATED"));
    let diff = keyless(&p, &["secrets", "diff"]).run();
    let check = keyless(&p, &["check", "prod"]).status(1).run();
    let plan = p.args(["plan", "prod"]).status(2).run();
    let apply = p
        .args(["apply", "prod", "--yes"])
        .status(2)
        .stderr_has("error[secrets-unsealed]")
        .run();
    let exec = p
        .args(["exec", "prod", "--", "true"])
        .status(2)
        .stderr_has("error[secrets-unsealed]")
        .run();
    assert!(!p.path("deploy").exists(), "nothing was written");
    let rekey = p.args(["secrets", "rekey", "prod", "--rotate"]).run();
    assert_eq!(rekey.code, 2, "seal first: {}", rekey.transcript());
    let seal = p.args(["secrets", "seal", "prod"]).status(0).run();
    assert_eq!(p.get("prod", "JWT_SECRET"), value);
    assert!(!p.read(PROD).contains("pending"));
    let planned = p.args(["plan", "prod"]).status(0).run();
    no_canary(&[
        &set, &diff, &check, &plan, &apply, &exec, &rekey, &seal, &planned,
    ]);
    snap!(format!(
        "$ cfgc secrets set prod JWT_SECRET   (no key)\n{}\n$ cfgc secrets diff\n{}\n$ cfgc check prod\n{}\n$ cfgc plan prod\n{}\n$ cfgc secrets seal prod\n{}",
        set.transcript(),
        diff.transcript(),
        check.transcript(),
        plan.transcript(),
        seal.transcript()
    ));
}

#[test]
fn seal_shows_pending_values_only_when_asked() {
    let p = with_dotenv();
    let value = format!("postgres://app:{CANARY}@db.example.com/app");
    keyless(&p, &["secrets", "set", "prod", "DATABASE_URL"])
        .stdin(&value)
        .status(0)
        .run();
    let no_key = keyless(&p, &["secrets", "seal", "prod", "--show"])
        .status(2)
        .run();
    no_canary(&[&no_key]);
    p.args(["secrets", "seal", "prod", "--show"])
        .status(0)
        .stdout_has(format!("DATABASE_URL={value}\n"))
        .stderr_lacks(CANARY)
        .run();
}
