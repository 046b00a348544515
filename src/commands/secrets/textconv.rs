//! `cfgc secrets textconv FILE`: git's view of a secrets file (`diff.cfgc-secrets.textconv`),
//! one stable line per name, so `git diff` and `git log -p` show which names changed
//! instead of base64. Needs no key and no project: git runs it on a temporary copy.
//!
//! A value is shown as a short fingerprint of its ciphertext (SHA-256, 12 hex digits): it
//! changes exactly when the value was written again, and says nothing about the value.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;

use sha2::{Digest, Sha256};

use crate::commands::{Outcome, show};
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Limits;
use crate::secrets::file::SecretsFile;
use crate::secrets::file::shown::field;
use crate::secrets::history::parse_text;
use crate::source::SourceMap;

pub fn run(file: &Path) -> Result<Outcome, Outcome> {
    let limits = Limits::default();
    // A file git names on our command line (a temporary copy), not a project file.
    let text = read_bounded(file, limits.secrets).map_err(|why| {
        let shown = file.display().to_string();
        let d = Diagnostic::new(Code::Io, format!("cannot read `{}`: {why}", field(&shown)));
        crate::commands::emit(&[d], &SourceMap::default(), false)
    })?;
    if text.trim().is_empty() {
        return Ok(Outcome::OK);
    }
    let mut sources = SourceMap::default();
    let name = file.display().to_string();
    match parse_text(name, file.to_path_buf(), text, &limits, &mut sources) {
        Ok(parsed) => {
            show(&summary(&parsed.file));
            Ok(Outcome::OK)
        }
        Err(errors) => Err(crate::commands::emit(&errors, &sources, false)),
    }
}

/// Reads at most `limit` bytes of UTF-8 text from a file outside the project. Only a
/// regular file, as the project filesystem reads: opened without blocking (a FIFO with no
/// writer would otherwise hang `git diff` for ever) and its type taken from the opened
/// handle, so nothing can be swapped in between.
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, String> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32)
        .open(path)
        .map_err(|e| e.to_string())?;
    let kind = file.metadata().map_err(|e| e.to_string())?.file_type();
    if !kind.is_file() {
        return Err(format!(
            "it is a {}, not a regular file; cfgc reads secrets files only from regular files",
            kind_name(&kind)
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}

fn kind_name(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "folder"
    } else if kind.is_fifo() {
        "FIFO (named pipe)"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "device"
    } else {
        "special file"
    }
}

/// One line per field, every field escaped (`shown::field`): a name or an environment
/// holding a newline cannot add a line of its own (say, a forged "confirmed").
pub fn summary(file: &SecretsFile) -> String {
    let mut out = format!(
        "environment: {}\ngeneration: {}\n",
        field(&file.environment),
        match file.generation {
            0 => "none (legacy)".to_string(),
            n => n.to_string(),
        }
    );
    let mut recipients = file.recipients.clone();
    recipients.sort();
    for r in recipients {
        out.push_str(&format!("recipient: {}\n", field(&r)));
    }
    out.push_str(&format!("data key: {}\n", fingerprint(&file.data_key)));
    if file.confirmed.is_some() {
        // Only that a signature is there: whether it verifies needs the base.
        out.push_str("data key signature: present (checked against the base by `cfgc secrets diff` and `cfgc check --base`)\n");
    }
    for (name, sealed) in &file.values {
        out.push_str(&format!(
            "{}: sealed {}\n",
            field(name),
            fingerprint(sealed)
        ));
    }
    for (name, sealed) in &file.pending {
        out.push_str(&format!(
            "{}: PENDING, unauthenticated {}\n",
            field(name),
            fingerprint(sealed)
        ));
    }
    out
}

fn fingerprint(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}
