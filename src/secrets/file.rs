//! The secrets file as data: secret names in plain text with sealed values, then the
//! metadata that binds them under the reserved key `cfgc` (format version, environment,
//! recipients, the wrapped data key and the MAC). See docs/secrets-format.md.
//!
//! Parsed from the loader's `Node` tree, so every error has a file and a line; written
//! deterministically, so a value's line changes only when its value does. Written
//! through the project filesystem (`crate::fs`: `stage`, `commit`, `lock`).

mod edit;
mod parse;
mod serialize;

use std::collections::BTreeMap;

pub use edit::{Change, Rekeyed, compute_mac, create, rekey, update};
pub use parse::{Parsed, Spans, ValueSpans, parse, redact_unparsed};
pub use serialize::{scalar as yaml_scalar, serialize};

/// The top-level key that holds the metadata; every other top-level key is a secret.
pub const META_KEY: &str = "cfgc";

/// The only format version this cfgc reads and writes.
pub const VERSION: i64 = 1;

/// One secrets file. Values are the sealed texts exactly as stored (`ENC[v1,…]`): the
/// MAC covers these bytes, so they are never re-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretsFile {
    pub environment: String,
    /// Canonical recipient texts (`Recipient::as_str`), sorted.
    pub recipients: Vec<String>,
    /// The data key wrapped with age to every recipient, ASCII-armored.
    pub data_key: String,
    /// Base64 HMAC-SHA256 over the environment, recipients and every (name, value).
    pub mac: String,
    pub values: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests;
