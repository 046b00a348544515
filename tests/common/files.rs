//! The fixture's files: written, edited, removed, or made into what a hostile pull
//! request would put there (a symlink, a FIFO, a folder where a file belongs).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::Project;

impl Project {
    /// `rel` with `contents`, its folders made. A symlink at `rel` is replaced, never
    /// written through: setting up a test must not change what a link points at.
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Project {
        let path = self.path(rel);
        if path.is_symlink() {
            std::fs::remove_file(&path).expect("rm a symlink");
        }
        make_parent(&path);
        std::fs::write(path, contents).expect("write file");
        self
    }

    /// `file`, private (0600), as a key file should be: cfgc warns about one others may read.
    pub fn private_file(self, rel: &str, contents: impl AsRef<[u8]>) -> Project {
        let p = self.file(rel, contents);
        std::fs::set_permissions(p.path(rel), std::fs::Permissions::from_mode(0o600))
            .expect("chmod 600");
        p
    }

    pub fn append(self, rel: &str, text: &str) -> Project {
        let old = self.read(rel);
        self.file(rel, old + text)
    }

    /// Replace `from` (which must occur) by `to` in a file.
    pub fn edit(self, rel: &str, from: &str, to: &str) -> Project {
        let old = self.read(rel);
        assert!(old.contains(from), "`{from}` is not in {rel}:\n{old}");
        let new = old.replacen(from, to, 1);
        self.file(rel, new)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read file")
    }

    /// `rel` removed: a file, a symlink (not what it points at) or a whole folder.
    pub fn remove(self, rel: &str) -> Project {
        let path = self.path(rel);
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(path).expect("rm -r");
        } else {
            std::fs::remove_file(path).expect("rm");
        }
        self
    }

    pub fn mkdir(self, rel: &str) -> Project {
        std::fs::create_dir_all(self.path(rel)).expect("mkdir");
        self
    }

    /// `rel` becomes a symlink to `target` (what it was is removed).
    pub fn symlink(self, rel: &str, target: impl AsRef<Path>) -> Project {
        let path = self.path(rel);
        if path.is_symlink() || path.is_file() {
            std::fs::remove_file(&path).expect("rm");
        } else if path.is_dir() {
            std::fs::remove_dir_all(&path).expect("rm -r");
        }
        make_parent(&path);
        std::os::unix::fs::symlink(target.as_ref(), &path).expect("symlink");
        self
    }

    /// `rel` becomes a FIFO, which a reader would block on forever.
    pub fn fifo(self, rel: &str) -> Project {
        let path = self.path(rel);
        if path.exists() || path.is_symlink() {
            std::fs::remove_file(&path).expect("rm");
        }
        make_parent(&path);
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo (coreutils) must be installed: apt-get install coreutils");
        assert!(status.success(), "mkfifo");
        self
    }
}

fn make_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
}
