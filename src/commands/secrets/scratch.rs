//! The private folder that holds `cfgc secrets edit`'s decrypted copy: in memory where the
//! system offers it (`$XDG_RUNTIME_DIR`, else `/dev/shm`), so the plaintext never reaches a
//! disk, else the system temp folder. Named `cfgc-edit-<pid>-<random>` and 0700, so a later
//! run can tell a leftover of a killed edit (its process is gone) from one in use, and
//! remove it.

use std::fs::DirBuilder;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

const PREFIX: &str = "cfgc-edit-";

/// The folder; removed with everything in it when dropped.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Create a new private folder, after removing the leftovers of killed edits.
    pub fn create() -> std::io::Result<Scratch> {
        let base = base();
        remove_leftovers(&base);
        let mut random = [0u8; 6];
        getrandom::getrandom(&mut random).map_err(std::io::Error::other)?;
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let pid = rustix::process::getpid().as_raw_nonzero();
        let path = base.join(format!("{PREFIX}{pid}-{hex}"));
        // Created 0700 (not created then narrowed): never readable by others.
        DirBuilder::new().mode(0o700).create(&path)?;
        Ok(Scratch { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Where the folder goes: a memory-backed folder of this user where one exists.
fn base() -> PathBuf {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && private_to_us(p));
    runtime
        .or_else(|| Some(PathBuf::from("/dev/shm")).filter(|p| p.is_dir()))
        .unwrap_or_else(std::env::temp_dir)
}

/// `$XDG_RUNTIME_DIR` is trusted only as the spec describes it: a folder of this user that
/// no one else may enter.
fn private_to_us(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| {
        m.is_dir()
            && m.uid() == rustix::process::getuid().as_raw()
            && m.permissions().mode() & 0o077 == 0
    })
}

/// Remove `cfgc-edit-<pid>-…` folders of this user whose process is gone: what a `kill -9`
/// of an earlier edit left. Folders of running edits, other users' and anything that is
/// not a real folder are left alone.
fn remove_leftovers(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    let uid = rustix::process::getuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
            .and_then(rustix::process::Pid::from_raw)
        else {
            continue;
        };
        let path = entry.path();
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        if ours && !alive(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Whether a process with this id exists (EPERM: it does, someone else's).
fn alive(pid: rustix::process::Pid) -> bool {
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e != rustix::io::Errno::SRCH,
    }
}
