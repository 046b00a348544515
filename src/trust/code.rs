//! The code that meets decrypted values, compared byte for byte with a trusted revision.
//!
//! It is: cfgc.toml (outputs, policies, this boundary's own setting), the schema, every
//! template the project loads (templates include, import and extend only each other, so
//! that is the closure of every secret-holding output, taken whole), and every layer file
//! holding a derived value at either revision. For derived values the comparison is
//! conservative: a layer file whose text mentions `derive` here or at the trusted revision
//! is compared whole, rather than the set of expressions it defines.

use std::collections::BTreeSet;

use crate::fs::{RelPath, Role};
use crate::git::{self, GitError};
use crate::project::{PROJECT_FILE, Project};

/// The trusted files that differ from `rev` (relative to the project's root, sorted): a
/// file missing on one side, or whose bytes differ.
pub fn changed(project: &Project, rev: &str) -> Result<Vec<String>, GitError> {
    let mut changed = Vec::new();
    for (rel, role) in always_trusted(project) {
        let old = git::blob(&project.root, rev, rel.as_str())?;
        if old != here(project, &rel, role) {
            changed.push(rel.as_str().to_string());
        }
    }
    let mut layers = BTreeSet::new();
    for env in &project.environments {
        layers.extend(env.layers.iter().map(|l| l.value.rel.clone()));
    }
    for rel in layers {
        let old = git::blob(&project.root, rev, rel.as_str())?;
        let new = here(project, &rel, Role::Layer);
        let derives = |b: &Option<Vec<u8>>| b.as_deref().is_some_and(mentions_derive);
        if (derives(&old) || derives(&new)) && old != new {
            changed.push(rel.as_str().to_string());
        }
    }
    changed.sort();
    changed.dedup();
    Ok(changed)
}

/// cfgc.toml, the schema and every template.
fn always_trusted(project: &Project) -> Vec<(RelPath, Role)> {
    let mut files = Vec::new();
    if let Ok(rel) = RelPath::parse(PROJECT_FILE) {
        files.push((rel, Role::Project));
    }
    files.push((project.schema.value.rel.clone(), Role::Schema));
    for output in &project.outputs {
        let rel = output.template.value.rel.clone();
        if !files.iter().any(|(r, _)| *r == rel) {
            files.push((rel, Role::Template));
        }
    }
    files
}

/// The file's bytes in the working tree; `None` when it cannot be read (then it is not
/// proven identical to anything that exists).
fn here(project: &Project, rel: &RelPath, role: Role) -> Option<Vec<u8>> {
    project.fs.read(rel, role).ok()
}

fn mentions_derive(text: &[u8]) -> bool {
    text.windows(crate::derive::KEY.len())
        .any(|w| w == crate::derive::KEY.as_bytes())
}
