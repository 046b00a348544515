//! Reading a secrets file's structure from the loader's tree, without any key: enough to
//! list names, compare recipients and reject a damaged file with its line, in CI too.

mod meta;

use std::collections::BTreeMap;

use super::{META_KEY, SecretsFile, names};
use crate::diagnostic::{Code, Diagnostic};
use crate::node::{Kind, Map, Node};
use crate::secrets::crypto::{CryptoError, check_sealed};
use crate::source::{FileId, Span};

/// A file as read, with where each part was written.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub file: SecretsFile,
    pub spans: Spans,
}

#[derive(Clone, Debug)]
pub struct Spans {
    pub file: FileId,
    /// The `cfgc` key.
    pub meta: Span,
    pub environment: Span,
    pub recipients: Span,
    pub data_key: Span,
    pub mac: Span,
    /// `generation:`'s value; `None` in a legacy file.
    pub generation: Option<Span>,
    pub values: BTreeMap<String, ValueSpans>,
    /// Each pending value's name.
    pub pending: BTreeMap<String, Span>,
}

#[derive(Clone, Copy, Debug)]
pub struct ValueSpans {
    pub key: Span,
    pub value: Span,
}

const HELP_RESTORE: &str = "secrets files are written by `cfgc secrets`; restore this one from version control (`git checkout -- FILE`), or fix it as described";

/// The secrets file in `node` (the whole document), every problem reported at its line.
/// An empty document is an error here: the caller decides whether a new file is allowed.
pub fn parse(node: &Node, file: FileId, name: &str) -> Result<Parsed, Vec<Diagnostic>> {
    let top = Span::new(file, 0, 0);
    let map = document(node, top, name).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let (values, value_spans) = sealed_values(map, &mut errors);
    let Some(meta) = map.get(META_KEY) else {
        errors.push(
            Diagnostic::new(Code::SecretsFormat, format!("`{name}` has no `{META_KEY}:` metadata"))
                .at(first_key(map).unwrap_or(top))
                .label("a secrets file ends with a `cfgc:` block")
                .note("the metadata holds the format version, environment, recipients, the wrapped data key and the MAC; without it no value can be decrypted or verified")
                .help(HELP_RESTORE),
        );
        return Err(errors);
    };
    let Some(fields) = meta.node.as_map() else {
        errors.push(format_error(
            format!("`{META_KEY}` must be a mapping"),
            meta.node.span,
            "expected `version`, `environment`, `recipients`, `data_key` and `mac`",
        ));
        return Err(errors);
    };
    let read = meta::Reader {
        fields,
        at: meta.key_span,
        errors: &mut errors,
    }
    .read(name);
    match (
        read.environment,
        read.recipients,
        read.data_key,
        read.mac,
        read.generation,
    ) {
        (Some(environment), Some(recipients), Some(data_key), Some(mac), Some(generation))
            if errors.is_empty() =>
        {
            Ok(Parsed {
                file: SecretsFile {
                    environment: environment.0,
                    recipients: recipients.0,
                    data_key: data_key.0,
                    mac: mac.0,
                    values,
                    generation: generation.0,
                    signer: read.signer,
                    confirmed: read.confirmed,
                    pending: read.pending,
                },
                spans: Spans {
                    file,
                    meta: meta.key_span,
                    environment: environment.1,
                    recipients: recipients.1,
                    data_key: data_key.1,
                    mac: mac.1,
                    generation: generation.1,
                    values: value_spans,
                    pending: read.pending_spans,
                },
            })
        }
        _ => Err(errors),
    }
}

/// The document's top-level mapping, or why it cannot be a secrets file.
fn document<'a>(node: &'a Node, top: Span, name: &str) -> Result<&'a Map, Diagnostic> {
    let Some(map) = node.as_map() else {
        return Err(format_error(
            format!("`{name}` is not a secrets file"),
            node.span,
            "expected a mapping of secret names",
        ));
    };
    if map.is_empty() {
        return Err(
            Diagnostic::new(Code::SecretsEmpty, format!("secrets file `{name}` is empty"))
                .at(top)
                .label("no secrets and no `cfgc:` metadata")
                .help("restore the file from version control; to start afresh, delete it and run `cfgc secrets set ENV NAME`, which writes a new one"),
        );
    }
    Ok(map)
}

/// Every secret beside the metadata: name → sealed text, and where each was written.
/// A value that is not `ENC[v1,…]` is an error that names the key, never the value.
fn sealed_values(
    map: &Map,
    errors: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, BTreeMap<String, ValueSpans>) {
    let mut values = BTreeMap::new();
    let mut value_spans = BTreeMap::new();
    for (key, entry) in map.iter().filter(|(k, _)| k.as_str() != META_KEY) {
        if let Some(d) = names::check_secret(key, entry.key_span, "secret") {
            errors.push(d);
            continue;
        }
        // The message names the key, never the value: a hand-edited value may be plaintext.
        let not_sealed = |why: String| {
            Diagnostic::new(Code::SecretsValue, format!("the value of `{key}` is not an encrypted value: {why}"))
                .at(entry.node.span)
                .label("expected `ENC[v1,…]`")
                .key(key)
                .help(format!("remove the line and store the value with `cfgc secrets set <ENV> {key}`; if a real secret was written here in plain text, rotate it"))
        };
        match &entry.node.kind {
            Kind::Str(text) => match check_sealed(text) {
                Ok(()) => {
                    values.insert(key.clone(), text.clone());
                    value_spans.insert(
                        key.clone(),
                        ValueSpans {
                            key: entry.key_span,
                            value: entry.node.span,
                        },
                    );
                }
                Err(CryptoError::UnsupportedVersion(v)) => errors.push(
                    Diagnostic::new(
                        Code::SecretsVersion,
                        format!(
                            "the value of `{key}` has format version `{v}`; this cfgc reads `v1`"
                        ),
                    )
                    .at(entry.node.span)
                    .label("unsupported version")
                    .key(key)
                    .help("upgrade cfgc to read this file"),
                ),
                Err(e) => errors.push(not_sealed(short(&e))),
            },
            _ => errors.push(not_sealed(format!("found {}", entry.node.type_name()))),
        }
    }
    (values, value_spans)
}

fn format_error(message: String, at: Span, label: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::SecretsFormat, message)
        .at(at)
        .label(label)
        .help(HELP_RESTORE)
}

fn first_key(map: &Map) -> Option<Span> {
    map.values().map(|e| e.key_span).min()
}

fn short(e: &CryptoError) -> String {
    match e {
        CryptoError::Malformed(why) => (*why).to_string(),
        other => other.to_string(),
    }
}
