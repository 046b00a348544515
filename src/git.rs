//! The few things cfgc asks of git, through the `git` program (a subprocess, so the
//! user's git and its configuration answer): a file as it was at a revision, and the
//! clone's configuration for the merge and diff drivers.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::diagnostic::{Code, Diagnostic};

/// A file read from history is a secrets file: far below this.
const MAX_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug)]
pub enum GitError {
    NotInstalled,
    NotARepo,
    BadRevision(String),
    Failed(String),
}

impl GitError {
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            GitError::NotInstalled => Diagnostic::new(Code::Git, "`git` is not installed or not on PATH")
                .help("install git (`apt-get install git`, `brew install git`) and run the command again"),
            GitError::NotARepo => Diagnostic::new(Code::Git, "the project is not in a git repository")
                .help("comparing with a revision needs the project's git history: run it in a clone"),
            GitError::BadRevision(rev) => Diagnostic::new(Code::GitRevision, format!("`{rev}` is not a revision of this repository"))
                .help("give a branch, tag or commit (in CI, fetch the pull request's target branch first: `git fetch origin main`, then `--base origin/main`)"),
            GitError::Failed(why) => Diagnostic::new(Code::Git, format!("git failed: {why}")),
        }
    }
}

fn run(dir: &Path, args: &[&str]) -> Result<Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitError::NotInstalled,
            _ => GitError::Failed(e.to_string()),
        })
}

/// Refuses a revision git would read as an option.
fn check_rev(rev: &str) -> Result<(), GitError> {
    if rev.is_empty() || rev.starts_with('-') || rev.contains(['\0', '\n']) {
        return Err(GitError::BadRevision(rev.to_string()));
    }
    Ok(())
}

/// Whether `dir` is inside a git work tree.
pub fn ensure_repo(dir: &Path) -> Result<(), GitError> {
    let out = run(dir, &["rev-parse", "--is-inside-work-tree"])?;
    if out.status.success() && out.stdout.starts_with(b"true") {
        Ok(())
    } else {
        Err(GitError::NotARepo)
    }
}

/// The text of `rel` (relative to `dir`) at `rev`; `None` when it did not exist there.
pub fn show(dir: &Path, rev: &str, rel: &str) -> Result<Option<String>, GitError> {
    match blob(dir, rev, rel)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| GitError::Failed(format!("`{rel}` at `{rev}` is not UTF-8 text"))),
    }
}

/// The commit `rev` names, as a full hash; `None` when it names none.
pub fn commit_of(dir: &Path, rev: &str) -> Result<Option<String>, GitError> {
    check_rev(rev)?;
    ensure_repo(dir)?;
    let commit = format!("{rev}^{{commit}}");
    let out = run(dir, &["rev-parse", "--verify", "--quiet", &commit])?;
    if !out.status.success() {
        return Ok(None);
    }
    Ok(Some(
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    ))
}

/// The bytes of `rel` (relative to `dir`) at `rev`; `None` when it did not exist there.
pub fn blob(dir: &Path, rev: &str, rel: &str) -> Result<Option<Vec<u8>>, GitError> {
    if commit_of(dir, rev)?.is_none() {
        return Err(GitError::BadRevision(rev.to_string()));
    }
    // `./` makes the path relative to `dir`, wherever the repository's root is.
    let object = format!("{rev}:./{rel}");
    if !run(dir, &["cat-file", "-e", &object])?.status.success() {
        return Ok(None);
    }
    // The size first: a huge blob in history is refused before it is read into memory.
    let size = run(dir, &["cat-file", "-s", &object])?;
    let size: u64 = String::from_utf8_lossy(&size.stdout)
        .trim()
        .parse()
        .map_err(|_| GitError::Failed(format!("cannot read the size of `{rel}` at `{rev}`")))?;
    if size > MAX_BYTES as u64 {
        return Err(GitError::Failed(format!(
            "`{rel}` at `{rev}` is larger than {MAX_BYTES} bytes"
        )));
    }
    let out = run(dir, &["cat-file", "blob", &object])?;
    if !out.status.success() {
        return Err(GitError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(Some(out.stdout))
}

/// The path of `dir` inside its repository (`""` at the root, else ending in `/`).
pub fn prefix(dir: &Path) -> Result<String, GitError> {
    ensure_repo(dir)?;
    let out = run(dir, &["rev-parse", "--show-prefix"])?;
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// `git config --local KEY VALUE` for the clone `dir` is in.
pub fn set_config(dir: &Path, key: &str, value: &str) -> Result<(), GitError> {
    let out = run(dir, &["config", "--local", key, value])?;
    if out.status.success() {
        Ok(())
    } else {
        Err(GitError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}
