//! The files under a folder, recorded to show that a command changed nothing. A symlink is
//! recorded by its target and a FIFO or other special file by its type, never opened:
//! reading a FIFO would block the test, and following a symlink could leave the folder.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::Project;

/// Every file under the project, with its bytes.
pub fn snapshot_files(p: &Project) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let ft = std::fs::symlink_metadata(&path).expect("stat").file_type();
            if ft.is_symlink() {
                let target = std::fs::read_link(&path).expect("readlink");
                out.push((
                    path,
                    format!("symlink -> {}", target.display()).into_bytes(),
                ));
            } else if ft.is_dir() {
                walk(&path, out);
            } else if ft.is_file() {
                let bytes = std::fs::read(&path).expect("read");
                out.push((path, bytes));
            } else {
                out.push((path, b"special file".to_vec()));
            }
        }
    }
    let mut out = Vec::new();
    walk(p.root(), &mut out);
    out
}

/// Every path under a folder (its own path left out) with its kind, mode and a hash of
/// its content: what `.unchanged()` compares before and after a run.
#[derive(PartialEq)]
pub(super) struct Snapshot(BTreeMap<PathBuf, String>);

impl Snapshot {
    pub fn of(root: &Path) -> Snapshot {
        let mut out = BTreeMap::new();
        walk(root, root, &mut out);
        Snapshot(out)
    }

    /// What differs in `after`, or `None` when nothing does.
    pub fn changes(&self, after: &Snapshot) -> Option<String> {
        if self == after {
            return None;
        }
        let (before, after) = (&self.0, &after.0);
        let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
        let changed: Vec<_> = before
            .iter()
            .filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v))
            .map(|(k, _)| k)
            .collect();
        Some(format!(
            "left behind {added:?}, removed {removed:?}, changed {changed:?}"
        ))
    }

    /// The regular files that are new or changed in `after`: what a run wrote.
    pub fn written<'a>(&self, after: &'a Snapshot) -> Vec<&'a Path> {
        after
            .0
            .iter()
            .filter(|(k, v)| v.starts_with("file ") && self.0.get(*k) != Some(*v))
            .map(|(k, _)| k.as_path())
            .collect()
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.insert(
            dir.strip_prefix(root).expect("under root").into(),
            "unreadable".into(),
        );
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let rel = path.strip_prefix(root).expect("under root").to_path_buf();
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        let mode = meta.permissions().mode() & 0o7777;
        let ft = meta.file_type();
        let what = if ft.is_symlink() {
            format!(
                "link -> {}",
                std::fs::read_link(&path).expect("readlink").display()
            )
        } else if ft.is_dir() {
            walk(root, &path, out);
            format!("dir {mode:o}")
        } else if ft.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            format!("file {mode:o} {:x}", Sha256::digest(&bytes))
        } else {
            format!("special {mode:o}")
        };
        out.insert(rel, what);
    }
}
