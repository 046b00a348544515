//! Writes: atomic, inside the root, never through a symlink, even one swapped in mid-run.
//!
//! The target's folder is reached one component at a time with `open_dir_nofollow`, so
//! a symlink anywhere on the way is refused at the moment it is opened, not at an earlier
//! check; the temp file is created, renamed and synced through that one folder handle.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use cap_fs_ext::DirExt;
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};

use super::read::type_name;
use super::{FsError, Op, ProjectFs, Purpose, RelPath, Why};

/// A temp file is `.cfgc-<name>.<random>.tmp`, in the target's folder: recognisable, so
/// those a killed write left can be removed (`remove_stale_temps`).
pub const TMP_PREFIX: &str = ".cfgc-";
pub const TMP_SUFFIX: &str = ".tmp";

impl ProjectFs {
    /// Replace (or create) `rel` with `bytes`, file mode `mode`, atomically: readers see
    /// the old file or the new one, never a part. Missing folders are created (never
    /// through a symlink). A target that is a folder, a symlink or a special file is
    /// refused. No temp file is left behind when it fails.
    pub fn write_atomic(
        &self,
        rel: &RelPath,
        bytes: &[u8],
        mode: u32,
        purpose: Purpose,
    ) -> Result<(), FsError> {
        self.stage(rel, bytes, mode, purpose)?.commit()
    }

    /// The first half of `write_atomic`: `bytes` written and synced to a temp file next to
    /// `rel`, not yet renamed over it. Stage several files, then commit them all, so that a
    /// failure while staging leaves every file as it was. Dropping a `Staged` removes its
    /// temp file. An input `purpose` may not replace is refused (`inputs`).
    pub fn stage(
        &self,
        rel: &RelPath,
        bytes: &[u8],
        mode: u32,
        purpose: Purpose,
    ) -> Result<Staged, FsError> {
        let err = |e| FsError::io(rel, Op::Write, e);
        self.refuse_input(rel, purpose)?;
        let dir = self.parent_dir(rel, Op::Write, true)?;
        let name = rel.file_name();
        check_target(&dir, rel, name, Op::Write)?;
        let tmp = temp_name(name).map_err(err)?;
        let mut options = OpenOptions::new();
        // 0600 until the content is complete: a secret never sits in a file others can read.
        options.write(true).create_new(true).mode(0o600);
        let file = dir.open_with(&tmp, &options).map_err(err)?;
        // From here on, dropping `staged` removes the temp file.
        let staged = Staged {
            dir,
            tmp,
            rel: rel.clone(),
            done: false,
        };
        let mut file = file.into_std();
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| file.set_permissions(std::fs::Permissions::from_mode(mode)));
        drop(file);
        written.map_err(err)?;
        Ok(staged)
    }

    /// Several files, all or none: every target is checked (`check_writable`) before any
    /// folder is created or temp file written, then each is staged; commit them all once
    /// this returns. Every refusal is returned, not only the first.
    pub fn stage_all(
        &self,
        files: &[(RelPath, &[u8], u32)],
        purpose: Purpose,
    ) -> Result<Vec<Staged>, Vec<FsError>> {
        let refused: Vec<FsError> = files
            .iter()
            .filter_map(|(rel, _, _)| self.check_writable(rel, purpose).err())
            .collect();
        if !refused.is_empty() {
            return Err(refused);
        }
        files
            .iter()
            .map(|(rel, bytes, mode)| self.stage(rel, bytes, *mode, purpose))
            .collect::<Result<_, _>>()
            .map_err(|e| vec![e])
    }

    /// The preflight of a write: every existing folder on the way is a real folder (no
    /// symlink), and the target is absent, a regular file, and no input `purpose` may not
    /// replace. `apply` checks every target with this before it writes the first.
    pub fn check_writable(&self, rel: &RelPath, purpose: Purpose) -> Result<(), FsError> {
        self.refuse_input(rel, purpose)?;
        let dir = match self.parent_dir(rel, Op::Write, false) {
            Ok(dir) => dir,
            // A missing folder is created by the write.
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e),
        };
        check_target(&dir, rel, rel.file_name(), Op::Write)
    }

    /// Remove the temp files a killed write left in `dir` and its subfolders; returns how
    /// many. Call it under the lock, so that no other run is writing them. Symlinked
    /// folders are not entered.
    pub fn remove_stale_temps(&self, dir: &RelPath) -> Result<usize, FsError> {
        let top = match self.dir.open_dir_nofollow(dir.as_path()) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(FsError::io(dir, Op::Remove, e)),
        };
        let mut removed = 0;
        let mut stack = vec![(dir.clone(), top)];
        while let Some((at, d)) = stack.pop() {
            let err = |e| FsError::io(&at, Op::Remove, e);
            for entry in d.entries().map_err(err)? {
                let entry = entry.map_err(err)?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                let kind = entry.file_type().map_err(err)?;
                if kind.is_dir() {
                    let Ok(sub) = at.join(name) else { continue };
                    let handle = d.open_dir_nofollow(name).map_err(err)?;
                    stack.push((sub, handle));
                } else if kind.is_file() && is_temp(name) {
                    d.remove_file(name).map_err(err)?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// The folder that holds `rel`, opened one component at a time without following a
    /// symlink; missing folders are created when `create` is set.
    pub(super) fn parent_dir(&self, rel: &RelPath, op: Op, create: bool) -> Result<Dir, FsError> {
        let mut dir = self.dir.try_clone().map_err(|e| FsError::io(".", op, e))?;
        let Some(parent) = rel.parent() else {
            return Ok(dir);
        };
        let mut at = String::new();
        for name in parent.components() {
            if !at.is_empty() {
                at.push('/');
            }
            at.push_str(name);
            let err = |e| FsError::io(rel, op, e);
            match dir.symlink_metadata(name) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(FsError::new(rel, op, Why::Symlink(at)));
                }
                Ok(m) if !m.is_dir() => return Err(FsError::new(rel, op, Why::NotAFolder(at))),
                Ok(_) => {}
                Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => {
                    dir.create_dir(name).map_err(err)?;
                    // Make the new folder's entry durable too.
                    sync_dir(&dir).map_err(err)?;
                }
                Err(e) => return Err(err(e)),
            }
            // Swapped for a symlink since the check: refused here (ELOOP or ENOTDIR).
            dir = dir
                .open_dir_nofollow(name)
                .map_err(|e| match e.raw_os_error() {
                    Some(code)
                        if code == rustix::io::Errno::LOOP.raw_os_error()
                            || code == rustix::io::Errno::NOTDIR.raw_os_error() =>
                    {
                        FsError::new(rel, op, Why::Symlink(at.clone()))
                    }
                    _ => err(e),
                })?;
        }
        Ok(dir)
    }
}

/// A complete temp file waiting to replace its target (`ProjectFs::stage`).
#[derive(Debug)]
pub struct Staged {
    /// The target's folder, opened when staging: the rename happens in this folder
    /// whatever has been swapped in on the way since.
    dir: Dir,
    tmp: String,
    rel: RelPath,
    done: bool,
}

impl Staged {
    /// Rename the temp file over the target and make the rename durable. The target is
    /// checked again: a symlink or folder put there since staging is refused.
    pub fn commit(mut self) -> Result<(), FsError> {
        let rel = self.rel.clone();
        let err = |e| FsError::io(&rel, Op::Write, e);
        let name = rel.file_name();
        check_target(&self.dir, &rel, name, Op::Write)?;
        self.dir.rename(&self.tmp, &self.dir, name).map_err(err)?;
        self.done = true;
        sync_dir(&self.dir).map_err(err)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.dir.remove_file(&self.tmp);
        }
    }
}

/// The target is absent or a regular file.
pub(super) fn check_target(dir: &Dir, rel: &RelPath, name: &str, op: Op) -> Result<(), FsError> {
    match dir.symlink_metadata(name) {
        Ok(m) if m.file_type().is_symlink() => {
            Err(FsError::new(rel, op, Why::Symlink(rel.to_string())))
        }
        Ok(m) if !m.is_file() => Err(FsError::new(
            rel,
            op,
            Why::NotRegular(type_name(&m.file_type())),
        )),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(FsError::io(rel, op, e)),
    }
}

fn temp_name(name: &str) -> std::io::Result<String> {
    let mut random = [0u8; 6];
    getrandom::getrandom(&mut random).map_err(std::io::Error::other)?;
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    // Keep the whole name under the usual 255-byte limit.
    let mut end = name.len().min(200);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    Ok(format!("{TMP_PREFIX}{}.{hex}{TMP_SUFFIX}", &name[..end]))
}

fn is_temp(name: &str) -> bool {
    name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)
}

/// fsync a folder, so that an entry created or renamed in it survives a crash. The
/// handle may be `O_PATH` (which fsync refuses): reopen it for reading.
fn sync_dir(dir: &Dir) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options
        .read(true)
        .custom_flags(rustix::fs::OFlags::DIRECTORY.bits() as i32);
    dir.open_with(".", &options)?.into_std().sync_all()
}
