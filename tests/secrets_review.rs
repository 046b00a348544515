//! Secrets files in code review, with real `git` in a temp repository and keys made per
//! test: the keyless diff and the git diff driver, rollback and re-creation caught with
//! `check --base`, per-name merges through the driver `cfgc git-setup` configures, and
//! values contributed without a key. Canary values never appear in any output.

use std::process::Command;

use crate::common::{Project, Run, tools};
use insta::assert_snapshot;

const PROD: &str = "environments/prod.secrets.yaml";
const CANARY: &str = "canary-7f3e1d";

/// Transcripts with per-test keys, fingerprints and the binary's path replaced.
macro_rules! snap {
    ($value:expr) => {
        insta::with_settings!({filters => vec![
            (r"age1[0-9a-z]{58}", "[RECIPIENT]"),
            (r"sealed [0-9a-f]{12}", "sealed [FP]"),
            (r"unauthenticated [0-9a-f]{12}", "unauthenticated [FP]"),
            (r"data key: [0-9a-f]{12}", "data key: [FP]"),
            (r"index [0-9a-f]+\.\.[0-9a-f]+", "index [HASH]"),
            (r"commit [0-9a-f]{40}", "commit [HASH]"),
            // age adds random "grease" stanzas: the data key's armor varies in length.
            (r"(secrets\.yaml):\d+:\d+", "$1:[LINE]"),
            (r"\d+ \|     ([A-Z_]+): [A-Za-z0-9+/=]+\.\.\.", "NN |     $1: [AGE FILE]"),
        ]}, {
            assert_snapshot!($value);
        })
    };
}

/// `git ARGS` in the project, isolated from the user's and the system's git config; the
/// cfgc drivers git runs get the project's identity only when `with_key`.
fn git_run(p: &Project, args: &[&str], with_key: bool) -> Run {
    let mut cmd = tools::command("git");
    cmd.args(args).current_dir(p.dir.path());
    isolate(p, &mut cmd, with_key);
    let out = tools::output(&mut cmd);
    let root = p.dir.path().to_string_lossy().into_owned();
    let exe = env!("CARGO_BIN_EXE_cfgc");
    let clean = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(exe, "[CFGC]")
            .replace(&root, "[ROOT]")
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
    }
}

fn isolate(p: &Project, cmd: &mut Command, with_key: bool) {
    for var in ["CFGC_AGE_KEY", "CFGC_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", p.dir.path().join(".no-such-home"))
        .env("XDG_CONFIG_HOME", p.dir.path().join(".no-such-config"))
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z");
    if with_key {
        cmd.env("CFGC_AGE_KEY_FILE", p.path("keys/test.key"));
    }
}

fn git(p: &Project, args: &[&str]) -> Run {
    let run = git_run(p, args, true);
    assert_eq!(run.code, 0, "git {args:?}: {}", run.transcript());
    run
}

/// The minimal project with secrets, committed on `main` in a fresh repository.
fn repo() -> Project {
    let (p, _) = Project::with_secrets();
    let p = p.file(".gitignore", "keys/\n.cfgc.lock\n");
    git(&p, &["init", "-q", "-b", "main"]);
    git(&p, &["config", "user.name", "Test"]);
    git(&p, &["config", "user.email", "test@example.com"]);
    commit(&p, "initial");
    p
}

fn commit(p: &Project, message: &str) {
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", message]);
}

fn no_canary(runs: &[&Run]) {
    for run in runs {
        assert!(
            !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
            "{}",
            run.transcript()
        );
    }
}

/// `cfgc ARGS` run by someone with no identity at hand.
fn keyless(p: &Project, args: &[&str], stdin: Option<&str>) -> Run {
    p.run_with_env(args, stdin, &[("CFGC_AGE_KEY_FILE", "")])
}

#[test]
fn secrets_diff_names_what_changed_without_a_key() {
    let p = repo();
    let unchanged = keyless(&p, &["secrets", "diff"], None);
    assert_eq!(unchanged.code, 0, "{}", unchanged.transcript());
    p.set(
        "prod",
        "JWT_SECRET",
        &format!("{CANARY}-0123456789abcdefghijklmnop"),
    );
    let rm = p.run(&["secrets", "rm", "dev", "DATABASE_URL"]);
    assert_eq!(rm.code, 0, "{}", rm.transcript());
    let changed = keyless(&p, &["secrets", "diff"], None);
    assert_eq!(changed.code, 1, "{}", changed.transcript());
    commit(&p, "change");
    let rotated = p.run(&["secrets", "rekey", "prod", "--rotate"]);
    assert_eq!(rotated.code, 0, "{}", rotated.transcript());
    let resealed = keyless(&p, &["secrets", "diff", "HEAD"], None);
    assert_eq!(resealed.code, 1);
    let bad_rev = keyless(&p, &["secrets", "diff", "no-such-branch"], None);
    assert_eq!(bad_rev.code, 2);
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
    let run = keyless(&p, &["secrets", "diff"], None);
    assert_eq!(run.code, 2, "{}", run.transcript());
    snap!(run.transcript());
}

#[test]
fn git_diff_and_log_show_names_through_the_diff_driver() {
    let p = repo();
    let setup = p.run(&["git-setup"]);
    assert_eq!(setup.code, 0, "{}", setup.transcript());
    assert_eq!(
        p.read(".gitattributes"),
        "*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n"
    );
    // Idempotent, and other lines are kept.
    let p = p.file(
        ".gitattributes",
        "*.png binary\n*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n",
    );
    assert_eq!(p.run(&["git-setup"]).code, 0);
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
    let ok = keyless(&p, &["check", "--base", "HEAD~1"], None);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    // The older file put back: valid on its own, and its MAC verifies.
    let p = p.file(PROD, &old);
    let rolled_back = keyless(&p, &["check", "--base", "HEAD"], None);
    assert_eq!(rolled_back.code, 1, "{}", rolled_back.transcript());
    let with_key = p.run(&["check", "prod"]);
    assert_eq!(
        with_key.code,
        0,
        "the old file verifies: {}",
        with_key.transcript()
    );
    // The generation line removed: a legacy file to the parser, rolled back to `--base`.
    let line = p.line(PROD, "  generation: ");
    let p = p.file(PROD, &old.replace(&format!("{line}\n"), ""));
    let stripped = keyless(&p, &["check", "prod", "--base", "HEAD"], None);
    assert_eq!(stripped.code, 1, "{}", stripped.transcript());
    let mac = p.run(&["check", "prod"]);
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
    let run = keyless(&p, &["secrets", "set", "prod", "DATABASE_URL"], Some(&evil));
    assert_eq!(run.code, 0, "{}", run.transcript());
    let recreated = keyless(&p, &["check", "prod", "--base", "HEAD"], None);
    assert_eq!(recreated.code, 1, "{}", recreated.transcript());
    let diff = keyless(&p, &["secrets", "diff"], None);
    assert!(
        diff.stdout.contains("data key replaced") && diff.stdout.contains("NOT confirmed"),
        "{}",
        diff.transcript()
    );
    // A key holder who meant it (here: reviewed it) confirms with the old key.
    let confirm = p.run(&["secrets", "confirm-recreate", "prod", "--base", "HEAD"]);
    assert_eq!(confirm.code, 0, "{}", confirm.transcript());
    let confirmed = keyless(&p, &["check", "prod", "--base", "HEAD"], None);
    assert!(
        !confirmed.stdout.contains("secrets-recreated"),
        "{}",
        confirmed.transcript()
    );
    assert!(
        !confirmed.stdout.contains("secrets-rolled-back"),
        "{}",
        confirmed.transcript()
    );
    // Without the old key there is nothing to sign with.
    let p2 = repo();
    std::fs::remove_file(p2.path(PROD)).expect("rm");
    keyless(
        &p2,
        &["secrets", "set", "prod", "DATABASE_URL"],
        Some(&evil),
    );
    let refused = keyless(
        &p2,
        &["secrets", "confirm-recreate", "prod", "--base", "HEAD"],
        None,
    );
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    // A rotation by cfgc is signed by the old key: not a finding.
    let p3 = repo();
    assert_eq!(p3.run(&["secrets", "rekey", "prod", "--rotate"]).code, 0);
    let rotated = keyless(&p3, &["check", "prod", "--base", "HEAD"], None);
    assert_eq!(rotated.code, 0, "{}", rotated.transcript());
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
    let plan = p.run(&["plan", "prod"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    let apply = p.run(&["apply", "prod", "--yes"]);
    assert_eq!(apply.code, 2, "{}", apply.transcript());
    assert!(
        apply.stderr.contains("error[secrets-pending]"),
        "{}",
        apply.transcript()
    );
    let exec = p.run(&["exec", "prod", "--", "true"]);
    assert_eq!(exec.code, 2, "{}", exec.transcript());
    assert!(
        exec.stderr.contains("error[secrets-pending]"),
        "{}",
        exec.transcript()
    );
    assert!(!p.path("deploy").exists(), "nothing was written");
    let rekey = p.run(&["secrets", "rekey", "prod", "--rotate"]);
    assert_eq!(rekey.code, 2, "seal first: {}", rekey.transcript());
    let seal = p.run(&["secrets", "seal", "prod"]);
    assert_eq!(seal.code, 0, "{}", seal.transcript());
    assert_eq!(p.get("prod", "JWT_SECRET"), value);
    assert!(!p.read(PROD).contains("pending"));
    let planned = p.run(&["plan", "prod"]);
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
    let shown = p.run(&["secrets", "seal", "prod", "--show"]);
    assert_eq!(shown.code, 0, "{}", shown.transcript());
    assert!(
        shown.stdout.contains(&format!("DATABASE_URL={value}\n")),
        "{}",
        shown.transcript()
    );
    assert!(!shown.stderr.contains(CANARY));
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
