//! A fresh clone of the example: `cfgc plan --exit-code` exits 0 with no flags, because the
//! committed demo key is used only for an environment named on the command line there;
//! releases still fail when an environment asked for has outputs skipped.

use std::path::Path;

use crate::common::{Project, repo, tools};

fn git(dir: &Path, args: &[&str]) {
    let out = tools::output(
        tools::command("git")
            .args([
                "-c",
                "user.name=cfgc test",
                "-c",
                "user.email=test@example.com",
            ])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE"),
    );
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// The example committed to a scratch repository, then cloned into the returned project.
fn fresh_clone() -> (Project, tempfile::TempDir) {
    let origin = Project::example().file(
        ".gitignore",
        std::fs::read_to_string(repo().join(".gitignore")).expect(".gitignore"),
    );
    git(origin.dir.path(), &["init", "-q"]);
    git(origin.dir.path(), &["add", "-A"]);
    git(origin.dir.path(), &["commit", "-q", "-m", "the example"]);
    let clone = Project::empty();
    let from = origin.dir.path().to_string_lossy().into_owned();
    git(clone.dir.path(), &["clone", "-q", &from, "."]);
    (clone, origin.dir)
}

#[test]
fn plan_exit_code_on_a_fresh_clone_is_zero_without_flags() {
    let (p, _origin) = fresh_clone();
    p.args(["plan", "--exit-code"])
        .status(0)
        .stdout_has("skipped deploy/development/.env")
        .stdout_has("its demo key in cfgc.toml is used by `plan --exit-code` only when `development` is named")
        .run();
    // The README's first command still decrypts development with the demo key.
    p.args(["plan"])
        .status(0)
        .stdout_has("deploy/development/.env")
        .stdout_lacks("skipped deploy/development/.env")
        .run();
}

#[test]
fn a_named_environment_still_uses_its_demo_key_and_releases_still_fail() {
    let (p, _origin) = fresh_clone();
    // Named: the demo key is used, so its gitignored `.env` is pending.
    p.args(["plan", "development", "--exit-code"])
        .status(3)
        .run();
    // A release names its environment: without its key it fails, not skips.
    p.args(["plan", "production", "--exit-code"])
        .status(2)
        .stdout_has("secrets-skipped")
        .run();
    // An identity given that fits nothing: every environment skipped is an error.
    let key = crate::common::age_key();
    let p = p.private_file("other.key", format!("{}\n", key.secret));
    p.args(["plan", "--exit-code", "-i", "other.key"])
        .status(2)
        .stdout_has("secrets-skipped")
        .run();
}
