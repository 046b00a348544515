//! `FsError`: every refusal or failure of the project filesystem names the file
//! (project-relative) and says why, with what to do. It never holds file contents.

use std::fmt;
use std::io;

use super::Role;
use crate::diagnostic::{Code, Diagnostic};

/// What cfgc was doing with the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
    Lock,
    Remove,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot {op} `{path}`: {why}")]
pub struct FsError {
    /// Project-relative path of the file (or of the root, `.`).
    pub path: String,
    pub op: Op,
    pub why: Why,
}

#[derive(Debug, thiserror::Error)]
pub enum Why {
    #[error("no such file")]
    NotFound,
    #[error("a symlink on the way leads outside the project")]
    Outside,
    #[error("it leads into `.git`, which cfgc never reads or writes")]
    Git,
    #[error("it is a {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("`{0}` is a symlink, and cfgc never writes through one")]
    Symlink(String),
    #[error("`{0}` is not a folder")]
    NotAFolder(String),
    #[error("it is {0}, one of the project's inputs, which cfgc never writes over")]
    Input(String),
    #[error("it is larger than the {role} limit of {limit} bytes")]
    TooLarge { role: Role, limit: u64 },
    #[error("permission denied")]
    PermissionDenied,
    #[error("{0}")]
    Io(io::Error),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Read => "read",
            Op::Write => "write",
            Op::Lock => "lock",
            Op::Remove => "remove",
        })
    }
}

impl FsError {
    pub fn new(path: impl fmt::Display, op: Op, why: Why) -> FsError {
        FsError {
            path: path.to_string(),
            op,
            why,
        }
    }

    /// An I/O error from cap-std, sorted into the reasons cfgc explains.
    pub fn io(path: impl fmt::Display, op: Op, e: io::Error) -> FsError {
        FsError::new(path, op, classify(e))
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self.why, Why::NotFound)
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match &self.why {
            Why::NotRegular(_) if self.op != Op::Read => {
                "move what is in the way: cfgc replaces only regular files".into()
            }
            Why::NotFound => "create the file, or fix the path in cfgc.toml".into(),
            Why::Outside => "cfgc reads and writes only inside the project: copy the file into it, or make the symlink point inside it with a relative target".into(),
            Why::Git => "keep project files out of `.git`".into(),
            Why::NotRegular(_) => "point cfgc.toml at a regular file".into(),
            Why::Symlink(_) => "replace the symlink with a real folder or file inside the project".into(),
            Why::NotAFolder(at) => format!("`{at}` is a file where a folder is needed: remove or move that file, or change the output path"),
            Why::Input(_) => "give the input and the written file different paths: rename or move the input (and its entry in cfgc.toml), or change the path written".into(),
            Why::TooLarge { role, .. } => match role.limit_key() {
                Some(key) => format!("if the file is meant to be this large, raise `{key}` in the `[limits]` table of cfgc.toml"),
                None => "this file is far larger than any valid one: check it is the right file".into(),
            },
            Why::PermissionDenied => "check the permissions of the file and its folders".into(),
            Why::Io(_) => "check the disk and the permissions of the file and its folders".into(),
        }
    }

    /// The error as a diagnostic: exit 2, never a finding.
    pub fn diagnostic(&self) -> Diagnostic {
        let code = match (&self.why, self.op) {
            (Why::TooLarge { .. }, _) => Code::FileTooLarge,
            (
                Why::Outside
                | Why::Git
                | Why::NotRegular(_)
                | Why::Symlink(_)
                | Why::NotAFolder(_)
                | Why::Input(_),
                _,
            ) => Code::FileRefused,
            (_, Op::Read) => Code::FileNotReadable,
            _ => Code::Io,
        };
        Diagnostic::new(code, self.to_string()).help(self.help())
    }
}

/// cap-std reports an escape from the root as a `PermissionDenied` it made itself,
/// without an OS error code; a real EACCES has one.
fn classify(e: io::Error) -> Why {
    match e.kind() {
        io::ErrorKind::NotFound => Why::NotFound,
        io::ErrorKind::PermissionDenied if e.raw_os_error().is_none() => Why::Outside,
        io::ErrorKind::PermissionDenied => Why::PermissionDenied,
        // A socket cannot be opened as a file.
        _ if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) => {
            Why::NotRegular("socket or device without a driver")
        }
        _ => Why::Io(e),
    }
}
