//! Stage 7, apply: write the files a plan changes, through the project filesystem
//! (`crate::fs`): atomic, with the declared mode, never through a symlink (not even one
//! swapped in while apply waited for its confirmation), never outside the project, and
//! under the project lock so two applies cannot interleave.
//!
//! Every target is checked, then every file is staged (written to a temp file next to
//! its target), and only then are they renamed into place: a refused target, a read-only
//! folder or a full disk leaves every file as it was, never a partial apply.

use crate::diagnostic::Diagnostic;
use crate::fs::{FsError, LOCK_FILE, Lock, ProjectFs, Purpose, RelPath};
use crate::plan::FilePlan;

/// Stage 7's product: what was written.
pub struct Applied {
    pub written: usize,
}

/// The project lock, held for the whole of a plan-then-write.
pub fn lock(fs: &ProjectFs) -> Result<Lock, Diagnostic> {
    let rel = RelPath::parse(LOCK_FILE).expect("the lock file's name is a valid path");
    fs.lock(&rel).map_err(|e| e.diagnostic())
}

/// Remove temp files a killed apply left in the output folder. Runs under the lock, so
/// no other apply is writing them.
pub fn remove_stale_temps(fs: &ProjectFs, output_dir: &str) -> Result<(), Diagnostic> {
    let Ok(dir) = RelPath::parse(output_dir) else {
        // Checked when cfgc.toml was loaded.
        return Ok(());
    };
    fs.remove_stale_temps(&dir)
        .map(drop)
        .map_err(|e| e.diagnostic())
}

/// Check every target before writing any: a folder, a symlink or a special file where a
/// file is to be written, or a symlink on the way, is refused with nothing written.
pub fn preflight(fs: &ProjectFs, plans: &[FilePlan]) -> Vec<Diagnostic> {
    plans
        .iter()
        .filter(|p| p.pending())
        .filter_map(|p| {
            target(&p.rel)
                .and_then(|rel| fs.check_writable(&rel, Purpose::Output))
                .err()
        })
        .map(|e| refused(&e))
        .collect()
}

/// Stage 7: write every created or changed file, all or none.
pub fn write_all(fs: &ProjectFs, plans: &[FilePlan]) -> Result<Applied, Vec<Diagnostic>> {
    let mut staged = Vec::new();
    let mut errors = Vec::new();
    for plan in plans {
        let Some(text) = &plan.write else {
            continue;
        };
        match target(&plan.rel)
            .and_then(|rel| fs.stage(&rel, text.as_bytes(), plan.mode(), Purpose::Output))
        {
            Ok(s) => staged.push(s),
            Err(e) => errors.push(refused(&e)),
        }
    }
    if !errors.is_empty() {
        // Dropping the staged files removes their temp files: nothing was written.
        drop(staged);
        return Err(errors);
    }
    let written = staged.len();
    for s in staged {
        s.commit().map_err(|e| vec![refused(&e)])?;
    }
    Ok(Applied { written })
}

fn target(rel: &str) -> Result<RelPath, FsError> {
    // Output paths are checked when cfgc.toml is loaded; `{env}` is a checked name.
    RelPath::parse(rel).map_err(|e| {
        FsError::new(
            rel,
            crate::fs::Op::Write,
            crate::fs::Why::Io(std::io::Error::other(e)),
        )
    })
}

fn refused(e: &FsError) -> Diagnostic {
    e.diagnostic().note(
        "apply checks and stages every file before it replaces the first: nothing was written",
    )
}
