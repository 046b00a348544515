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
    let set = keyless(&p, &["secrets", "set", "prod", "JWT_SECRET"], Some(&value));
    assert_eq!(set.code, 0, "{}", set.transcript());
    let after = p.read(PROD);
    assert!(
        after.starts_with(before.trim_end()),
        "the sealed part is left byte for byte"
    );
    assert!(after.contains("# UNAUTHENTICATED"));
    let diff = keyless(&p, &["secrets", "diff"], None);
    let check = keyless(&p, &["check", "prod"], None);
    assert_eq!(check.code, 1, "{}", check.transcript());
    let plan = p.run_args(&["plan", "prod"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    let apply = p.run_args(&["apply", "prod", "--yes"]);
    assert_eq!(apply.code, 2, "{}", apply.transcript());
    assert!(
        apply.stderr.contains("error[secrets-unsealed]"),
        "{}",
        apply.transcript()
    );
    let exec = p.run_args(&["exec", "prod", "--", "true"]);
    assert_eq!(exec.code, 2, "{}", exec.transcript());
    assert!(
        exec.stderr.contains("error[secrets-unsealed]"),
        "{}",
        exec.transcript()
    );
    assert!(!p.path("deploy").exists(), "nothing was written");
    let rekey = p.run_args(&["secrets", "rekey", "prod", "--rotate"]);
    assert_eq!(rekey.code, 2, "seal first: {}", rekey.transcript());
    let seal = p.run_args(&["secrets", "seal", "prod"]);
    assert_eq!(seal.code, 0, "{}", seal.transcript());
    assert_eq!(p.get("prod", "JWT_SECRET"), value);
    assert!(!p.read(PROD).contains("pending"));
    let planned = p.run_args(&["plan", "prod"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
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
    assert_eq!(
        keyless(
            &p,
            &["secrets", "set", "prod", "DATABASE_URL"],
            Some(&value)
        )
        .code,
        0
    );
    let no_key = keyless(&p, &["secrets", "seal", "prod", "--show"], None);
    assert_eq!(no_key.code, 2, "{}", no_key.transcript());
    no_canary(&[&no_key]);
    let shown = p.run_args(&["secrets", "seal", "prod", "--show"]);
    assert_eq!(shown.code, 0, "{}", shown.transcript());
    assert!(
        shown.stdout.contains(&format!("DATABASE_URL={value}\n")),
        "{}",
        shown.transcript()
    );
    assert!(!shown.stderr.contains(CANARY));
}
