//! A scratch project in a git repository of its own: real `git`, isolated from the user's
//! and the system's configuration, for the tests of secrets files in review.

use std::process::Command;

use super::{Project, Run, Test, tools};

/// The secrets file the review, merge and pending tests write to.
pub const PROD: &str = "environments/prod.secrets.yaml";
/// Planted in the values those tests set, so any output that leaks one is caught.
pub const CANARY: &str = "canary-7f3e1d";

/// `insta::assert_snapshot!` under [`filters`]. A macro, not a function, so the snapshot
/// is still named after the calling test.
macro_rules! snap {
    ($value:expr) => {
        insta::with_settings!({filters => $crate::common::git::filters()}, {
            insta::assert_snapshot!($value);
        })
    };
}
pub(crate) use snap;

/// Filters for transcripts: per-test keys, ciphertext fingerprints, hashes, and the
/// lines of a secrets file (age adds random "grease" stanzas, so the data key's armor
/// varies in length).
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"age1[0-9a-z]{58}", "[RECIPIENT]"),
        (r"sealed [0-9a-f]{12}", "sealed [FP]"),
        (r"unauthenticated [0-9a-f]{12}", "unauthenticated [FP]"),
        (r"data key: [0-9a-f]{12}", "data key: [FP]"),
        (r"index [0-9a-f]+\.\.[0-9a-f]+", "index [HASH]"),
        (r"commit [0-9a-f]{40}", "commit [HASH]"),
        (r"(secrets\.yaml):\d+:\d+", "$1:[LINE]"),
        (
            r"\d+ \|     ([A-Z_]+): [A-Za-z0-9+/=]+\.\.\.",
            "NN |     $1: [AGE FILE]",
        ),
    ]
}

/// `git ARGS` in the project, isolated from the user's and the system's git config; the
/// cfgc drivers git runs get the project's identity only when `with_key`.
pub fn git_run(p: &Project, args: &[&str], with_key: bool) -> Run {
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
    super::strip_user_env(cmd);
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", p.dir.path().join(".no-such-home"))
        .env("XDG_CONFIG_HOME", p.dir.path().join(".no-such-config"))
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z");
    if with_key {
        cmd.env("CFGC_AGE_KEY_FILE", p.path("keys/test.key"));
    }
}

pub fn git(p: &Project, args: &[&str]) -> Run {
    let run = git_run(p, args, true);
    assert_eq!(run.code, 0, "git {args:?}: {}", run.transcript());
    run
}

/// The minimal project with secrets, committed on `main` in a fresh repository.
pub fn repo() -> Project {
    let (p, _) = Project::with_secrets();
    let p = p.file(".gitignore", "keys/\n.cfgc.lock\n");
    git(&p, &["init", "-q", "-b", "main"]);
    git(&p, &["config", "user.name", "Test"]);
    git(&p, &["config", "user.email", "test@example.com"]);
    commit(&p, "initial");
    p
}

pub fn commit(p: &Project, message: &str) {
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", message]);
}

/// Fails when [`CANARY`] is in any output of `runs`.
pub fn no_canary(runs: &[&Run]) {
    for run in runs {
        assert!(
            !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
            "{}",
            run.transcript()
        );
    }
}

/// `cfgc ARGS` run by someone with no identity at hand.
pub fn keyless<'p>(p: &'p Project, args: &[&str]) -> Test<'p> {
    p.args(args).env("CFGC_AGE_KEY_FILE", "")
}

/// The public key of the project's own key holder (`keys/test.key`), as prod lists it.
pub fn owner(p: &Project) -> String {
    let toml = p.read("cfgc.toml");
    let prod = &toml[toml.find("[environments.prod]").expect("prod")..];
    prod.split('"')
        .find(|s| s.starts_with("age1"))
        .expect("prod names a recipient")
        .to_string()
}

/// prod's `recipients` in cfgc.toml set to `recipients`.
pub fn set_prod_recipients(p: &Project, recipients: &[&str]) {
    let toml = p.read("cfgc.toml");
    let at = toml.find("[environments.prod]").expect("prod");
    let (head, prod) = toml.split_at(at);
    let line = prod
        .lines()
        .find(|l| l.starts_with("recipients = "))
        .expect("prod's recipients");
    let list: Vec<String> = recipients.iter().map(|r| format!("\"{r}\"")).collect();
    let new = format!("recipients = [{}]", list.join(", "));
    std::fs::write(
        p.path("cfgc.toml"),
        format!("{head}{}", prod.replacen(line, &new, 1)),
    )
    .expect("write cfgc.toml");
}

/// Someone with an age key of their own and none of the project's: the key is kept at
/// `keys/attacker.key` (ignored by git); returns its public half.
pub fn attacker(p: &Project) -> String {
    let key = super::age_key();
    std::fs::write(p.path("keys/attacker.key"), format!("{}\n", key.secret)).expect("key");
    key.public
}

/// `cfgc ARGS` run with the attacker's key only.
pub fn as_attacker<'p>(p: &'p Project, args: &[&str]) -> Test<'p> {
    p.args(args)
        .env("CFGC_AGE_KEY_FILE", p.path("keys/attacker.key"))
}

/// The attack of issue 19 (b): prod's file deleted and re-created by the attacker under
/// a new data key, for `recipients`, with the attacker's own values; then `secrets set`
/// `writes` more times to raise the generation above the base's.
pub fn recreate_prod(p: &Project, recipients: &[&str], writes: usize) {
    set_prod_recipients(p, recipients);
    std::fs::remove_file(p.path(PROD)).expect("rm");
    let evil = format!("postgres://app:{CANARY}@evil.example.com/app");
    as_attacker(p, &["secrets", "set", "prod", "DATABASE_URL"])
        .stdin(&evil)
        .status(0)
        .run();
    for i in 0..writes {
        let jwt = format!("{CANARY}-evil-{i}-0123456789abcdefghijklmn");
        as_attacker(p, &["secrets", "set", "prod", "JWT_SECRET"])
            .stdin(&jwt)
            .status(0)
            .run();
    }
}

/// `p` committed on `main` in a repository of its own, with `trusted_branch = "main"` in
/// cfgc.toml (added if missing): its code is then the trusted revision's, as a run whose
/// output leaves the key holder (a machine format, CI) needs in order to decrypt.
pub fn committed(p: Project) -> Project {
    let p = if p.read("cfgc.toml").contains("trusted_branch") {
        p
    } else {
        p.edit(
            "cfgc.toml",
            "[project]\n",
            "[project]\ntrusted_branch = \"main\"\n",
        )
    };
    let ignored = std::fs::read_to_string(p.path(".gitignore")).unwrap_or_default();
    let p = p.file(".gitignore", format!("{ignored}keys/\n.cfgc.lock\n"));
    git(&p, &["init", "-q", "-b", "main"]);
    git(&p, &["config", "user.name", "Test"]);
    git(&p, &["config", "user.email", "test@example.com"]);
    commit(&p, "committed");
    p
}
