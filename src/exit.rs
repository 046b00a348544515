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

/// The exit code of a run that reported `diagnostics`; `pending` when it found changes to
/// write and was asked to say so. An error outranks a finding, which outranks pending
/// changes; warnings alone exit 0.
pub fn decide(diagnostics: &[Diagnostic], pending: bool) -> Exit {
    if diagnostics.iter().any(|d| !d.is_finding()) {
        Exit::Error
    } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        Exit::Findings
    } else if pending {
        Exit::Pending
    } else {
        Exit::Ok
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
        assert_eq!(decide(&[], false), Exit::Ok);
        assert_eq!(decide(&[], true), Exit::Pending);
        assert_eq!(decide(std::slice::from_ref(&finding), true), Exit::Findings);
        assert_eq!(decide(&[finding, error], true), Exit::Error);
        let warning = Diagnostic::new(Code::UnusedVariable, "x");
        assert_eq!(decide(&[warning], false), Exit::Ok);
    }
}
