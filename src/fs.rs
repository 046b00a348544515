//! The project's filesystem: the one way cfgc reads or writes a file of the project.
//!
//! Every access is relative to one handle on the project root, opened once (cap-std),
//! so what a pull request puts in the project cannot make cfgc touch anything else:
//! - paths are `RelPath`s, checked when cfgc.toml is loaded: relative, no `..`, no `.git`;
//! - a symlink is followed only while it stays inside the root; one that leaves it
//!   (absolute targets included) is refused, whatever it points at;
//! - only regular files are read: a FIFO, device, socket or folder is opened
//!   non-blocking and refused by the type of the opened handle, so nothing hangs;
//! - `.git` is never read or written, not even through a symlink inside the root;
//! - every read is capped by its role's limit (`Limits`): at most limit + 1 bytes are
//!   read, so a huge file is refused without reading it;
//! - a write never replaces one of the project's inputs (cfgc.toml, the schema, a
//!   layer, a template, an identity file, another environment's secrets file): every
//!   write says what it is for (`Purpose`), and `stage` refuses the rest (`inputs`);
//! - writes go to a temp file in the target's folder, opened through handles that never
//!   follow a symlink, then are renamed in that folder: swapping a folder for a symlink
//!   mid-run cannot redirect them (see `write`).
//!
//! Every refusal is an `FsError` that names the file and says why.
//!
//! Use: `RelPath::parse` where a path enters (cfgc.toml); `read` / `read_to_string` /
//! `read_if_exists` with the file's `Role`; `walk` to list a folder's files (`check --app`); `set_inputs` once cfgc.toml is read; `check_writable` on every target
//! before the first `write_atomic` (or `stage` several, then `commit` them all); `lock` (the one
//! lock primitive) around compare-and-replace;
//! `remove_stale_temps` under the lock; `FsError::diagnostic` to report.

mod error;
mod inputs;
mod limits;
mod lock;
mod named;
mod path;
mod read;
mod walk;
mod write;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

pub use error::{FsError, Op, Why};
pub use inputs::{Input, Inputs, Purpose};
pub use limits::{Limits, MAX_BYTES, MAX_DEPTH, Role};
pub use lock::Lock;
pub use path::{PathError, RelPath};
pub use walk::{Walk, WalkError};
pub use write::{Staged, TMP_PREFIX, TMP_SUFFIX};

/// The project's lock file: `apply` and every `cfgc secrets` write hold it while they
/// compare and replace files.
pub const LOCK_FILE: &str = ".cfgc.lock";

/// The project root, opened once, and the limits every read is held to.
#[derive(Debug)]
pub struct ProjectFs {
    root: PathBuf,
    dir: Dir,
    limits: Limits,
    /// What no write replaces, unless its `Purpose` says it may (`inputs`).
    inputs: Inputs,
}

impl ProjectFs {
    /// Open the project root. Every later access goes through this one handle.
    pub fn open(root: &Path, limits: Limits) -> Result<ProjectFs, FsError> {
        let dir = Dir::open_ambient_dir(root, ambient_authority())
            .map_err(|e| FsError::io(root.display(), Op::Read, e))?;
        Ok(ProjectFs {
            root: root.to_path_buf(),
            dir,
            limits,
            inputs: Inputs::default(),
        })
    }

    /// The root as given to `open`, for messages and for tools that need a real path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `rel` is on disk, for display and for tools outside cfgc; cfgc's own
    /// reads and writes go through `read` and `write_atomic`, never this path.
    pub fn abs(&self, rel: &RelPath) -> PathBuf {
        self.root.join(rel.as_path())
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Replace the limits (once cfgc.toml's `[limits]` is read).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }
}
