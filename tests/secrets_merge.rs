//! Per-name merges of secrets files through the driver `cfgc git-setup` configures, with
//! real `git merge`: different names merge, the same name conflicts, no identity or a
//! re-created side leaves the file for the user. Canary values never appear in any output.

use crate::common::git::{
    CANARY, PROD, attacker, commit, git, git_run, keyless, no_canary, owner, recreate_prod, repo,
    snap,
};
use crate::common::{Project, Run};

/// A repository with the drivers set up and two branches from it: `theirs` runs
/// `on_theirs`, `main` runs `on_main`, each committed.
fn branches(on_theirs: impl Fn(&Project), on_main: impl Fn(&Project)) -> Project {
    let p = repo();
    p.args(["git-setup"]).status(0).run();
    commit(&p, "git-setup");
    git(&p, &["checkout", "-q", "-b", "theirs"]);
    on_theirs(&p);
    commit(&p, "theirs");
    git(&p, &["checkout", "-q", "main"]);
    on_main(&p);
    commit(&p, "ours");
    p
}

/// `main`'s change in the tests where both branches touch the prod file.
fn set_jwt_on_main(p: &Project) {
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-ours-0123456789abcdefghijklm"),
    )
}

/// `git merge theirs` into `main`, which must succeed without leaking a value.
fn clean_merge(p: &Project) -> Run {
    let merge = git_run(p, &["merge", "--no-edit", "theirs"], true);
    assert_eq!(merge.code, 0, "{}", merge.transcript());
    no_canary(&[&merge]);
    merge
}

/// `git merge theirs` into `main`, which the driver must refuse: it fails, leaks no value,
/// and leaves OURS as it was, without conflict markers.
fn refused_merge(p: &Project, with_key: bool) -> Run {
    let ours = p.read(PROD);
    let merge = git_run(p, &["merge", "--no-edit", "theirs"], with_key);
    assert_eq!(merge.code, 1, "{}", merge.transcript());
    no_canary(&[&merge]);
    assert_eq!(
        p.read(PROD),
        ours,
        "OURS is left as it was, without conflict markers"
    );
    merge
}

#[test]
fn two_branches_setting_different_keys_merge_cleanly() {
    let jwt = format!("{CANARY}-jwt-0123456789abcdefghijklmnop");
    let db = format!("postgres://app:{CANARY}@db2.example.com/app");
    let p = branches(
        |p| p.set("prod", "JWT_SECRET", &jwt),
        |p| p.set("prod", "DATABASE_URL", &db),
    );
    let merge = clean_merge(&p);
    assert_eq!(p.get("prod", "JWT_SECRET"), jwt);
    assert_eq!(p.get("prod", "DATABASE_URL"), db);
    p.args(["check", "prod", "--base", "HEAD~1"])
        .status(0)
        .run();
    assert!(
        merge
            .transcript()
            .contains("cfgc: merged environments/prod.secrets.yaml (prod) name by name"),
        "{}",
        merge.transcript()
    );
}

#[test]
fn both_branches_changing_the_same_key_conflict() {
    let p = branches(
        |p| {
            p.set(
                "prod",
                "JWT_SECRET",
                &format!("{CANARY}-theirs-0123456789abcdefghijk"),
            )
        },
        set_jwt_on_main,
    );
    let merge = refused_merge(&p, true);
    snap!(merge.transcript());
}

#[test]
fn a_merge_without_an_identity_fails_cleanly() {
    let p = branches(
        |p| {
            p.set(
                "prod",
                "JWT_SECRET",
                &format!("{CANARY}-jwt-0123456789abcdefghijklmnop"),
            )
        },
        |p| {
            p.set(
                "prod",
                "DATABASE_URL",
                &format!("postgres://app:{CANARY}@db2.example.com/app"),
            )
        },
    );
    let merge = refused_merge(&p, false);
    snap!(merge.transcript());
}

#[test]
fn a_file_recreated_on_one_branch_is_never_merged() {
    let p = branches(
        |p| {
            std::fs::remove_file(p.path(PROD)).expect("rm");
            let evil = format!("postgres://app:{CANARY}@evil.example.com/app");
            keyless(p, &["secrets", "set", "prod", "DATABASE_URL"])
                .stdin(&evil)
                .status(0)
                .run();
        },
        set_jwt_on_main,
    );
    let merge = refused_merge(&p, true);
    assert!(
        merge.stderr.contains("was re-created on theirs"),
        "{}",
        merge.transcript()
    );
}

#[test]
fn a_side_recreated_with_an_added_recipient_is_never_merged() {
    let p = branches(
        |p| {
            let (me, evil) = (owner(p), attacker(p));
            recreate_prod(p, &[&me, &evil], 3);
        },
        set_jwt_on_main,
    );
    let merge = refused_merge(&p, true);
    assert!(
        merge.stderr.contains("was re-created on theirs"),
        "{}",
        merge.transcript()
    );
    assert_ne!(
        p.get("prod", "DATABASE_URL"),
        format!("postgres://app:{CANARY}@evil.example.com/app")
    );
}

#[test]
fn a_rotation_on_one_branch_merges_with_a_change_on_the_other() {
    let jwt = format!("{CANARY}-jwt-0123456789abcdefghijklmnop");
    let p = branches(
        |p| {
            p.args(["secrets", "rekey", "prod", "--rotate"])
                .status(0)
                .run();
        },
        |p| p.set("prod", "JWT_SECRET", &jwt),
    );
    let theirs_key = git(&p, &["show", &format!("theirs:{PROD}")]).stdout;
    clean_merge(&p);
    assert_eq!(p.get("prod", "JWT_SECRET"), jwt);
    // The rotated data key is kept, and its confirmation with it.
    let block = |text: &str| text[text.find("data_key").expect("data key")..].to_string();
    assert_eq!(
        block(&p.read(PROD)).lines().take(8).collect::<Vec<_>>(),
        block(&theirs_key).lines().take(8).collect::<Vec<_>>()
    );
    keyless(&p, &["check", "prod", "--base", "HEAD~1"])
        .status(0)
        .run();
}
