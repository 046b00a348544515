//! How the trusted revision is found (`--trusted`, GITHUB_BASE_REF, a push's GITHUB_REF,
//! cfgc.toml's `trusted_branch`, `origin/` first), failing closed without one, and the
//! release step on a fresh clone of main.

use super::{ci, no_secret, oracle_template, project, pull_request, refused};
use crate::common::Project;
use crate::common::git::{commit, git};

#[test]
fn no_trusted_revision_in_ci_with_a_key_fails_closed() {
    let p = pull_request(false, |p| p.file("templates/env.j2", oracle_template()));
    for args in [&["check"][..], &["plan", "--allow-skipped"]] {
        let run = ci(&p, args, &[]);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(
            run.stderr.contains("no trusted revision") && run.stderr.contains("--trusted REV"),
            "{}",
            run.transcript()
        );
        assert!(run.stderr.contains("trusted_branch"), "{}", run.stderr);
        assert!(!run.stdout.contains("L0_"), "{}", run.stdout);
        no_secret(&run);
    }
    // A revision that does not resolve is no trusted revision either.
    let run = ci(&p, &["check", "--trusted", "no-such-branch"], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("`no-such-branch` (--trusted)"),
        "{}",
        run.stderr
    );
    // Without a key nothing is decrypted, so nothing needs trusting.
    let run = ci(&p, &["check"], &[("CFGC_AGE_KEY_FILE", "")]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn trusted_flag_names_the_trusted_revision() {
    let p = pull_request(false, |p| p.file("templates/env.j2", oracle_template()));
    let run = ci(&p, &["check", "--trusted", "main"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    refused(&run, "templates/env.j2");
    assert!(run.stderr.contains("`main` (--trusted)"), "{}", run.stderr);
    // The revision the template is reviewed at: trusted.
    let run = ci(&p, &["check", "--trusted", "pr"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("values checked in dev, prod"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_base_ref_names_the_trusted_revision() {
    let p = pull_request(false, |p| p.file("templates/env.j2", oracle_template()));
    let gha = |p: &Project| {
        p.args(["check"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_BASE_REF", "main")
            .run()
    };
    let run = gha(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
    refused(&run, "templates/env.j2");
    assert!(
        run.stderr.contains("`main` (GITHUB_BASE_REF)"),
        "{}",
        run.stderr
    );
    // GITHUB_BASE_REF outranks cfgc.toml's setting, which the pull request may edit.
    let p = p.edit(
        "cfgc.toml",
        "schema = \"schema/env.schema.json\"",
        "schema = \"schema/env.schema.json\"\ntrusted_branch = \"pr\"",
    );
    commit(&p, "trust myself");
    let run = gha(&p);
    refused(&run, "cfgc.toml");
}

#[test]
fn github_ref_of_a_push_to_the_trusted_branch_trusts_head() {
    // `release` names no branch here: only the push itself can make HEAD trusted.
    let p = pull_request(true, |p| {
        p.file("templates/env.j2", oracle_template()).edit(
            "cfgc.toml",
            "trusted_branch = \"main\"",
            "trusted_branch = \"release\"",
        )
    });
    let run = ci(&p, &["check"], &[("GITHUB_REF", "refs/heads/release")]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("values checked in dev, prod"),
        "{}",
        run.stdout
    );
    let run = ci(&p, &["check"], &[("GITHUB_REF", "refs/heads/pr")]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("`origin/release`"), "{}", run.stderr);
}

#[test]
fn trusted_branch_setting_prefers_origin_over_a_local_branch_of_that_name() {
    // A CI that checks the pull request out as a local `main`: origin's is the trusted one.
    let origin = project(true);
    let p = Project::empty();
    let from = origin.dir.path().to_string_lossy().into_owned();
    git(&p, &["clone", "-q", &from, "."]);
    let key = origin.path("keys/test.key").to_string_lossy().into_owned();
    let p = p
        .env("CFGC_AGE_KEY_FILE", &key)
        .file("templates/env.j2", oracle_template());
    git(&p, &["config", "user.name", "Test"]);
    git(&p, &["config", "user.email", "test@example.com"]);
    commit(&p, "the pull request, on a local main");
    let run = ci(&p, &["check"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    refused(&run, "templates/env.j2");
    assert!(run.stderr.contains("`origin/main`"), "{}", run.stderr);
}

/// The example committed on `main` in a scratch repository, and a clone of it.
fn example_clone() -> (Project, Project) {
    let origin = Project::example().file(
        ".gitignore",
        std::fs::read_to_string(crate::common::repo().join(".gitignore")).expect(".gitignore"),
    );
    git(&origin, &["init", "-q", "-b", "main"]);
    git(&origin, &["config", "user.name", "Test"]);
    git(&origin, &["config", "user.email", "test@example.com"]);
    commit(&origin, "the example");
    let clone = Project::empty();
    let from = origin.dir.path().to_string_lossy().into_owned();
    git(&clone, &["clone", "-q", &from, "."]);
    (clone, origin)
}

/// What `.ci/run` runs on main with CI=true: the demo key is a key at hand for `check`.
fn release_step_passes(p: &Project) {
    let run = ci(p, &["check"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("values checked in development"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("not decrypted"),
        "{}",
        run.transcript()
    );
    let run = ci(p, &["plan", "--exit-code"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn the_release_step_passes_in_ci_on_a_fresh_clone_of_main() {
    let (clone, _origin) = example_clone();
    release_step_passes(&clone);
}

#[test]
fn the_release_step_passes_in_ci_where_only_origin_main_exists() {
    let (clone, _origin) = example_clone();
    git(&clone, &["checkout", "-q", "--detach"]);
    git(&clone, &["branch", "-q", "-D", "main"]);
    release_step_passes(&clone);
}
