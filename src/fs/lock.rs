//! The one lock primitive of cfgc: an exclusive advisory lock on a file of the project,
//! held while files are compared and replaced.

use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{OpenOptions, OpenOptionsExt};

use super::write::check_target;
use super::{FsError, Op, ProjectFs, RelPath, Why};

/// Held until dropped: closing the file releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

impl ProjectFs {
    /// Take an exclusive lock on `rel`, created (empty, 0600) if missing; waits while
    /// another process holds it. A symlink or anything but a regular file is refused, so a
    /// committed `.cfgc.lock` symlink cannot make cfgc create a file elsewhere.
    pub fn lock(&self, rel: &RelPath) -> Result<Lock, FsError> {
        let err = |e| FsError::io(rel, Op::Lock, e);
        let dir = self.parent_dir(rel, Op::Lock, true)?;
        let name = rel.file_name();
        check_target(&dir, rel, name, Op::Lock)?;
        let mut options = OpenOptions::new();
        options
            .read(true)
            .write(true)
            .create(true)
            .mode(0o600)
            // A symlink swapped in since the check is refused, not followed.
            .follow(FollowSymlinks::No);
        let file = dir.open_with(name, &options).map_err(err)?;
        let kind = file.metadata().map_err(err)?.file_type();
        if !kind.is_file() {
            return Err(FsError::new(
                rel,
                Op::Lock,
                Why::NotRegular(super::read::type_name(&kind)),
            ));
        }
        let file = file.into_std();
        file.lock().map_err(err)?;
        Ok(Lock { _file: file })
    }
}
