//! The trust boundary for decryption: decrypted values meet only trusted code.
//!
//! Masking what attacker-written code prints cannot be made safe: a template, a schema or
//! a policy changed in a pull request can turn any output (a masked diff, a finding's
//! name) into an oracle that spells a secret. So where output leaves the key holder (CI,
//! or a machine format meant for a pull request), secrets are decrypted only when the code
//! that would see them is byte-identical to a trusted revision; otherwise the run goes on
//! keyless, as if no key were at hand, and says why. On the key holder's own machine
//! output never leaves them, and their own code is theirs to run.

mod code;
mod revision;

use crate::diagnostic::{Code, Diagnostic};
use crate::project::Project;

pub use revision::Trusted;

/// What the `Config` read of the trust boundary: where output goes, and the places a
/// trusted revision may be named. Read once from the arguments and the environment.
#[derive(Clone, Debug, Default)]
pub struct Setting {
    /// Why output leaves the key holder (`CI is set`, `--format json`…); `None` on the key
    /// holder's own machine.
    pub leaves: Option<String>,
    /// `--trusted REV`.
    pub trusted: Option<String>,
    /// `GITHUB_BASE_REF`: a pull request's target branch, set by GitHub Actions.
    pub github_base_ref: Option<String>,
    /// `GITHUB_REF`: on a push, `refs/heads/BRANCH`.
    pub github_ref: Option<String>,
}

impl Setting {
    /// The setting as the process environment and the arguments give it. `machine` names a
    /// machine format (`--format json|github|markdown`), whose output is meant to leave.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        trusted: Option<String>,
        machine: Option<&str>,
    ) -> Setting {
        let leaves = if var("CI").is_some() {
            Some("CI is set".to_string())
        } else if var("GITHUB_ACTIONS").as_deref() == Some("true") {
            Some("running in GitHub Actions".to_string())
        } else {
            machine.map(|f| format!("--format {f} is meant for others to read"))
        };
        Setting {
            leaves,
            trusted,
            github_base_ref: var("GITHUB_BASE_REF"),
            github_ref: var("GITHUB_REF"),
        }
    }
}

/// Whether this run may decrypt.
#[derive(Debug)]
pub enum Gate {
    /// Output stays with the key holder, or the code is trusted.
    Open,
    /// The code differs from the trusted revision: no decryption. The notice names the
    /// files and how to proceed; `reason` is the short form for skipped outputs.
    Refused {
        notice: Box<Diagnostic>,
        reason: String,
    },
}

/// The boundary for one run. `key_at_hand` says whether an identity would be used (asked
/// only where output leaves). Fails closed (an error, exit 2) when output leaves, a key is
/// at hand and no trusted revision is found.
pub fn gate(
    setting: &Setting,
    project: &Project,
    key_at_hand: impl FnOnce() -> bool,
) -> Result<Gate, Diagnostic> {
    let Some(leaves) = &setting.leaves else {
        return Ok(Gate::Open);
    };
    if !key_at_hand() {
        return Ok(Gate::Open);
    }
    let trusted = revision::find(setting, &project.root, project.trusted_branch.as_ref())
        .map_err(|why| no_trusted_revision(leaves, &why))?;
    let changed = code::changed(project, &trusted.rev).map_err(|e| {
        no_trusted_revision(leaves, &e.diagnostic().message)
            .note(format!("the trusted revision: {}", trusted.named))
    })?;
    if changed.is_empty() {
        return Ok(Gate::Open);
    }
    Ok(refused(leaves, &trusted, &changed))
}

fn refused(leaves: &str, trusted: &Trusted, changed: &[String]) -> Gate {
    let list = changed
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let notice = Diagnostic::new(Code::SecretsNotDecrypted,
        format!(
            "secrets were not decrypted: code that would see them differs from the trusted revision {} ({list})",
            trusted.named
        ),
    )
    .note(format!(
        "output leaves the key holder ({leaves}), so decrypted values meet only reviewed code; the run went on without a key"
    ))
    .help(format!(
        "merge the change first (it is then trusted), or pass `--trusted REV` naming a revision these files are reviewed at; changed: {list}"
    ));
    let verb = if changed.len() == 1 {
        "differs"
    } else {
        "differ"
    };
    let reason = format!(
        "not decrypted: {list} {verb} from the trusted revision {}",
        trusted.named
    );
    Gate::Refused {
        notice: Box::new(notice),
        reason,
    }
}

fn no_trusted_revision(leaves: &str, why: &str) -> Diagnostic {
    Diagnostic::new(Code::TrustedRevision,
        format!("a key is at hand and output leaves the key holder ({leaves}), but no trusted revision to compare the code with: {why}"),
    )
    .help("pass `--trusted REV` (a revision the templates, schema and cfgc.toml are reviewed at, e.g. `origin/main`), or set `trusted_branch = \"main\"` under [project] in cfgc.toml; in CI fetch it first (`git fetch origin main`). Or run without a key (`plan --no-decrypt`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(vars: &[(&str, &str)], machine: Option<&str>) -> Setting {
        let var = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        Setting::from_env(var, None, machine)
    }

    #[test]
    fn output_leaves_in_ci_in_github_actions_and_with_a_machine_format() {
        assert!(setting(&[("CI", "true")], None).leaves.is_some());
        assert!(setting(&[("CI", "1")], None).leaves.is_some());
        assert!(
            setting(&[("GITHUB_ACTIONS", "true")], None)
                .leaves
                .is_some()
        );
        assert!(setting(&[], Some("markdown")).leaves.is_some());
        assert!(setting(&[], None).leaves.is_none());
        assert!(
            setting(&[("GITHUB_ACTIONS", "false")], None)
                .leaves
                .is_none()
        );
    }

    #[test]
    fn github_refs_are_read_for_the_trusted_revision() {
        let s = setting(
            &[
                ("GITHUB_BASE_REF", "main"),
                ("GITHUB_REF", "refs/pull/1/merge"),
            ],
            None,
        );
        assert_eq!(s.github_base_ref.as_deref(), Some("main"));
        assert_eq!(s.github_ref.as_deref(), Some("refs/pull/1/merge"));
    }
}
