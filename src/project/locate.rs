//! Finding `cfgc.toml`: where `--project` points, or the nearest one up from the current
//! folder.

use std::path::{Path, PathBuf};

use super::PROJECT_FILE;
use crate::diagnostic::{Code, Diagnostic};

/// Find `cfgc.toml`: the given path (a folder or the file itself), else the
/// current folder and its parents, as cargo finds Cargo.toml.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(p) = explicit {
        let file = if p.is_dir() {
            p.join(PROJECT_FILE)
        } else {
            p.to_path_buf()
        };
        return if file.is_file() {
            Ok(anchored(&file))
        } else {
            Err(Diagnostic::new(
                Code::ProjectNotFound,
                format!("no project file at `{}`", file.display()),
            )
            .help(
                "pass the folder that holds cfgc.toml, or the file itself, to --project; \
                 `cfgc init` starts a project",
            ))
        };
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Diagnostic::new(Code::Io, format!("cannot read the current folder: {e}")))?;
    let mut searched = Vec::new();
    for dir in cwd.ancestors() {
        let file = dir.join(PROJECT_FILE);
        if file.is_file() {
            return Ok(file);
        }
        searched.push(dir.display().to_string());
    }
    let mut d = Diagnostic::new(
        Code::ProjectNotFound,
        "no cfgc.toml in this folder or any parent",
    )
    .help(
        "run cfgc inside a project, pass --project DIR, or start a project here with `cfgc init`",
    );
    for dir in searched {
        d = d.note(format!("looked in {dir}"));
    }
    Err(d)
}

/// `file` with its folder made absolute, so that every command finds the root as the
/// file's parent: `-C cfgc.toml` has the parent `""`, which names no folder. The file name
/// itself is kept, so a cfgc.toml that is a symlink out is still refused when read.
fn anchored(file: &Path) -> PathBuf {
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (folder.canonicalize(), file.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => file.to_path_buf(),
    }
}
