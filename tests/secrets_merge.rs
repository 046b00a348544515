//! Per-name merges of secrets files through the driver `cfgc git-setup` configures, with
//! real `git merge`: different names merge, the same name conflicts, no identity or a
//! re-created side leaves the file for the user. Canary values never appear in any output.

use crate::common::Project;
use crate::common::git::{commit, git, git_run, keyless, no_canary as canary_in, repo};
use insta::assert_snapshot;

const PROD: &str = "environments/prod.secrets.yaml";
const CANARY: &str = "canary-7f3e1d";

macro_rules! snap {
    ($value:expr) => {
        insta::with_settings!({filters => crate::common::git::filters()}, {
            assert_snapshot!($value);
        })
    };
}

fn no_canary(runs: &[&crate::common::Run]) {
    canary_in(CANARY, runs);
}

/// A repository with the drivers set up and two branches from it: `theirs` runs
/// `on_theirs`, `main` runs `on_main`, each committed.
fn branches(on_theirs: impl Fn(&Project), on_main: impl Fn(&Project)) -> Project {
    let p = repo();
    assert_eq!(p.run(&["git-setup"]).code, 0);
    commit(&p, "git-setup");
    git(&p, &["checkout", "-q", "-b", "theirs"]);
    on_theirs(&p);
    commit(&p, "theirs");
    git(&p, &["checkout", "-q", "main"]);
    on_main(&p);
    commit(&p, "ours");
    p
}

#[test]
fn two_branches_setting_different_keys_merge_cleanly() {
    let jwt = format!("{CANARY}-jwt-0123456789abcdefghijklmnop");
    let db = format!("postgres://app:{CANARY}@db2.example.com/app");
    let p = branches(
        |p| p.set("prod", "JWT_SECRET", &jwt),
        |p| p.set("prod", "DATABASE_URL", &db),
    );
    let merge = git_run(&p, &["merge", "--no-edit", "theirs"], true);
    assert_eq!(merge.code, 0, "{}", merge.transcript());
    no_canary(&[&merge]);
    assert_eq!(p.get("prod", "JWT_SECRET"), jwt);
    assert_eq!(p.get("prod", "DATABASE_URL"), db);
    let check = p.run(&["check", "prod", "--base", "HEAD~1"]);
    assert_eq!(check.code, 0, "{}", check.transcript());
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
        |p| {
            p.set(
                "prod",
                "JWT_SECRET",
                &format!("{CANARY}-ours-0123456789abcdefghijklm"),
            )
        },
    );
    let ours = p.read(PROD);
    let merge = git_run(&p, &["merge", "--no-edit", "theirs"], true);
    assert_eq!(merge.code, 1, "{}", merge.transcript());
    no_canary(&[&merge]);
    assert_eq!(
        p.read(PROD),
        ours,
        "OURS is left as it was, without conflict markers"
    );
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
    let ours = p.read(PROD);
    let merge = git_run(&p, &["merge", "--no-edit", "theirs"], false);
    assert_eq!(merge.code, 1, "{}", merge.transcript());
    no_canary(&[&merge]);
    assert_eq!(p.read(PROD), ours);
    snap!(merge.transcript());
}

#[test]
fn a_file_recreated_on_one_branch_is_never_merged() {
    let p = branches(
        |p| {
            std::fs::remove_file(p.path(PROD)).expect("rm");
            let evil = format!("postgres://app:{CANARY}@evil.example.com/app");
            let run = keyless(p, &["secrets", "set", "prod", "DATABASE_URL"], Some(&evil));
            assert_eq!(run.code, 0, "{}", run.transcript());
        },
        |p| {
            p.set(
                "prod",
                "JWT_SECRET",
                &format!("{CANARY}-ours-0123456789abcdefghijklm"),
            )
        },
    );
    let ours = p.read(PROD);
    let merge = git_run(&p, &["merge", "--no-edit", "theirs"], true);
    assert_eq!(merge.code, 1, "{}", merge.transcript());
    assert!(
        merge.stderr.contains("was re-created on theirs"),
        "{}",
        merge.transcript()
    );
    no_canary(&[&merge]);
    assert_eq!(p.read(PROD), ours);
}

#[test]
fn a_rotation_on_one_branch_merges_with_a_change_on_the_other() {
    let jwt = format!("{CANARY}-jwt-0123456789abcdefghijklmnop");
    let p = branches(
        |p| {
            let run = p.run(&["secrets", "rekey", "prod", "--rotate"]);
            assert_eq!(run.code, 0, "{}", run.transcript());
        },
        |p| p.set("prod", "JWT_SECRET", &jwt),
    );
    let theirs_key = git(&p, &["show", &format!("theirs:{PROD}")]).stdout;
    let merge = git_run(&p, &["merge", "--no-edit", "theirs"], true);
    assert_eq!(merge.code, 0, "{}", merge.transcript());
    no_canary(&[&merge]);
    assert_eq!(p.get("prod", "JWT_SECRET"), jwt);
    // The rotated data key is kept, and its confirmation with it.
    let block = |text: &str| text[text.find("data_key").expect("data key")..].to_string();
    assert_eq!(
        block(&p.read(PROD)).lines().take(8).collect::<Vec<_>>(),
        block(&theirs_key).lines().take(8).collect::<Vec<_>>()
    );
    let check = keyless(&p, &["check", "prod", "--base", "HEAD~1"], None);
    assert_eq!(check.code, 0, "{}", check.transcript());
}
