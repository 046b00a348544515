//! Reads: regular files inside the root, never `.git`, never more than the role's limit.

use std::io::Read;

use cap_std::fs::{File, OpenOptions, OpenOptionsExt};
use rustix::fs::OFlags;

use super::path::is_git;
use super::{FsError, Op, ProjectFs, RelPath, Role, Why};

impl ProjectFs {
    /// The bytes of a regular file inside the project, at most the role's limit.
    pub fn read(&self, rel: &RelPath, role: Role) -> Result<Vec<u8>, FsError> {
        self.read_if_exists(rel, role)?
            .ok_or_else(|| FsError::new(rel, Op::Read, Why::NotFound))
    }

    /// `read`, for UTF-8 text; invalid UTF-8 is returned as the bytes, for the caller
    /// to point at the first bad byte.
    pub fn read_to_string(
        &self,
        rel: &RelPath,
        role: Role,
    ) -> Result<Result<String, std::string::FromUtf8Error>, FsError> {
        self.read(rel, role).map(String::from_utf8)
    }

    /// `read`, with `None` when nothing is there (for the plan's "what is on disk now",
    /// and a secrets file `cfgc secrets set` is about to create). Everything else is
    /// refused as `read` refuses it: a symlink out, a special file, an oversize file.
    pub fn read_if_exists(&self, rel: &RelPath, role: Role) -> Result<Option<Vec<u8>>, FsError> {
        let Some(file) = self.open_regular(rel)? else {
            return Ok(None);
        };
        let limit = self.limits.bytes(role);
        let too_large = || FsError::new(rel, Op::Read, Why::TooLarge { role, limit });
        let len = file
            .metadata()
            .map_err(|e| FsError::io(rel, Op::Read, e))?
            .len();
        if len > limit {
            return Err(too_large());
        }
        // The size can change after the stat: read one byte past the limit to know.
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FsError::io(rel, Op::Read, e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(Some(bytes))
    }

    /// Open `rel` for reading if it is a regular file inside the root and outside `.git`.
    fn open_regular(&self, rel: &RelPath) -> Result<Option<File>, FsError> {
        // Resolve symlinks first, inside the root (cap-std refuses a way out), to see
        // whether the file really is in `.git`; then open the resolved path.
        let real = match self.dir.canonicalize(rel.as_path()) {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NOTDIR.raw_os_error()) => {
                return Err(self.not_a_folder(rel, e));
            }
            Err(e) => return Err(FsError::io(rel, Op::Read, e)),
        };
        if real
            .components()
            .any(|c| c.as_os_str().to_str().is_some_and(is_git))
        {
            return Err(FsError::new(rel, Op::Read, Why::Git));
        }
        let mut options = OpenOptions::new();
        // Non-blocking, so opening a FIFO returns at once instead of waiting for a
        // writer; no controlling terminal from a tty device.
        options
            .read(true)
            .custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32);
        let file = match self.dir.open_with(&real, &options) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(FsError::io(rel, Op::Read, e)),
        };
        // The type of the opened handle, not of a separate stat: nothing can be
        // swapped in between.
        let kind = file
            .metadata()
            .map_err(|e| FsError::io(rel, Op::Read, e))?
            .file_type();
        if !kind.is_file() {
            return Err(FsError::new(
                rel,
                Op::Read,
                Why::NotRegular(type_name(&kind)),
            ));
        }
        Ok(Some(file))
    }
}

impl ProjectFs {
    /// ENOTDIR names no file: find the one on the way to `rel` that is not a folder (a
    /// file left where an output's folder belongs), so the message can say what to move.
    fn not_a_folder(&self, rel: &RelPath, e: std::io::Error) -> FsError {
        let mut at = String::new();
        for name in rel.components() {
            if !at.is_empty() {
                at.push('/');
            }
            at.push_str(name);
            match self.dir.metadata(&at) {
                Ok(m) if !m.is_dir() => return FsError::new(rel, Op::Read, Why::NotAFolder(at)),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        FsError::io(rel, Op::Read, e)
    }
}

pub(super) fn type_name(kind: &cap_std::fs::FileType) -> &'static str {
    use cap_std::fs::FileTypeExt;
    if kind.is_dir() {
        "folder"
    } else if kind.is_fifo() {
        "FIFO (named pipe)"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "device"
    } else if kind.is_symlink() {
        "symlink"
    } else {
        "special file"
    }
}
