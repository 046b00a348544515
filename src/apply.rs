//! Stage 7, apply: write the files a plan changes. Each write is atomic (a
//! temp file in the target's folder, fsync, rename), with the declared
//! mode, never through a symlink, never outside the output folder, and
//! under a lock so two applies cannot interleave.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path};

use crate::diagnostic::Diagnostic;
use crate::plan::FilePlan;

/// Stage 7's product: what was written.
pub struct Applied {
    pub written: usize,
}

pub const LOCK_FILE: &str = ".cfgc.lock";

/// Held for the whole of a plan-then-write, so two applies cannot interleave.
pub struct Lock(#[allow(dead_code)] File);

pub fn lock(root: &Path) -> Result<Lock, Diagnostic> {
    let path = root.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            Diagnostic::error(
                "io",
                format!("cannot open the lock file `{LOCK_FILE}`: {e}"),
            )
        })?;
    file.lock()
        .map_err(|e| Diagnostic::error("io", format!("cannot lock `{LOCK_FILE}`: {e}")))?;
    Ok(Lock(file))
}

/// Check every target before writing any, so a refused path leaves all
/// files as they were.
pub fn preflight(root: &Path, output_dir: &str, plans: &[FilePlan]) -> Vec<Diagnostic> {
    plans
        .iter()
        .filter(|p| p.pending())
        .filter_map(|p| safe_target(root, output_dir, &p.rel).err())
        .collect()
}

fn safe_target(root: &Path, output_dir: &str, rel: &str) -> Result<(), Diagnostic> {
    let refuse = |why: String| {
        Diagnostic::error("unsafe-output-path", format!("refusing to write `{rel}`: {why}"))
            .help("outputs are written only to regular files under the output folder, never through a symlink")
    };
    let rel_path = Path::new(rel);
    if !rel_path.starts_with(output_dir)
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(refuse(format!("it is outside `{output_dir}/`")));
    }
    let mut at = root.to_path_buf();
    for c in rel_path.components() {
        at.push(c);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refuse(format!(
                    "`{}` is a symlink",
                    at.strip_prefix(root).unwrap_or(&at).display()
                )));
            }
            Ok(m) if at.as_path() != root.join(rel_path) && !m.is_dir() => {
                return Err(refuse(format!(
                    "`{}` is not a folder",
                    at.strip_prefix(root).unwrap_or(&at).display()
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Stage 7: write every created or changed file.
pub fn write_all(root: &Path, plans: &[FilePlan]) -> Result<Applied, Diagnostic> {
    let mut written = 0;
    for plan in plans {
        let Some(text) = &plan.write else {
            continue;
        };
        write_atomic(&root.join(&plan.rel), text.as_bytes(), plan.output.mode)
            .map_err(|e| Diagnostic::error("io", format!("cannot write `{}`: {e}", plan.rel)))?;
        written += 1;
    }
    Ok(Applied { written })
}

/// Prefix and suffix of apply's temp files, so stale ones (from a killed
/// apply) can be recognised and removed under the lock.
const TMP_PREFIX: &str = ".cfgc-";
const TMP_SUFFIX: &str = ".tmp";

fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent folder"))?;
    if !dir.is_dir() {
        fs::create_dir_all(dir)?;
        // Make the new folder's entry durable too.
        if let Some(parent) = dir.parent() {
            File::open(parent)?.sync_all()?;
        }
    }
    // The temp file is created 0600 by tempfile and keeps that mode until
    // its content is durable: a secret never sits in a wider-readable file.
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))?;
    tmp.persist(path).map_err(|e| e.error)?;
    File::open(dir)?.sync_all()
}

/// Remove temp files a killed apply left in the output folders. Runs under
/// the lock, so no other apply is writing them.
pub fn remove_stale_temp_files(root: &Path, output_dir: &str) {
    let mut stack = vec![root.join(output_dir)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t)
                    if t.is_file()
                        && name.starts_with(TMP_PREFIX)
                        && name.ends_with(TMP_SUFFIX) =>
                {
                    let _ = fs::remove_file(entry.path());
                }
                _ => {}
            }
        }
    }
}
