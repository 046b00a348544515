//! Which revision's code is trusted: named by `--trusted`, by the pull request's target
//! branch in GitHub Actions, or by cfgc.toml's `trusted_branch`, in that order.
//!
//! A branch is looked up as `origin/BRANCH` before `BRANCH`: a CI system may create a
//! local branch named after the pull request, and a fork's branch may even be called
//! `main`; the remote-tracking branch is what was fetched from the protected one.

use std::path::Path;

use crate::git;
use crate::project::Located;

use super::Setting;

/// The trusted revision: the commit to compare with, and how it was named (for messages).
#[derive(Debug)]
pub struct Trusted {
    pub rev: String,
    pub named: String,
}

/// The trusted revision, or why there is none.
pub fn find(
    setting: &Setting,
    root: &Path,
    branch: Option<&Located<String>>,
) -> Result<Trusted, String> {
    if let Some(rev) = &setting.trusted {
        return commit(root, rev)?
            .map(|c| trusted(c, format!("`{rev}` (--trusted)")))
            .ok_or_else(|| format!("`{rev}` (--trusted) is not a revision of this repository"));
    }
    if let Some(base) = &setting.github_base_ref {
        return on_branch(root, base, "GITHUB_BASE_REF");
    }
    let Some(branch) = branch else {
        return Err(
            "none is named (no --trusted, no GITHUB_BASE_REF, no `trusted_branch` in cfgc.toml)"
                .into(),
        );
    };
    let branch = &branch.value;
    // A push to the trusted branch: its head is the trusted revision itself.
    if setting.github_ref.as_deref() == Some(&format!("refs/heads/{branch}")) {
        return commit(root, "HEAD")?
            .map(|c| trusted(c, format!("HEAD (a push to `{branch}`)")))
            .ok_or_else(|| "HEAD names no commit".to_string());
    }
    on_branch(root, branch, "cfgc.toml's `trusted_branch`")
}

/// `origin/BRANCH`, else `BRANCH`.
fn on_branch(root: &Path, branch: &str, from: &str) -> Result<Trusted, String> {
    for rev in [format!("origin/{branch}"), branch.to_string()] {
        if let Some(c) = commit(root, &rev)? {
            return Ok(trusted(c, format!("`{rev}` ({from})")));
        }
    }
    Err(format!(
        "neither `origin/{branch}` nor `{branch}` ({from}) is a revision of this repository"
    ))
}

fn commit(root: &Path, rev: &str) -> Result<Option<String>, String> {
    match git::commit_of(root, rev) {
        Ok(c) => Ok(c),
        Err(git::GitError::BadRevision(_)) => Ok(None),
        Err(e) => Err(e.diagnostic().message),
    }
}

fn trusted(rev: String, named: String) -> Trusted {
    Trusted { rev, named }
}
