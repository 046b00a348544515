//! A file named on the command line rather than in cfgc.toml: git's merge driver writes
//! its result to OURS, a temp file git names. It is held to the same rules as a project
//! file: never inside `.git`, never through a symlink (the file itself or a folder swapped
//! in later: the write goes through a handle on the real folder), never over one of the
//! project's inputs, and atomic.

use std::path::Path;

use super::path::is_git;
use super::{FsError, Limits, Op, ProjectFs, Purpose, RelPath, Why};

impl ProjectFs {
    /// Replace the file at `path` (relative to the working folder, or absolute) with
    /// `bytes`, under the project's write rules; `purpose` as for `stage`.
    pub fn write_named(
        &self,
        path: &Path,
        bytes: &[u8],
        mode: u32,
        purpose: Purpose,
    ) -> Result<(), FsError> {
        let shown = path.display().to_string();
        let refuse = |why| FsError::new(&shown, Op::Write, why);
        let in_git = |p: &Path| {
            p.components()
                .any(|c| c.as_os_str().to_str().is_some_and(is_git))
        };
        if in_git(path) {
            return Err(refuse(Why::Git));
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| RelPath::parse(n).ok())
            .ok_or_else(|| refuse(Why::NotRegular("path without a file name")))?;
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder = folder
            .canonicalize()
            .map_err(|e| FsError::io(&shown, Op::Write, e))?;
        if in_git(&folder) {
            return Err(refuse(Why::Git));
        }
        // Inside the project, the file may be one of its inputs.
        if let Ok(inside) = folder.join(name.as_str()).strip_prefix(&self.root)
            && let Some(rel) = inside.to_str().and_then(|s| RelPath::parse(s).ok())
        {
            self.refuse_input(&rel, purpose)
                .map_err(|e| FsError::new(&shown, Op::Write, e.why))?;
        }
        let dir = ProjectFs::open(&folder, Limits::default())?;
        dir.write_atomic(&name, bytes, mode, purpose)
            .map_err(|e| FsError::new(&shown, e.op, e.why))
    }
}
