//! The secrets file as data: secret names in plain text with sealed values, then the
//! metadata that binds them under the reserved key `cfgc` (format version, environment,
//! recipients, the wrapped data key and the MAC). See docs/secrets-format.md.
//!
//! Parsed from the loader's `Node` tree, so every error has a file and a line; written
//! deterministically, so a value's line changes only when its value does. Written
//! through the project filesystem (`crate::fs`: `stage`, `commit`, `lock`).

pub mod confirm;
mod edit;
mod names;
mod parse;
mod redact;
mod serialize;
pub mod shown;

use std::collections::BTreeMap;

pub use edit::{Change, Rekeyed, compute_mac, create, mac_verifies, rekey, reseal, update};
pub use names::is_secret_name;
pub use parse::{Parsed, Spans, ValueSpans, parse};
pub use redact::redact_unparsed;
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
    /// Raised by every write and covered by the MAC, so an older file put back is told
    /// from the current one (`cfgc check --base`). 0: a legacy file written before
    /// generations; its first write gives it one.
    pub generation: u64,
    /// The public key that checks confirmations signed with this file's data key
    /// (`confirm`); every write sets it. Covered by the MAC.
    pub signer: Option<String>,
    /// The previous data key's signature saying this one replaced it on purpose
    /// (`confirm`). Covered by the MAC.
    pub confirmed: Option<String>,
    /// Values set by someone without a key: name → an age file (base64) to the
    /// recipients. Outside the MAC, so unauthenticated until `cfgc secrets seal`.
    pub pending: BTreeMap<String, String>,
}

impl SecretsFile {
    /// The metadata the MAC covers besides environment, generation and recipients.
    pub fn covered_extra(&self) -> Vec<(&str, &str)> {
        [("signer", &self.signer), ("confirmed", &self.confirmed)]
            .into_iter()
            .filter_map(|(name, text)| Some((name, text.as_deref()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests;

/// The spans of a secrets file's values: never shown, whatever they hold.
pub fn value_spans(node: &crate::node::Node) -> Vec<crate::source::Span> {
    node.as_map()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != META_KEY)
        .map(|(_, e)| e.node.span)
        .collect()
}
