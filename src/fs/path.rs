//! `RelPath`: a path inside the project, checked once where it enters (cfgc.toml), so
//! every later access can only name a file under the root.

use std::fmt;
use std::path::Path;

/// A project-relative path: `/`-separated, no empty, `.` or `..` component, not
/// absolute, and never inside `.git`. Built only by `RelPath::parse`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelPath(String);

/// Why a string is not a project-relative path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the path is empty")]
    Empty,
    #[error("the path is absolute")]
    Absolute,
    #[error("the path has a `..` component")]
    Parent,
    #[error("the path is inside `.git`, which cfgc never reads or writes")]
    Git,
    #[error("the path holds a NUL byte")]
    Nul,
}

impl PathError {
    pub fn help(&self) -> &'static str {
        match self {
            PathError::Empty => "name a file, relative to the folder that holds cfgc.toml",
            PathError::Absolute | PathError::Parent => {
                "cfgc reads and writes only inside the project: use a path relative to the folder that holds cfgc.toml, without `..`"
            }
            PathError::Git => "keep project files out of `.git`",
            PathError::Nul => "remove the NUL byte from the path",
        }
    }
}

impl RelPath {
    /// `a/./b` and `a//b` are `a/b`; a trailing `/` is dropped.
    pub fn parse(s: &str) -> Result<RelPath, PathError> {
        if s.contains('\0') {
            return Err(PathError::Nul);
        }
        if s.starts_with('/') || Path::new(s).is_absolute() {
            return Err(PathError::Absolute);
        }
        let mut parts = Vec::new();
        for c in s.split('/') {
            match c {
                "" | "." => {}
                ".." => return Err(PathError::Parent),
                c if is_git(c) => return Err(PathError::Git),
                c => parts.push(c),
            }
        }
        if parts.is_empty() {
            return Err(PathError::Empty);
        }
        Ok(RelPath(parts.join("/")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn as_path(&self) -> &Path {
        Path::new(&self.0)
    }

    /// The components, first to last.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The last component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The folder that holds it; `None` for a file at the root.
    pub fn parent(&self) -> Option<RelPath> {
        self.0.rsplit_once('/').map(|(p, _)| RelPath(p.to_string()))
    }

    /// `self/name`, checked like any other path.
    pub fn join(&self, name: &str) -> Result<RelPath, PathError> {
        RelPath::parse(&format!("{}/{name}", self.0))
    }
}

/// `.git` in any letter case: on a case-insensitive filesystem `.GIT` is the same folder.
pub(super) fn is_git(component: &str) -> bool {
    component.eq_ignore_ascii_case(".git")
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<Path> for RelPath {
    fn as_ref(&self) -> &Path {
        self.as_path()
    }
}
