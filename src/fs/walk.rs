//! Listing a folder's files, for `check --app`: the one way cfgc walks a tree of the
//! project. Folders are entered without following a symlink, `.git` is never entered, and
//! the walk is bounded (depth, entries seen, files kept), so no tree makes it run long.

use cap_fs_ext::DirExt;
use cap_std::fs::Dir;

use super::path::is_git;
use super::{FsError, Op, ProjectFs, RelPath, Why};

/// What a walk keeps and how far it goes.
pub struct Walk<'a> {
    /// A folder name not to enter (`node_modules`), besides `.git`.
    pub skip_folder: &'a dyn Fn(&str) -> bool,
    /// A file name to keep (by its extension).
    pub keep_file: &'a dyn Fn(&str) -> bool,
    /// Folders below the start, at most.
    pub max_depth: usize,
    /// Entries looked at (files, folders, anything), at most.
    pub max_entries: usize,
    /// Files kept, at most.
    pub max_files: usize,
}

/// Why a walk stopped before its end.
#[derive(Debug)]
pub enum WalkError {
    Fs(FsError),
    /// A bound of the `Walk` was reached at this path: which one, and its value.
    Bound {
        at: String,
        what: &'static str,
        limit: usize,
    },
}

impl From<FsError> for WalkError {
    fn from(e: FsError) -> WalkError {
        WalkError::Fs(e)
    }
}

impl ProjectFs {
    /// The files under `dir` (`None`: the project root) that `walk` keeps, sorted by path.
    /// A symlinked file is kept (reading it refuses one that leads outside the project); a
    /// symlinked folder is not entered. `dir` itself may be reached through a symlink that
    /// stays inside the root.
    pub fn walk(&self, dir: Option<&RelPath>, walk: &Walk) -> Result<Vec<RelPath>, WalkError> {
        let top = match dir {
            Some(dir) => self.open_folder(dir)?,
            None => self
                .dir
                .try_clone()
                .map_err(|e| FsError::io(".", Op::Read, e))?,
        };
        let mut files = Vec::new();
        let mut seen = 0usize;
        let mut stack: Vec<(Option<RelPath>, Dir, usize)> = vec![(dir.cloned(), top, 0)];
        while let Some((at, handle, depth)) = stack.pop() {
            let shown = at.as_ref().map_or(".", |a| a.as_str());
            let err = |e| FsError::io(shown, Op::Read, e);
            for entry in handle.entries().map_err(err)? {
                let entry = entry.map_err(err)?;
                seen += 1;
                bound(seen, walk.max_entries, shown, "entries")?;
                let name = entry.file_name();
                // A name that is not UTF-8, or not a path component cfgc takes, is no
                // source file of a language cfgc reads.
                let Some(rel) = name.to_str().and_then(|n| match &at {
                    Some(at) => at.join(n).ok(),
                    None => RelPath::parse(n).ok(),
                }) else {
                    continue;
                };
                let name = rel.file_name().to_string();
                let kind = entry.file_type().map_err(err)?;
                if kind.is_dir() {
                    if is_git(&name) || (walk.skip_folder)(&name) {
                        continue;
                    }
                    bound(depth + 1, walk.max_depth, rel.as_str(), "folder depth")?;
                    let sub = handle.open_dir_nofollow(&name).map_err(err)?;
                    stack.push((Some(rel), sub, depth + 1));
                } else if (kind.is_file() || kind.is_symlink()) && (walk.keep_file)(&name) {
                    files.push(rel);
                    bound(files.len(), walk.max_files, shown, "files")?;
                }
            }
        }
        files.sort();
        Ok(files)
    }

    /// A folder of the project, opened; symlinks on the way followed while they stay inside.
    fn open_folder(&self, dir: &RelPath) -> Result<Dir, FsError> {
        self.dir
            .open_dir(dir.as_path())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => FsError::new(dir, Op::Read, Why::NotFound),
                _ if e.raw_os_error() == Some(rustix::io::Errno::NOTDIR.raw_os_error()) => {
                    FsError::new(dir, Op::Read, Why::NotRegular("file, not a folder"))
                }
                _ => FsError::io(dir, Op::Read, e),
            })
    }
}

fn bound(n: usize, limit: usize, at: &str, what: &'static str) -> Result<(), WalkError> {
    if n > limit {
        return Err(WalkError::Bound {
            at: at.to_string(),
            what,
            limit,
        });
    }
    Ok(())
}
