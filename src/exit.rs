//! Exit codes, decided in one place from what a run produced.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | ok: valid, or nothing to change |
//! | 1 | findings: the project's content is wrong (schema, policies, secrets where they do not belong) |
//! | 2 | usage, I/O, decryption or internal error: the run could not do its job |
//! | 3 | changes pending (`plan --exit-code`): valid, but the files on disk are not what it renders |

use std::process::ExitCode;

use crate::diagnostic::{Diagnostic, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Findings = 1,
    Error = 2,
    Pending = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// What a run reported, which decides its exit code: commands return it, and `main` alone
/// turns it into the code (`Outcome::exit`). A command cannot pick a code; it can only report
/// diagnostics (`Outcome::of`), say it found changes to write (`pending`), or that what it
/// compared differs (`differs`, `diff`'s exit 1).
#[must_use]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    error: bool,
    finding: bool,
    pending: bool,
}

impl Outcome {
    /// Nothing to report.
    pub const OK: Outcome = Outcome {
        error: false,
        finding: false,
        pending: false,
    };

    /// What reporting `diagnostics` means: an error stopped the run, a finding (not a
    /// warning) is the project breaking a rule.
    pub fn of(diagnostics: &[Diagnostic]) -> Outcome {
        Outcome {
            error: diagnostics.iter().any(|d| !d.is_finding()),
            finding: diagnostics
                .iter()
                .any(|d| d.is_finding() && d.severity == Severity::Error),
            pending: false,
        }
    }

    /// Changes to write were found, and the run was asked to say so (`plan --exit-code`).
    pub fn with_pending(self, pending: bool) -> Outcome {
        Outcome { pending, ..self }
    }

    /// What was compared differs (`docs --check`, `secrets diff`): exit 1, as `diff` does.
    pub fn differs() -> Outcome {
        Outcome {
            finding: true,
            ..Outcome::OK
        }
    }

    /// An error outranks a finding, which outranks pending changes; warnings alone exit 0.
    pub fn exit(self) -> Exit {
        if self.error {
            Exit::Error
        } else if self.finding {
            Exit::Findings
        } else if self.pending {
            Exit::Pending
        } else {
            Exit::Ok
        }
    }
}

/// The help text's table, kept next to the decision (a macro, so `--help` texts can
/// `concat!` it).
#[macro_export]
macro_rules! exit_codes_help {
    () => {
        "Exit codes:
  0  ok: valid, or nothing to change
  1  findings: the configuration or a rendered output breaks a rule
  2  usage, I/O, decryption or internal error
  3  changes pending (plan --exit-code): valid, but files on disk differ"
    };
}

pub const HELP: &str = exit_codes_help!();

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn errors_outrank_findings_outrank_pending() {
        let finding = Diagnostic::new(Code::SchemaType, "x");
        let error = Diagnostic::new(Code::Io, "x");
        let warning = Diagnostic::new(Code::UnusedVariable, "x");
        let exit = |d: &[Diagnostic], pending| Outcome::of(d).with_pending(pending).exit();
        assert_eq!(exit(&[], false), Exit::Ok);
        assert_eq!(exit(&[], true), Exit::Pending);
        assert_eq!(exit(std::slice::from_ref(&finding), true), Exit::Findings);
        assert_eq!(exit(&[finding, error], true), Exit::Error);
        assert_eq!(exit(&[warning], false), Exit::Ok);
        assert_eq!(Outcome::differs().exit(), Exit::Findings);
    }
}
