//! `cfgc secrets textconv FILE`: git's view of a secrets file (`diff.cfgc-secrets.textconv`),
//! one stable line per name, so `git diff` and `git log -p` show which names changed
//! instead of base64. Needs no key and no project: git runs it on a temporary copy.
//!
//! A value is shown as a short fingerprint of its ciphertext (SHA-256, 12 hex digits): it
//! changes exactly when the value was written again, and says nothing about the value.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::commands::{Exit, err, show};
use crate::fs::Limits;
use crate::secrets::file::SecretsFile;
use crate::secrets::history::parse_text;
use crate::source::SourceMap;

pub fn run(file: &Path) -> Result<Exit, Exit> {
    let limits = Limits::default();
    // A file git names on our command line (a temporary copy), not a project file.
    let text = read_bounded(file, limits.secrets).map_err(|why| {
        err(&format!("error: cannot read `{}`: {why}\n", file.display()));
        Exit::Error
    })?;
    if text.trim().is_empty() {
        return Ok(Exit::Ok);
    }
    let mut sources = SourceMap::default();
    let name = file.display().to_string();
    match parse_text(name, file.to_path_buf(), text, &limits, &mut sources) {
        Ok(parsed) => {
            show(&summary(&parsed.file));
            Ok(Exit::Ok)
        }
        Err(errors) => Err(crate::commands::check::fatal(&errors, &sources, false)),
    }
}

/// Reads at most `limit` bytes of UTF-8 text from a file outside the project.
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}

pub fn summary(file: &SecretsFile) -> String {
    let mut out = format!(
        "environment: {}\ngeneration: {}\n",
        file.environment,
        match file.generation {
            0 => "none (legacy)".to_string(),
            n => n.to_string(),
        }
    );
    let mut recipients = file.recipients.clone();
    recipients.sort();
    for r in recipients {
        out.push_str(&format!("recipient: {r}\n"));
    }
    out.push_str(&format!("data key: {}\n", fingerprint(&file.data_key)));
    if file.confirmed.is_some() {
        out.push_str("data key replacement: confirmed (signed by the previous key)\n");
    }
    for (name, sealed) in &file.values {
        out.push_str(&format!("{name}: sealed {}\n", fingerprint(sealed)));
    }
    for (name, sealed) in &file.pending {
        out.push_str(&format!(
            "{name}: PENDING, unauthenticated {}\n",
            fingerprint(sealed)
        ));
    }
    out
}

fn fingerprint(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}
