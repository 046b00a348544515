//! The first phase of an import: every file read, parsed and its references resolved, with
//! every problem of every file gathered (at `file:line:col`, with the key, never the text)
//! before anything is decided, so one run shows them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::dotenv::{self, Problem};
use super::{refs, source};
use crate::diagnostic::{Code, Diagnostic};
use crate::secrets::crypto::Plaintext;

/// One file's variables for one environment; a name given twice keeps its last value, as
/// the readers do.
pub struct Read {
    pub env: String,
    /// In first-seen order.
    pub values: Vec<(String, Plaintext)>,
}

#[derive(Default)]
pub struct Gathered {
    pub files: Vec<Read>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

pub fn gather(pairs: Vec<(String, PathBuf)>) -> Gathered {
    let mut out = Gathered::default();
    for (env, file) in pairs {
        let text = match source::read(&file) {
            Ok(text) => text,
            Err(d) => {
                out.errors.push(d);
                continue;
            }
        };
        let (mut entries, bad) = dotenv::parse(&text);
        let found = refs::resolve(&mut entries);
        for p in bad.iter().chain(&found.errors) {
            out.errors.push(finding(true, &file, p));
        }
        for p in &found.warnings {
            out.warnings.push(finding(false, &file, p));
        }
        let mut last: BTreeMap<String, Plaintext> = BTreeMap::new();
        let mut order = Vec::new();
        for entry in entries {
            let value = Plaintext::from(entry.value.to_string());
            if last.insert(entry.name.clone(), value).is_none() {
                order.push(entry.name);
            }
        }
        let values = order
            .into_iter()
            .filter_map(|name| last.remove(&name).map(|v| (name, v)))
            .collect();
        out.files.push(Read { env, values });
    }
    out
}

fn finding(error: bool, file: &Path, p: &Problem) -> Diagnostic {
    let key = p
        .key
        .as_ref()
        .map(|k| format!(" `{k}`:"))
        .unwrap_or_default();
    let message = format!("{}:{}:{}:{key} {}", file.display(), p.line, p.col, p.reason);
    if !error {
        return Diagnostic::new(Code::ImportReading, message);
    }
    Diagnostic::new(Code::ImportSyntax, message)
        .help("fix that line; its text is not shown, as it may hold a secret")
}
