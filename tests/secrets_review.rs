//! Secrets files in code review, with real `git` in a temp repository and keys made per
//! test: the keyless diff and the git diff driver, and rollback and re-creation caught
//! with `check --base`. Canary values never appear in any output.

use crate::common::Project;
use crate::common::git::{
    CANARY, PROD, as_attacker, attacker, commit, git, git_run, keyless, no_canary, owner,
    recreate_prod, repo, set_prod_recipients, snap,
};

#[test]
fn secrets_diff_names_what_changed_without_a_key() {
    let p = repo();
    let unchanged = keyless(&p, &["secrets", "diff"]).status(0).run();
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-0123456789abcdefghijklmnop"),
    );
    p.args(["secrets", "rm", "dev", "DATABASE_URL"])
        .status(0)
        .run();
    let changed = keyless(&p, &["secrets", "diff"]).status(1).run();
    commit(&p, "change");
    p.args(["secrets", "rekey", "prod", "--rotate"])
        .status(0)
        .run();
    let resealed = keyless(&p, &["secrets", "diff", "HEAD"]).status(1).run();
    let bad_rev = keyless(&p, &["secrets", "diff", "no-such-branch"])
        .status(2)
        .run();
    no_canary(&[&unchanged, &changed, &resealed, &bad_rev]);
    for run in [&changed, &resealed] {
        assert!(!run.stdout.contains("ENC["), "{}", run.transcript());
    }
    snap!(format!(
        "$ cfgc secrets diff   (nothing changed)\n{}\n$ cfgc secrets diff   (prod JWT_SECRET set, dev DATABASE_URL removed)\n{}\n$ cfgc secrets diff HEAD   (after rekey prod --rotate)\n{}\n$ cfgc secrets diff no-such-branch\n{}",
        unchanged.transcript(),
        changed.transcript(),
        resealed.transcript(),
        bad_rev.transcript()
    ));
}

#[test]
fn secrets_diff_outside_a_git_repository_is_an_error() {
    let (p, _) = Project::with_secrets();
    let run = keyless(&p, &["secrets", "diff"]).status(2).run();
    snap!(run.transcript());
}

#[test]
fn git_diff_and_log_show_names_through_the_diff_driver() {
    let p = repo();
    let setup = p.args(["git-setup"]).status(0).run();
    assert_eq!(
        p.read(".gitattributes"),
        "*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n"
    );
    // Idempotent, and other lines are kept.
    let p = p.file(
        ".gitattributes",
        "*.png binary\n*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n",
    );
    p.args(["git-setup"]).status(0).run();
    assert_eq!(
        p.read(".gitattributes"),
        "*.png binary\n*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n"
    );
    commit(&p, "git-setup");
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-0123456789abcdefghijklmnop"),
    );
    let diff = git_run(&p, &["diff", "--", PROD], false);
    commit(&p, "rotate the JWT secret");
    let log = git_run(
        &p,
        &["log", "-p", "-1", "--format=commit %H%n%s", "--", PROD],
        false,
    );
    no_canary(&[&diff, &log]);
    for run in [&diff, &log] {
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(!run.stdout.contains("ENC["), "{}", run.transcript());
        assert!(
            run.stdout.contains("-JWT_SECRET: sealed"),
            "{}",
            run.transcript()
        );
        assert!(
            run.stdout.contains("+JWT_SECRET: sealed"),
            "{}",
            run.transcript()
        );
    }
    snap!(format!(
        "$ cfgc git-setup\n{}\n$ git diff -- {PROD}\n{}\n$ git log -p -1 -- {PROD}\n{}",
        setup
            .transcript()
            .replace(env!("CARGO_BIN_EXE_cfgc"), "[CFGC]"),
        diff.transcript(),
        log.transcript()
    ));
}

#[test]
fn check_base_catches_a_rollback_and_a_stripped_generation() {
    let p = repo();
    let old = p.read(PROD);
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-0123456789abcdefghijklmnop"),
    );
    commit(&p, "new JWT secret");
    let ok = keyless(&p, &["check", "--base", "HEAD~1"]).status(0).run();
    // The older file put back: valid on its own, and its MAC verifies.
    let p = p.file(PROD, &old);
    let rolled_back = keyless(&p, &["check", "--base", "HEAD"]).status(1).run();
    let with_key = p.args(["check", "prod"]).run();
    assert_eq!(
        with_key.code,
        0,
        "the old file verifies: {}",
        with_key.transcript()
    );
    // The generation line removed: a legacy file to the parser, rolled back to `--base`.
    let line = p.line(PROD, "  generation: ");
    let p = p.file(PROD, old.replace(&format!("{line}\n"), ""));
    let stripped = keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(1)
        .run();
    let mac = p.args(["check", "prod"]).run();
    assert_eq!(
        mac.code,
        2,
        "stripping the generation breaks the MAC: {}",
        mac.transcript()
    );
    assert!(
        mac.stdout.contains("error[secrets-mac]"),
        "{}",
        mac.transcript()
    );
    no_canary(&[&ok, &rolled_back, &stripped, &mac]);
    snap!(format!(
        "$ cfgc check --base HEAD   (an older prod file put back)\n{}\n$ cfgc check prod --base HEAD   (its generation line removed)\n{}",
        rolled_back.transcript(),
        stripped.transcript()
    ));
}

#[test]
fn check_base_catches_a_recreated_file_until_a_key_holder_confirms_it() {
    let p = repo();
    // Someone without a key writes a fresh file from the public recipients.
    std::fs::remove_file(p.path(PROD)).expect("rm");
    let evil = format!("postgres://app:{CANARY}@evil.example.com/app");
    let run = keyless(&p, &["secrets", "set", "prod", "DATABASE_URL"])
        .stdin(&evil)
        .status(0)
        .run();
    let recreated = keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(1)
        .run();
    let diff = keyless(&p, &["secrets", "diff"])
        .stdout_has("data key replaced without a confirmation")
        .run();
    // A key holder who meant it (here: reviewed it) confirms with the old key.
    let confirm = p
        .args(["secrets", "confirm-recreate", "prod", "--base", "HEAD"])
        .status(0)
        .run();
    let confirmed = keyless(&p, &["check", "prod", "--base", "HEAD"])
        .stdout_lacks("secrets-recreated")
        .stdout_lacks("secrets-rolled-back")
        .run();
    // Without the old key there is nothing to sign with.
    let p2 = repo();
    std::fs::remove_file(p2.path(PROD)).expect("rm");
    keyless(&p2, &["secrets", "set", "prod", "DATABASE_URL"])
        .stdin(&evil)
        .run();
    let refused = keyless(
        &p2,
        &["secrets", "confirm-recreate", "prod", "--base", "HEAD"],
    )
    .status(2)
    .run();
    // A rotation by cfgc is signed by the old key: not a finding.
    let p3 = repo();
    p3.args(["secrets", "rekey", "prod", "--rotate"])
        .status(0)
        .run();
    let rotated = keyless(&p3, &["check", "prod", "--base", "HEAD"])
        .status(0)
        .run();
    no_canary(&[
        &run, &recreated, &diff, &confirm, &confirmed, &refused, &rotated,
    ]);
    snap!(format!(
        "$ cfgc check prod --base HEAD   (prod re-created without a key)\n{}\n$ cfgc secrets confirm-recreate prod --base HEAD   (a key holder)\n{}\n$ cfgc secrets confirm-recreate prod --base HEAD   (no key)\n{}",
        recreated.transcript(),
        confirm.transcript(),
        refused.transcript()
    ));
}

/// `check prod --base HEAD` and `secrets diff HEAD`, keyless: both must call the file
/// re-created.
fn assert_recreated(p: &crate::common::Project) -> (crate::common::Run, crate::common::Run) {
    let check = keyless(p, &["check", "prod", "--base", "HEAD"])
        .status(1)
        .stdout_has("secrets-recreated")
        .run();
    let diff = keyless(p, &["secrets", "diff", "HEAD"])
        .status(1)
        .stdout_has("data key replaced without a confirmation")
        .run();
    no_canary(&[&check, &diff]);
    (check, diff)
}

#[test]
fn recreated_with_an_added_recipient_and_three_writes_is_caught() {
    let p = repo();
    let me = owner(&p);
    let evil = attacker(&p);
    recreate_prod(&p, &[&me, &evil], 3);
    let (check, diff) = assert_recreated(&p);
    assert!(
        diff.stdout.contains("recipient added"),
        "{}",
        diff.transcript()
    );
    snap!(format!(
        "$ cfgc check prod --base HEAD\n{}\n$ cfgc secrets diff HEAD\n{}",
        check.transcript(),
        diff.transcript()
    ));
}

#[test]
fn recreated_then_rekeyed_to_the_remaining_recipient_is_not_an_offboarding() {
    let p = repo();
    let (me, colleague) = (owner(&p), crate::common::age_key().public);
    set_prod_recipients(&p, &[&me, &colleague]);
    p.args(["secrets", "rekey", "prod"]).status(0).run();
    commit(&p, "a colleague joins prod");
    let evil = attacker(&p);
    recreate_prod(&p, &[&me, &colleague, &evil], 1);
    // The attacker leaves, and takes the colleague with them: "recipient removed" alone.
    set_prod_recipients(&p, &[&me]);
    as_attacker(&p, &["secrets", "rekey", "prod"])
        .status(0)
        .run();
    let (_, diff) = assert_recreated(&p);
    assert!(
        diff.stdout.contains("recipient removed") && !diff.stdout.contains("recipient added"),
        "{}",
        diff.transcript()
    );
}

#[test]
fn recreated_after_a_move_is_compared_with_the_file_it_replaces() {
    let p = repo();
    let moved = "environments/prod-moved.secrets.yaml";
    git(&p, &["mv", PROD, moved]);
    let toml = p.read("cfgc.toml").replace(PROD, moved);
    std::fs::write(p.path("cfgc.toml"), toml).expect("write");
    // Moved and nothing else: the same file, found by environment.
    keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(0)
        .run();
    std::fs::remove_file(p.path(moved)).expect("rm");
    let evil = format!("postgres://app:{CANARY}@evil.example.com/app");
    keyless(&p, &["secrets", "set", "prod", "DATABASE_URL"])
        .stdin(&evil)
        .status(0)
        .run();
    assert_recreated(&p);
}

#[test]
fn every_honest_rekey_signs_with_the_old_key() {
    let p = repo();
    let (me, colleague) = (owner(&p), crate::common::age_key().public);
    // A recipient added: the same key re-wrapped, and signed by it.
    set_prod_recipients(&p, &[&me, &colleague]);
    p.args(["secrets", "rekey", "prod"]).status(0).run();
    let added = keyless(&p, &["secrets", "diff", "HEAD"])
        .stdout_has("data key re-wrapped for the recipients: confirmed")
        .run();
    keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(0)
        .run();
    commit(&p, "a colleague joins");
    // A recipient removed, then a rotation, then a write: a new key, signed by the old.
    set_prod_recipients(&p, &[&me]);
    p.args(["secrets", "rekey", "prod"]).status(0).run();
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-0123456789abcdefghijklmnop"),
    );
    let removed = keyless(&p, &["secrets", "diff", "HEAD"])
        .stdout_has("data key replaced: confirmed")
        .run();
    let check = keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(0)
        .run();
    no_canary(&[&added, &removed, &check]);
}

#[test]
fn two_rekeys_on_one_branch_are_reported_until_confirmed_against_the_base() {
    let p = repo();
    let (me, colleague) = (owner(&p), crate::common::age_key().public);
    p.args(["secrets", "rekey", "prod", "--rotate"])
        .status(0)
        .run();
    set_prod_recipients(&p, &[&me, &colleague]);
    p.args(["secrets", "rekey", "prod"]).status(0).run();
    // The re-wrap is signed by the rotated key, which HEAD's file does not know.
    assert_recreated(&p);
    p.args(["secrets", "confirm-recreate", "prod", "--base", "HEAD"])
        .status(0)
        .run();
    keyless(&p, &["check", "prod", "--base", "HEAD"])
        .status(0)
        .run();
}
