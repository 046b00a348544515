//! A small tmpfs for the full-disk and read-only-folder cases, mounted by pid-free means
//! (`mount`/`umount`) and always unmounted on drop. Mounting needs root; without it the
//! cases fall back to what an unprivileged user has (a file-size rlimit, a mode-0555
//! folder), which give the same errors to cfgc (EFBIG, EACCES instead of ENOSPC, EROFS).

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// A tmpfs of `size` (mount's syntax, e.g. "16k") over `dir`, or `None` when mounting
    /// is not permitted here (not root).
    pub fn mount(dir: &Path, size: &str, read_only: bool) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mkdir");
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(dir)
            .output()
            .expect("mount (util-linux) must be installed: apt-get install mount");
        if !out.status.success() {
            return None;
        }
        let fs = Tmpfs {
            dir: dir.to_path_buf(),
        };
        if read_only {
            // The folder an output goes to exists, then the filesystem turns read-only.
            std::fs::create_dir_all(dir.join("dev")).expect("mkdir");
            let status = Command::new("mount")
                .args(["-o", "remount,ro"])
                .arg(dir)
                .status()
                .expect("mount");
            assert!(status.success(), "remount read-only");
        }
        Some(fs)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let status = Command::new("umount").arg(&self.dir).status();
        if !matches!(status, Ok(s) if s.success()) {
            // Lazy, so a busy mount still goes; never left behind.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// Whether this process may mount (root).
pub fn can_mount() -> bool {
    rustix::process::geteuid().is_root()
}
