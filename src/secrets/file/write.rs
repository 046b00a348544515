//! Replacing a secrets file atomically: a private temp file in the same folder, written,
//! flushed to disk, then renamed over the target. A reader sees the old file or the new
//! one, never half of either, and an error before the rename leaves the old file as it was.

use std::io::Write;
use std::path::Path;

use tempfile::NamedTempFile;

/// A fully written file waiting to replace its target; dropping it removes it.
pub struct Staged {
    temp: NamedTempFile,
    target: std::path::PathBuf,
}

/// Writes `text` next to `target` (mode 0600) and syncs it, without replacing `target`
/// yet: several files can be staged, then all committed, so a failure while staging
/// leaves every file as it was.
pub fn stage(target: &Path, text: &str) -> std::io::Result<Staged> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // tempfile creates the file 0600 on Unix: never readable by others, not even briefly.
    let mut temp = tempfile::Builder::new()
        .prefix(".cfgc-secrets-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    set_private(temp.as_file())?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    Ok(Staged {
        temp,
        target: target.to_path_buf(),
    })
}

impl Staged {
    /// Renames the temp file over the target and syncs the folder.
    pub fn commit(self) -> std::io::Result<()> {
        let Staged { temp, target } = self;
        temp.persist(&target).map_err(|e| e.error)?;
        if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The rename is durable once the folder is synced; not every platform can.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Stage and commit one file.
pub fn write_atomic(target: &Path, text: &str) -> std::io::Result<()> {
    stage(target, text)?.commit()
}

/// An exclusive advisory lock on a folder, held while its secrets files are compared with
/// what was read and replaced: two cfgc processes cannot interleave read-modify-writes.
pub struct FolderLock {
    _dir: std::fs::File,
}

pub fn lock_folder(target: &Path) -> std::io::Result<FolderLock> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = std::fs::File::open(dir)?;
    #[cfg(unix)]
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)?;
    // Elsewhere there is no lock: the unchanged-since-read check still applies.
    Ok(FolderLock { _dir: file })
}

/// Whether `target` still holds `expected` (`None`: still does not exist).
pub fn unchanged(target: &Path, expected: Option<&str>) -> std::io::Result<bool> {
    match (std::fs::read(target), expected) {
        (Ok(bytes), Some(text)) => Ok(bytes == text.as_bytes()),
        (Err(e), None) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        (Err(e), Some(_)) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        (Ok(_), None) => Ok(false),
        (Err(e), _) => Err(e),
    }
}

#[cfg(unix)]
fn set_private(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}
