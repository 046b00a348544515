//! Writing a secrets file: a fixed header, the secrets sorted by name, then the metadata.
//! The output depends only on the data, so an unchanged value keeps its line byte for byte.

use super::{META_KEY, SecretsFile, VERSION};
use crate::node::Kind;
use crate::yaml::resolve_plain;
// The program's one YAML quoter, shared with rendered YAML outputs.
pub(crate) use crate::format::yaml::double_quoted as quoted;

pub const HEADER: &str =
    "# cfgc secrets file: names are plain, values are sealed. Edit with `cfgc secrets`.\n";

/// Said above the pending values in the file itself, where a reviewer sees them.
pub const PENDING_NOTE: &str = "  # UNAUTHENTICATED: values set without a key, outside the MAC. A key holder\n  # reviews and folds them in with `cfgc secrets seal ENV`.\n";

pub fn serialize(file: &SecretsFile) -> String {
    let mut out = String::with_capacity(256 + file.values.len() * 128 + file.data_key.len());
    out.push_str(HEADER);
    for (name, sealed) in &file.values {
        out.push_str(&scalar(name));
        out.push_str(": ");
        out.push_str(&scalar(sealed));
        out.push('\n');
    }
    out.push_str(META_KEY);
    out.push_str(":\n");
    out.push_str(&format!("  version: {VERSION}\n"));
    if file.generation > 0 {
        out.push_str(&format!("  generation: {}\n", file.generation));
    }
    out.push_str(&format!("  environment: {}\n", scalar(&file.environment)));
    out.push_str("  recipients:\n");
    let mut recipients = file.recipients.clone();
    recipients.sort();
    for r in &recipients {
        out.push_str(&format!("    - {}\n", scalar(r)));
    }
    out.push_str("  data_key: |\n");
    for line in file.data_key.trim_end().lines() {
        out.push_str("    ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if let Some(signer) = &file.signer {
        out.push_str(&format!("  signer: {}\n", scalar(signer)));
    }
    if let Some(confirmed) = &file.confirmed {
        out.push_str(&format!("  confirmed: {}\n", scalar(confirmed)));
    }
    out.push_str(&format!("  mac: {}\n", scalar(&file.mac)));
    if !file.pending.is_empty() {
        out.push_str(PENDING_NOTE);
        out.push_str("  pending:\n");
        for (name, sealed) in &file.pending {
            out.push_str(&format!("    {}: {}\n", scalar(name), scalar(sealed)));
        }
    }
    out
}

/// `s` as a YAML scalar that reads back as the same string: plain when that is
/// unambiguous, else double-quoted with escapes.
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphanumeric() || "_./+".contains(first))
        && !s.ends_with(' ')
        && !s.contains(" #")
        && !s.contains(": ")
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./+=,[]- :@".contains(c))
        && !s.ends_with(':')
        && matches!(resolve_plain(s), Kind::Str(_))
}
